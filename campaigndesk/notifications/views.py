"""The inbox page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from campaigndesk.core.errors import DomainError, NotFound, ValidationFailed
from campaigndesk.core.http import PageRequest
from campaigndesk.notifications import selectors, services
from campaigndesk.notifications.models import (
    Delivery,
    Kind,
    NotificationSettings,
    NotificationTarget,
    TargetKind,
)
from campaigndesk.org.models import Market


@login_required
@require_GET
def inbox(request: PageRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(
        selectors.notifications_for_user(user=request.user, unread=unread_only), 30
    ).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page, "unread_only": unread_only})


@login_required
@require_POST
def notification_open(request: PageRequest, notification_id: int) -> HttpResponse:
    """Marks the notification read and goes where the user must act."""
    try:
        notification = services.notification_mark_read(
            notification_id=notification_id, by=request.user
        )
    except NotFound:
        return redirect("notifications:inbox")
    return redirect(notification.url or "notifications:inbox")


@login_required
@require_POST
def read_all(request: PageRequest) -> HttpResponse:
    services.notifications_mark_all_read(by=request.user)
    return redirect("notifications:inbox")


@login_required
@require_GET
def badge(request: PageRequest) -> HttpResponse:
    """The unread count in the header, refreshed by htmx."""
    return render(
        request,
        "notifications/partials/_badge.html",
        {"unread_notifications": selectors.unread_count(user=request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: PageRequest) -> HttpResponse:
    """Which kinds reach me by e-mail, and in which language."""
    current = NotificationSettings.objects.filter(user=request.user).first()
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            services.settings_update(
                by=request.user,
                language=request.POST.get("language", "zh-hans"),
                email_kinds=request.POST.getlist("email_kinds"),
            )
        except ValidationFailed as error:
            errors.update(error.fields)
        else:
            messages.success(request, _("Settings saved."))
            return redirect("notifications:settings")
    return render(
        request,
        "notifications/settings.html",
        {
            "kinds": Kind.choices,
            "chosen": current.email_kinds if current else list(Kind.values),
            "language": current.language if current else "zh-hans",
            "errors": errors,
            "has_email": bool(request.user.email),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def targets_page(request: PageRequest) -> HttpResponse:
    """HQ's group bots: add, remove, and each one's delivery log."""
    if not services.may_configure_targets(request.user):
        raise PermissionDenied(_("Only HQ configures group bots."))
    errors: dict[str, str] = {}
    values = {k: request.POST.get(k, "") for k in ("kind", "url", "secret", "market", "name")}
    if request.method == "POST":
        if request.POST.get("delete"):
            try:
                services.target_delete(by=request.user, target_id=int(request.POST["delete"]))
            except (DomainError, ValueError):
                raise Http404 from None
            messages.success(request, _("Target removed."))
            return redirect("notifications:targets")
        try:
            services.target_create(
                by=request.user,
                kind=values["kind"],
                url=values["url"],
                secret=values["secret"],
                market=values["market"] or None,
                notification_kinds=request.POST.getlist("notification_kinds"),
                name=values["name"],
            )
        except ValidationFailed as error:
            errors.update(error.fields)
        else:
            messages.success(request, _("Target added."))
            return redirect("notifications:targets")
    targets = list(NotificationTarget.objects.select_related("market").order_by("id"))
    recent: dict[int, list[Delivery]] = {t.pk: [] for t in targets}
    # The last ten deliveries of every bot in one query.
    for delivery in (
        Delivery.objects.filter(target__in=targets)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("target_id")],
                order_by=[F("created_at").desc(), F("id").desc()],
            )
        )
        .filter(rank__lte=10)
        .order_by("target_id", "-created_at", "-id")
    ):
        recent[delivery.target_id].append(delivery)  # type: ignore[index]
    return render(
        request,
        "notifications/targets.html",
        {
            "targets": [(t, recent[t.pk]) for t in targets],
            "errors": errors,
            "values": values,
            "kinds": Kind.choices,
            "target_kinds": TargetKind.choices,
            "markets": Market.objects.order_by("code"),
            "chosen_kinds": request.POST.getlist("notification_kinds"),
        },
    )


def header(request: HttpRequest) -> dict[str, object]:
    """Context for the page header: the unread count (one query), and whether to show
    "my reviews" — for reviewers, and for anyone acting for one today."""
    user = request.user
    if not user.is_authenticated:
        return {}
    from campaigndesk.reviews.selectors import departments_acted_for

    return {
        "unread_notifications": selectors.unread_count(user=user),  # type: ignore[arg-type]
        "shows_my_reviews": bool(departments_acted_for(user=user)),  # type: ignore[arg-type]
    }
