"""Briefings: compile from every market's activities in a period, edit, publish, read."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigndesk.activities.models import Activity
from campaigndesk.briefings.models import Briefing, BriefingMarket, BriefingRead, BriefingStatus
from campaigndesk.briefings.selectors import briefings_for
from campaigndesk.core.audit import audit_record
from campaigndesk.core.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from campaigndesk.evaluation.selectors import metrics_of
from campaigndesk.notifications.models import Kind
from campaigndesk.notifications.services import notify
from campaigndesk.onsite.models import DailyReport, Summary, SummaryKind
from campaigndesk.org import policies
from campaigndesk.org.models import Market
from campaigndesk.org.roles import MARKET_ROLES, Role

MAX_DAYS = 400


def _entries_for(period_start: date, period_end: date) -> list[dict[str, Any]]:
    """One entry per market, also for a market with no activity: its activities overlapping
    the period with status and metrics, highlights from their activity summaries, and the
    competitor notes of the period's daily reports."""
    activities = list(
        Activity.objects.filter(
            start_date__lte=period_end,
            end_date__gte=period_start,
            # What happened in the markets: approved activities and later, not proposals.
            status__in=["approved", "on_site", "wrapped_up", "evaluated", "archived"],
        )
        .select_related("market", "evaluation")
        .prefetch_related("budget_lines", "evaluation__costs")
        .order_by("start_date", "id")
    )
    summaries = {
        s.activity_id: s
        for s in Summary.objects.filter(activity__in=activities, kind=SummaryKind.ACTIVITY)
    }
    notes: dict[int, list[str]] = {}
    for report in (
        DailyReport.objects.filter(date__range=(period_start, period_end))
        .exclude(competitors="")
        .select_related("activity")
        .order_by("date")
    ):
        notes.setdefault(report.activity.market_id, []).append(
            f"{report.date:%m-%d} {report.activity.title}:{report.competitors}"
        )
    entries = []
    for market in Market.objects.order_by("code"):
        mine = [a for a in activities if a.market_id == market.pk]
        highlights = []
        for activity in mine:
            summary = summaries.get(activity.pk)
            if summary and summary.strengths:
                highlights.append(f"{activity.title}:{summary.strengths}")
        entries.append(
            {
                "market": market,
                "activities": [
                    {
                        "id": a.pk,
                        "title": a.title,
                        "status": a.status,
                        "start_date": a.start_date.isoformat(),
                        "metrics": metrics_of(a.evaluation, a)
                        if hasattr(a, "evaluation") and a.evaluation.completed_at
                        else None,
                    }
                    for a in mine
                ],
                "highlights": "\n".join(highlights),
                "competitors": "\n".join(notes.get(market.pk, [])),
            }
        )
    return entries


def _hq_manager(by: User) -> None:
    if policies.role_of(by) != Role.HQ_MANAGER:
        raise Forbidden(_("The HQ manager compiles and edits briefings."))


@transaction.atomic
def briefing_compile(
    *, by: User, period_start: date, period_end: date, title: str = ""
) -> Briefing:
    """The HQ manager compiles a draft briefing of every market's activities in the period."""
    _hq_manager(by)
    errors: dict[str, str] = {}
    if period_end < period_start:
        errors["period_end"] = _("The end date must not be before the start date.")
    elif (period_end - period_start).days > MAX_DAYS:
        errors["period_end"] = _("At most %(n)s days.") % {"n": MAX_DAYS}
    if errors:
        raise ValidationFailed(errors)
    briefing = Briefing.objects.create(
        title=(title or "").strip()[:200]
        or _("Briefing %(start)s – %(end)s")
        % {"start": period_start.isoformat(), "end": period_end.isoformat()},
        period_start=period_start,
        period_end=period_end,
        created_by=by,
    )
    BriefingMarket.objects.bulk_create(
        BriefingMarket(briefing=briefing, **entry)
        for entry in _entries_for(period_start, period_end)
    )
    audit_record(
        actor=by,
        action="briefing_compile",
        obj=briefing,
        note=f"{period_start.isoformat()} – {period_end.isoformat()}",
    )
    return briefing


def _lock_draft(briefing_id: int, by: User) -> Briefing:
    _hq_manager(by)
    briefing = Briefing.objects.select_for_update().filter(pk=briefing_id).first()
    if briefing is None:
        raise NotFound(_("No such briefing."))
    if briefing.status != BriefingStatus.DRAFT:
        raise InvalidTransition(
            _("A published briefing is not edited."), details={"status": briefing.status}
        )
    return briefing


@transaction.atomic
def briefing_update(*, briefing_id: int, by: User, data: dict[str, Any]) -> Briefing:
    """Edits the draft: its title and introduction, and each market's highlights and
    competitor notes."""
    briefing = _lock_draft(briefing_id, by)
    errors: dict[str, str] = {}
    if "title" in data:
        title = str(data.get("title") or "").strip()
        if not title or len(title) > 200:
            errors["title"] = _("Give a title of at most 200 characters.")
        briefing.title = title
    if "intro" in data:
        briefing.intro = str(data.get("intro") or "")[:20_000]
    entries = {e.market.code: e for e in briefing.entries.select_related("market")}
    changed = []
    for index, item in enumerate(data.get("markets") or []):
        entry = entries.get(str(item.get("market") or ""))
        if entry is None:
            errors[f"markets.{index}.market"] = _("Not a market of this briefing.")
            continue
        for field in ("highlights", "competitors"):
            if field in item and item[field] is not None:
                setattr(entry, field, str(item[field])[:20_000])
        changed.append(entry)
    if errors:
        raise ValidationFailed(errors)
    briefing.save()
    BriefingMarket.objects.bulk_update(changed, ["highlights", "competitors"])
    audit_record(actor=by, action="briefing_edit", obj=briefing)
    return briefing


@transaction.atomic
def briefing_publish(*, briefing_id: int, by: User) -> Briefing:
    """Sends the briefing to every market's people: horizontal communication between markets."""
    briefing = _lock_draft(briefing_id, by)
    briefing.status = BriefingStatus.PUBLISHED
    briefing.published_at = timezone.now()
    briefing.save(update_fields=["status", "published_at", "updated_at"])
    audit_record(actor=by, action="briefing_publish", obj=briefing)
    notify(
        recipients=User.objects.filter(is_active=True, profile__role__in=list(MARKET_ROLES)),
        kind=Kind.BRIEFING_PUBLISHED,
        subject=briefing.title,
        url=reverse("briefings:detail", args=[briefing.pk]),
    )
    return briefing


@transaction.atomic
def briefing_read(*, briefing_id: int, by: User) -> BriefingRead:
    """Records that the user read the published briefing (once), with an audit row."""
    briefing = briefings_for(user=by).filter(pk=briefing_id).first()
    if briefing is None:
        raise NotFound(_("No such briefing."))
    existing = BriefingRead.objects.filter(briefing=briefing, user=by).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            read = BriefingRead.objects.create(briefing=briefing, user=by)
    except IntegrityError:
        return BriefingRead.objects.get(briefing=briefing, user=by)
    audit_record(actor=by, action="briefing_read", obj=briefing)
    return read
