"""Reads of stage 2: teams, conflicts, materials, assignments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from campaigndesk.activities.models import Activity
from campaigndesk.activities.workflow import Status
from campaigndesk.org import policies
from campaigndesk.preparation.models import (
    Material,
    MaterialStatus,
    MemberRole,
    SupportTeam,
    TeamMember,
)

# A team of these activities no longer holds its people.
RELEASED = (Status.CANCELLED, Status.REJECTED)


@dataclass(frozen=True)
class Window:
    user_id: int
    depart_at: datetime
    return_at: datetime


def schedule_conflicts(
    *, windows: list[Window], exclude_activity_id: int | None
) -> QuerySet[TeamMember]:
    """Members of other activities' *published* teams whose window overlaps one of `windows`
    for the same person — one indexed query. Windows that only touch (one returns the instant
    the other departs) do not overlap; teams of cancelled or rejected activities do not count."""
    if not windows:
        return TeamMember.objects.none()
    overlap = Q()
    for w in windows:
        overlap |= Q(user_id=w.user_id, depart_at__lt=w.return_at, return_at__gt=w.depart_at)
    qs = TeamMember.objects.filter(overlap, team__published_at__isnull=False).exclude(
        team__activity__status__in=RELEASED
    )
    if exclude_activity_id is not None:
        qs = qs.exclude(team__activity_id=exclude_activity_id)
    return qs.select_related("user__profile", "team__activity").order_by("depart_at")


def team_of(*, activity: Activity) -> SupportTeam | None:
    return (
        SupportTeam.objects.filter(activity=activity)
        .select_related("lead__profile", "published_by__profile")
        .prefetch_related(
            Prefetch("members", queryset=TeamMember.objects.select_related("user__profile"))
        )
        .first()
    )


def role_counts(team: SupportTeam | None) -> list[tuple[str, str, int]]:
    """(role, label, how many) for each member role, like the seed's roster."""
    members = list(team.members.all()) if team else []
    return [
        (role.value, str(role.label), sum(1 for m in members if m.role == role.value))
        for role in MemberRole
    ]


def assignments_of(*, user: User, since: datetime) -> QuerySet[TeamMember]:
    """The user's memberships of published teams, of activities not called off, returning after
    `since`, with the activity, market, team lead and a count of materials by status."""
    materials = Count("team__activity__materials", distinct=True)
    received = Count(
        "team__activity__materials",
        filter=Q(team__activity__materials__status=MaterialStatus.RECEIVED),
        distinct=True,
    )
    return (
        TeamMember.objects.filter(user=user, team__published_at__isnull=False, return_at__gte=since)
        .exclude(team__activity__status__in=RELEASED)
        .select_related("team__activity__market", "team__lead__profile")
        .annotate(materials_total=materials, materials_received=received)
        .order_by("depart_at", "id")
    )


def other_assignments(
    *, user_ids: list[int], exclude_activity_id: int, since: datetime
) -> dict[int, list[TeamMember]]:
    """Each person's other published windows from `since` on, for the calendar strip."""
    rows: dict[int, list[TeamMember]] = {pk: [] for pk in user_ids}
    if not user_ids:
        return rows
    for member in (
        TeamMember.objects.filter(
            user_id__in=user_ids, team__published_at__isnull=False, return_at__gte=since
        )
        .exclude(team__activity_id=exclude_activity_id)
        .exclude(team__activity__status__in=RELEASED)
        .select_related("team__activity")
        .order_by("depart_at")
    ):
        rows[member.user_id].append(member)
    return rows


def materials_of(*, activity: Activity) -> QuerySet[Material]:
    return Material.objects.filter(activity=activity).select_related(
        "owner_department", "received_by__profile"
    )


def materials_overdue_for(*, user: User | AnonymousUser) -> QuerySet[Material]:
    """Items past their due date and not shipped, of activities still being prepared or run,
    that `user` may see; oldest due first."""
    return (
        Material.objects.filter(
            policies.activity_scope(user, via="activity__"),
            status__in=[MaterialStatus.REQUESTED, MaterialStatus.PREPARING],
            due_date__lt=timezone.localdate(),
            activity__status__in=[Status.APPROVED, Status.ON_SITE],
        )
        .select_related("activity__market", "owner_department")
        .order_by("due_date", "id")
    )


def hq_staff() -> QuerySet[User]:
    """People a support team may be drawn from."""
    return (
        User.objects.filter(
            is_active=True,
            profile__role__in=["support_member", "hq_manager", "reviewer"],
        )
        .select_related("profile__department")
        .order_by("profile__role", "username")
    )
