"""Reads of activities, always scoped to what the reader may see."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigndesk.activities.models import (
    PROPOSAL_FIELDS,
    Activity,
    ActivityVersion,
    BudgetLine,
    ProposalTemplate,
)
from campaigndesk.core.compiled import Compiled
from campaigndesk.core.errors import NotFound
from campaigndesk.core.formatting import local_iso, money
from campaigndesk.core.models import AuditEntry
from campaigndesk.org import policies

AnyUser = AbstractBaseUser | AnonymousUser


def activities_for_user(
    *, user: AnyUser, market: str | None = None, status: str | None = None
) -> QuerySet[Activity]:
    """Activities `user` may see, newest start first; market by code, status by value."""
    qs = (
        Activity.objects.filter(policies.activity_scope(user))
        .select_related("market", "created_by", "template")
        .prefetch_related("budget_lines")
        .order_by("-start_date", "-id")
    )
    if market:
        qs = qs.filter(market__code=market)
    if status:
        qs = qs.filter(status=status)
    return qs


_ROW_COLUMNS = (
    "id",
    "title",
    "market__code",
    "status",
    "start_date",
    "end_date",
    "venue",
    "sections",
    "target_attendance",
    "target_leads",
    "target_sales",
    "staffing",
    "revision",
    "version",
    "template__version",
    "created_by__username",
    "created_at",
    "updated_at",
    "submitted_at",
    "playbook_id",
)


def _page(
    shape: tuple[str, int, int],
    *,
    scope_market: int | None = None,
    market: str | None = None,
    status: str | None = None,
    pk: int | None = None,
) -> QuerySet[Any]:
    """The API's page of activities (`activities_for_user`'s filters and order, or one by
    `pk`) as plain rows; `shape`: the scope's kind (`policies.scope_of`), offset, limit."""
    scope, offset, limit = shape
    qs = Activity.objects.filter(policies.scope_filter(scope, scope_market))
    if market is not None:
        qs = qs.filter(market__code=market)
    if status is not None:
        qs = qs.filter(status=status)
    if pk is not None:
        qs = qs.filter(pk=pk)
    return qs.order_by("-start_date", "-id").values_list(*_ROW_COLUMNS)[offset : offset + limit]


def _lines(shape: int, **ids: int) -> QuerySet[Any]:
    """The budget lines of `shape` activities (ids `a0`, `a1`, …) in their order."""
    return (
        BudgetLine.objects.filter(activity_id__in=[ids[f"a{i}"] for i in range(shape)])
        .order_by("activity_id", "position", "id")
        .values_list("activity_id", "category", "item", "amount")
    )


# The API's activity reads run on every request that is not a kept copy (core.readcache): the
# SQL of each shape is compiled once (core.compiled).
_PAGE = Compiled(_page)
_LINES = Compiled(_lines)


def activity_rows(
    *,
    user: AnyUser,
    offset: int,
    limit: int,
    market: str | None = None,
    status: str | None = None,
    pk: int | None = None,
) -> list[dict[str, Any]]:
    """A page of the activities `user` may see (market by code, status by value; or the one
    `pk`) exactly as `activities.api.activity_out` shows each, read as plain rows: the page
    (joined with market, template and author) and its budget lines, two queries and no model
    instances (a page of 20 built 163 of them)."""
    scope, scope_market = policies.scope_of(user)
    given = {"market": market, "status": status, "pk": pk, "scope_market": scope_market}
    rows = _PAGE.rows(
        (scope, offset, limit), **{name: v for name, v in given.items() if v is not None}
    )
    lines: dict[int, list[dict[str, Any]]] = {}
    totals: dict[int, Decimal] = {}
    if rows:
        ids = {f"a{i}": row[0] for i, row in enumerate(rows)}
        for activity_id, category, item, amount in _LINES.rows(len(ids), **ids):
            lines.setdefault(activity_id, []).append(
                {"category": category, "item": item, "amount": money(amount)}
            )
            totals[activity_id] = totals.get(activity_id, Decimal("0.00")) + amount
    return [
        {
            "id": pk,
            "title": title,
            "market": market,
            "status": status,
            "start_date": start_date,
            "end_date": end_date,
            "venue": venue,
            "sections": sections,
            "budget": lines.get(pk, []),
            "budget_total": money(totals.get(pk, Decimal("0.00"))),
            "targets": {"attendance": attendance, "leads": leads, "sales": money(sales)},
            "staffing": staffing,
            "revision": revision,
            "version": version,
            "template_version": template_version,
            "created_by": created_by,
            "created_at": local_iso(created_at),
            "updated_at": local_iso(updated_at),
            "submitted_at": local_iso(submitted_at),
            "playbook": playbook,
        }
        for (
            pk,
            title,
            market,
            status,
            start_date,
            end_date,
            venue,
            sections,
            attendance,
            leads,
            sales,
            staffing,
            revision,
            version,
            template_version,
            created_by,
            created_at,
            updated_at,
            submitted_at,
            playbook,
        ) in rows
    ]


def activity_row(*, user: AnyUser, activity_id: int) -> dict[str, Any]:
    """One activity as `activity_rows` shows it (2 queries); `NotFound` as `activity_get`."""
    rows = activity_rows(user=user, pk=activity_id, offset=0, limit=1)
    if not rows:
        raise NotFound(_("No such activity."))
    return rows[0]


