"""Reads of stage 1 review: meetings, opinions, and each reviewer's inbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from campaigndesk.activities.models import Activity
from campaigndesk.activities.workflow import Status
from campaigndesk.core.compiled import Compiled
from campaigndesk.org import policies
from campaigndesk.org.models import Delegation, Department
from campaigndesk.org.selectors import in_force
from campaigndesk.reviews.models import Opinion, OpinionItem, ReviewRound


def rounds_for_activity(*, activity: Activity) -> QuerySet[ReviewRound]:
    """Every review round of the activity, oldest first, with invited departments, opinions,
    their items and authors."""
    return (
        ReviewRound.objects.filter(activity=activity)
        .select_related("opened_by__profile", "returned_by__profile")
        .prefetch_related(
            Prefetch("departments", queryset=Department.objects.order_by("position", "code")),
            Prefetch(
                "opinions",
                queryset=Opinion.objects.select_related(
                    "department", "given_by__profile", "on_behalf_of__profile"
                ).prefetch_related("items"),
            ),
        )
        .order_by("number")
    )


@dataclass
class RoundStatus:
    round: ReviewRound
    given: list[Opinion]
    owed: list[Department]

    @property
    def complete(self) -> bool:
        return not self.owed


def round_status(review_round: ReviewRound) -> RoundStatus:
    """Which invited departments have spoken and which still owe (uses prefetched rows)."""
    opinions = list(review_round.opinions.all())
    given_ids = {o.department_id for o in opinions}
    return RoundStatus(
        round=review_round,
        given=opinions,
        owed=[d for d in review_round.departments.all() if d.pk not in given_ids],
    )


def items_by_section(*, review_round: ReviewRound) -> list[tuple[str, list[OpinionItem]]]:
    """The round's opinion items grouped by section, in the template's order, `general`
    first — how the market head reads them."""
    activity = review_round.activity
    order = ["general"] + [s.key for s in activity.template.sections.all()]
    grouped: dict[str, list[OpinionItem]] = {}
    for opinion in review_round.opinions.all():
        for item in opinion.items.all():
            item.department = opinion.department  # type: ignore[attr-defined]
            grouped.setdefault(item.section, []).append(item)
    return sorted(
        grouped.items(), key=lambda pair: order.index(pair[0]) if pair[0] in order else 99
    )


def departments_acted_for(*, user: User) -> list[int]:
    """The departments whose opinions `user` may give today: their own as a reviewer, and
    those of reviewers who delegated to them."""
    ids: set[int] = set()
    profile = getattr(user, "profile", None)
    if policies.role_of(user) == "reviewer" and profile and profile.department_id:
        ids.add(profile.department_id)
    rows = _ACTING_FOR.rows(user_id=user.pk, today=timezone.localdate())
    ids.update(department_id for (department_id,) in rows)
    return sorted(ids)


def _acting_for(shape: object, *, user_id: int, today: date) -> QuerySet[Any]:
    return Delegation.objects.filter(in_force(today), delegate_id=user_id).values_list(
        "delegator__profile__department_id"
    )


# Asked on every page (the header's "my reviews"): compiled once (core.compiled).
_ACTING_FOR = Compiled(_acting_for)


@dataclass
class InboxRow:
    review_round: ReviewRound
    department: Department
    opinion: Opinion | None

    @property
    def owed(self) -> bool:
        return self.opinion is None and self.review_round.activity.status == Status.IN_REVIEW


def reviews_for_reviewer(*, user: User, limit: int = 100) -> list[InboxRow]:
    """ "My reviews": the meetings the user's departments are invited to, open ones first."""
    department_ids = departments_acted_for(user=user)
    if not department_ids:
        return []
    rounds = (
        ReviewRound.objects.filter(departments__in=department_ids)
        .distinct()
        .select_related("activity__market")
        .prefetch_related(
            Prefetch("departments", queryset=Department.objects.order_by("position", "code")),
            Prefetch("opinions", queryset=Opinion.objects.select_related("department")),
        )
        .order_by("-opened_at", "-id")[:limit]
    )
    rows: list[InboxRow] = []
    for review_round in rounds:
        opinions = {o.department_id: o for o in review_round.opinions.all()}
        for department in review_round.departments.all():
            if department.pk in department_ids:
                rows.append(InboxRow(review_round, department, opinions.get(department.pk)))
    rows.sort(key=lambda row: (not row.owed, -row.review_round.opened_at.timestamp()))
    return rows
