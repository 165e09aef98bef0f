from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from campaigndesk.org.models import ApiToken, Department, Market, Office, Profile


class OfficeInline(admin.TabularInline):
    model = Office
    extra = 0
    autocomplete_fields = ["head"]


@admin.register(Market)
class MarketAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "province", "head"]
    search_fields = ["code", "name", "province"]
    autocomplete_fields = ["head"]
    list_select_related = ["head"]
    inlines = [OfficeInline]


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "market", "head"]
    list_filter = ["market"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["head", "market"]
    list_select_related = ["market", "head"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "invited_by_default", "position"]
    list_editable = ["invited_by_default", "position"]
    search_fields = ["code", "name", "name_en"]


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    fk_name = "user"
    autocomplete_fields = ["market", "office", "department"]


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class PersonAdmin(UserAdmin):
    inlines = [ProfileInline]
    list_display = ["username", "display_name", "role", "market", "department", "is_active"]
    list_filter = ["profile__role", "profile__market", "profile__department", "is_active"]
    search_fields = ["username", "profile__display_name", "email"]
    list_select_related = ["profile__market", "profile__department"]

    @admin.display(description=Profile._meta.get_field("display_name").verbose_name)
    def display_name(self, obj):  # type: ignore[no-untyped-def]
        return getattr(getattr(obj, "profile", None), "display_name", "")

    @admin.display(description=Profile._meta.get_field("role").verbose_name)
    def role(self, obj):  # type: ignore[no-untyped-def]
        profile = getattr(obj, "profile", None)
        return profile.get_role_display() if profile else ""

    @admin.display(description=Profile._meta.get_field("market").verbose_name)
    def market(self, obj):  # type: ignore[no-untyped-def]
        return getattr(getattr(obj, "profile", None), "market", None) or ""

    @admin.display(description=Profile._meta.get_field("department").verbose_name)
    def department(self, obj):  # type: ignore[no-untyped-def]
        return getattr(getattr(obj, "profile", None), "department", None) or ""


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued through the API; admins can only see and revoke them."""

    list_display = ["prefix", "user", "created_at", "expires_at", "revoked_at"]
    list_select_related = ["user"]
    readonly_fields = ["user", "prefix", "created_at", "expires_at"]
    search_fields = ["user__username", "prefix"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
