"""The inbox page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from campaigndesk.core.errors import NotFound
from campaigndesk.core.http import PageRequest
from campaigndesk.notifications import selectors, services


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
