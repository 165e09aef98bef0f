from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Prefetch, QuerySet

from campaigndesk.briefings.models import Briefing, BriefingMarket, BriefingRead, BriefingStatus
from campaigndesk.core.errors import NotFound
from campaigndesk.org import policies


def briefings_for(*, user: User | AnonymousUser) -> QuerySet[Briefing]:
    """HQ sees drafts and published briefings; the markets see published ones."""
    qs = Briefing.objects.order_by("-period_end", "-id")
    return qs if policies.is_hq(user) else qs.filter(status=BriefingStatus.PUBLISHED)


def briefing_get(*, user: User | AnonymousUser, briefing_id: int) -> Briefing:
    briefing = (
        briefings_for(user=user)
        .filter(pk=briefing_id)
        .prefetch_related(
            Prefetch("entries", queryset=BriefingMarket.objects.select_related("market")),
            Prefetch("reads", queryset=BriefingRead.objects.select_related("user__profile")),
        )
        .first()
    )
    if briefing is None:
        raise NotFound()
    return briefing
