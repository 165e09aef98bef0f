"""Admin for the HQ template and a read-mostly view of activities.

A template version that proposals were written on is frozen: HQ changes the template by making a
new version ("copy as a new version"), so proposals keep the sections they were written against.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Max, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigndesk.activities.models import Activity, BudgetLine, ProposalTemplate, TemplateSection
from campaigndesk.core.audit import audit_record


class TemplateSectionInline(admin.TabularInline):
    model = TemplateSection
    extra = 0
    fields = ["position", "key", "title", "title_en", "required", "help_text", "help_text_en"]

    def _frozen(self, obj: ProposalTemplate | None) -> bool:
        return obj is not None and obj.activities.exists()

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._frozen(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._frozen(obj) and super().has_delete_permission(request, obj)


@admin.register(ProposalTemplate)
class ProposalTemplateAdmin(admin.ModelAdmin):
    list_display = ["version", "is_current", "lead_days", "note", "section_count", "created_at"]
    inlines = [TemplateSectionInline]
    actions = ["copy_as_new_version", "make_current"]
    readonly_fields = ["version"]

    @admin.display(description=gettext_lazy("sections"))
    def section_count(self, obj: ProposalTemplate) -> int:
        return obj.sections.count()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and (obj.is_current or obj.activities.exists()):
            return False
        return super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # The lead time of a version in use is part of the rule those proposals were held to.
        if obj is not None and obj.activities.exists():
            return ["version", "lead_days", "is_current"]
        return ["version", "is_current"]

    def save_model(
        self, request: HttpRequest, obj: ProposalTemplate, form: Any, change: bool
    ) -> None:
        if not change:
            top = ProposalTemplate.objects.aggregate(top=Max("version"))["top"] or 0
            obj.version = top + 1
        super().save_model(request, obj, form, change)
        audit_record(actor=request.user, action="template_save", obj=obj)  # type: ignore[arg-type]

    @admin.action(description=gettext_lazy("Copy as a new version (not yet current)"))
    def copy_as_new_version(
        self, request: HttpRequest, queryset: QuerySet[ProposalTemplate]
    ) -> None:
        with transaction.atomic():
            for template in queryset.order_by("version"):
                top = ProposalTemplate.objects.aggregate(top=Max("version"))["top"] or 0
                copy = ProposalTemplate.objects.create(
                    version=top + 1,
                    lead_days=template.lead_days,
                    is_current=False,
                    note=template.note,
                )
                TemplateSection.objects.bulk_create(
                    TemplateSection(
                        template=copy,
                        key=s.key,
                        title=s.title,
                        title_en=s.title_en,
                        help_text=s.help_text,
                        help_text_en=s.help_text_en,
                        required=s.required,
                        position=s.position,
                    )
                    for s in template.sections.all()
                )
                audit_record(
                    actor=request.user,
                    action="template_copy",
                    obj=copy,  # type: ignore[arg-type]
                    note=f"v{template.version} → v{copy.version}",
                )
        messages.success(request, _("New version created; edit it, then make it current."))

    @admin.action(description=gettext_lazy("Make current (new proposals use it)"))
    def make_current(self, request: HttpRequest, queryset: QuerySet[ProposalTemplate]) -> None:
        if queryset.count() != 1:
            messages.error(request, _("Choose exactly one version."))
            return
        template = queryset.get()
        if not template.sections.exists():
            messages.error(request, _("A template without sections cannot be current."))
            return
        with transaction.atomic():
            ProposalTemplate.objects.filter(is_current=True).update(is_current=False)
            ProposalTemplate.objects.filter(pk=template.pk).update(is_current=True)
            audit_record(actor=request.user, action="template_make_current", obj=template)  # type: ignore[arg-type]
        messages.success(request, _("Version %(v)s is now current.") % {"v": template.version})


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    extra = 0
    can_delete = False
    fields = ["position", "category", "item", "amount"]
    readonly_fields = ["position", "category", "item", "amount"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    """Activities change only through their services (status, audit); the admin shows them."""

    list_display = ["title", "market", "status", "start_date", "end_date", "revision", "version"]
    list_filter = ["status", "market"]
    search_fields = ["title", "venue"]
    date_hierarchy = "start_date"
    list_select_related = ["market"]
    inlines = [BudgetLineInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