def activity_get(*, user: AnyUser, activity_id: int) -> Activity:
    """One activity with what its pages need; `NotFound` if missing or invisible to `user`."""
    activity = (
        Activity.objects.filter(policies.activity_scope(user), pk=activity_id)
        .select_related("market", "created_by", "template")
        .prefetch_related("budget_lines", "template__sections")
        .first()
    )
    if activity is None:
        raise NotFound(_("No such activity."))
    return activity


def activity_visible(*, user: AnyUser, activity_id: int) -> Activity:
    """Only the columns a visibility check needs (id, market, status, dates), for reads that
    list what hangs off the activity; `NotFound` exactly as `activity_get`. One query, no
    joins or prefetches."""
    scope, scope_market = policies.scope_of(user)
    given = {"scope_market": scope_market} if scope_market is not None else {}
    activity: Activity | None = _VISIBLE.first(scope, pk=activity_id, **given)
    if activity is None:
        raise NotFound(_("No such activity."))
    return activity


def _visible(shape: str, *, pk: int, scope_market: int | None = None) -> QuerySet[Activity]:
    return (
        Activity.objects.filter(policies.scope_filter(shape, scope_market), pk=pk)
        .only("id", "market_id", "status", "start_date", "end_date")
        .order_by()[:1]
    )


# Every read of what hangs off an activity checks it first: compiled once (core.compiled).
_VISIBLE = Compiled(_visible)


def activity_history(*, activity: Activity) -> QuerySet[AuditEntry]:
    """Every audit row filed under the activity, oldest first."""
    return (
        AuditEntry.objects.filter(activity_id=activity.pk)
        .select_related("actor__profile", "on_behalf_of__profile")
        .order_by("at", "id")
    )


def activity_history_rows(*, activity: Activity) -> list[dict[str, Any]]:
    """`activity_history` as the API shows it: plain rows (no model instances, no profiles)."""
    rows = _HISTORY.rows(activity_id=activity.pk)
    return [
        {
            "at": local_iso(at),
            "actor": actor,
            "on_behalf_of": on_behalf_of,
            "action": action,
            "from_status": from_status,
            "to_status": to_status,
            "note": note,
            "changes": changes,
        }
        for at, actor, on_behalf_of, action, from_status, to_status, note, changes in rows
    ]


def _history(shape: object, *, activity_id: int) -> QuerySet[Any]:
    return (
        AuditEntry.objects.filter(activity_id=activity_id)
        .order_by("at", "id")
        .values_list(
            "at",
            "actor__username",
            "on_behalf_of__username",
            "action",
            "from_status",
            "to_status",
            "note",
            "changes",
        )
    )


_HISTORY = Compiled(_history)


def template_current() -> ProposalTemplate:
    return ProposalTemplate.objects.current()


def submission_deadline(activity: Activity) -> date:
    """The last day the proposal may be submitted without an HQ exception."""
    return activity.start_date - timedelta(days=activity.template.lead_days)


def days_to_deadline(activity: Activity, *, today: date | None = None) -> int:
    return (submission_deadline(activity) - (today or timezone.localdate())).days


def activity_versions(*, activity: Activity) -> QuerySet[ActivityVersion]:
    return ActivityVersion.objects.filter(activity=activity).select_related("submitted_by__profile")


def activity_version_get(*, activity: Activity, version: int) -> ActivityVersion:
    found = ActivityVersion.objects.filter(activity=activity, version=version).first()
    if found is None:
        raise NotFound(_("No such version."))
    return found


def _keyed(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def snapshot_diff(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    """Each changed field of two proposal snapshots, with its value before and after. Sections
    and targets are compared key by key, budget lines and staffing line by line (an added line
    has `before` null, a removed one `after` null)."""
    changes: list[dict[str, Any]] = []
    for field in PROPOSAL_FIELDS:
        old, new = before.get(field), after.get(field)
        if field in ("sections", "targets"):
            old_map, new_map = _keyed(old), _keyed(new)
            for key in list(old_map) + [k for k in new_map if k not in old_map]:
                if old_map.get(key) != new_map.get(key):
                    changes.append(
                        {
                            "field": f"{field}.{key}",
                            "before": old_map.get(key),
                            "after": new_map.get(key),
                        }
                    )
        elif field in ("budget", "staffing"):
            old_list, new_list = _listed(old), _listed(new)
            for index in range(max(len(old_list), len(new_list))):
                line_before = old_list[index] if index < len(old_list) else None
                line_after = new_list[index] if index < len(new_list) else None
                if line_before != line_after:
                    changes.append(
                        {"field": f"{field}.{index}", "before": line_before, "after": line_after}
                    )
        elif old != new:
            changes.append({"field": field, "before": old, "after": new})
    return changes


def version_diff(*, activity: Activity, version: int, against: int | None) -> list[dict[str, Any]]:
    """What changed from version `against` (default: the one before) to version `version`."""
    if against is None:
        against = version - 1
    after = activity_version_get(activity=activity, version=version)
    before = activity_version_get(activity=activity, version=against)
    return snapshot_diff(before.snapshot, after.snapshot)
