"""Stage 3 writes: meetings, daily reports, summaries, and the wrap-up."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigndesk.activities import workflow
from campaigndesk.activities.models import Activity
from campaigndesk.activities.services import activity_lock, activity_move
from campaigndesk.activities.workflow import Status
from campaigndesk.core.audit import audit_record
from campaigndesk.core.errors import (
    Duplicate,
    Forbidden,
    Incomplete,
    InvalidTransition,
    NotFound,
    ValidationFailed,
)
from campaigndesk.onsite.models import (
    DailyReport,
    Meeting,
    MeetingKind,
    Summary,
    SummaryKind,
    Task,
    TrainingTopic,
)
from campaigndesk.onsite.selectors import wrap_up_checklist
from campaigndesk.org import policies
from campaigndesk.org.models import Office
from campaigndesk.org.roles import Role
from campaigndesk.preparation.models import TeamMember

MAX_TEXT = 5000
MAX_MONEY = Decimal("999999999999.99")


def _visible(activity_id: int, by: User) -> Activity:
    activity = activity_lock(activity_id=activity_id, by=by, action=None)
    return activity


def _ensure_on_site(activity: Activity) -> None:
    if activity.status != Status.ON_SITE:
        raise InvalidTransition(
            _("This is recorded while the activity is on site; it is “%(status)s”.")
            % {"status": Status(activity.status).label},
            details={"status": activity.status},
        )


def _in_team(activity: Activity, user: User) -> bool:
    return TeamMember.objects.filter(team__activity=activity, user=user).exists()


def may_report(user: User, activity: Activity) -> bool:
    """Daily reports come from the market head, the market's office heads, and the support
    team on site."""
    role = policies.role_of(user)
    if role in (Role.MARKET_HEAD, Role.OFFICE_HEAD):
        return policies.market_id_of(user) == activity.market_id
    return _in_team(activity, user)


def may_write_individual(user: User, activity: Activity) -> bool:
    """An individual summary comes from a support-team member or a person of the market."""
    return policies.market_id_of(user) == activity.market_id or _in_team(activity, user)


def _text(
    value: Any, name: str, errors: dict[str, str], *, required: bool = False, limit: int = MAX_TEXT
) -> str:
    text = str(value or "").strip()
    if required and not text:
        errors[name] = _("This field is required.")
    elif len(text) > limit:
        errors[name] = _("At most %(n)s characters.") % {"n": limit}
    return text


# --- meetings -----------------------------------------------------------------------------------


@transaction.atomic
def meeting_record(
    *,
    activity_id: int,
    by: User,
    kind: str,
    held_at: datetime | None,
    chair: str = "",
    attendees: list[str] | None = None,
    topics: list[str] | None = None,
    notes: str = "",
    schedule: list[dict[str, Any]] | None = None,
    tasks: list[dict[str, Any]] | None = None,
) -> Meeting:
    """The market head (or the HQ manager) records a meeting on site: the briefing with its
    agreed schedule and division of labour, a training session on some of the five topics, the
    mobilisation, or the wrap-up meeting."""
    activity = activity_lock(activity_id=activity_id, by=by, action="record_meeting")
    _ensure_on_site(activity)
    errors: dict[str, str] = {}
    if kind not in MeetingKind.values:
        errors["kind"] = _("Choose one of: %(choices)s.") % {
            "choices": ", ".join(MeetingKind.values)
        }
    if not isinstance(held_at, datetime):
        errors["held_at"] = _("This field is required.")
    elif timezone.is_naive(held_at):
        held_at = timezone.make_aware(held_at)
    names = {n for n in (attendees or []) if n} | ({chair} if chair else set())
    people = {u.username: u for u in User.objects.filter(username__in=names, is_active=True)}
    unknown = sorted(names - set(people))
    if unknown:
        errors["attendees"] = _("Unknown people: %(names)s.") % {"names": ", ".join(unknown)}
    topics = list(dict.fromkeys(topics or []))
    if kind == MeetingKind.TRAINING:
        if not topics:
            errors["topics"] = _("Name the topics the training covered.")
        elif any(t not in TrainingTopic.values for t in topics):
            errors["topics"] = _("Choose among: %(choices)s.") % {
                "choices": ", ".join(TrainingTopic.values)
            }
    elif topics:
        errors["topics"] = _("Topics are recorded for training sessions only.")
    clean_schedule = _clean_schedule(schedule or [], errors) if kind == MeetingKind.BRIEFING else []
    clean_tasks = (
        _clean_tasks(activity, tasks or [], errors) if kind == MeetingKind.BRIEFING else []
    )
    if kind != MeetingKind.BRIEFING and (schedule or tasks):
        errors["schedule"] = _("The schedule and tasks are agreed at the briefing.")
    notes = _text(notes, "notes", errors, limit=20_000)
    if errors:
        raise ValidationFailed(errors)
    assert isinstance(held_at, datetime)
    meeting = Meeting.objects.create(
        activity=activity,
        kind=kind,
        held_at=held_at,
        chair=people.get(chair) or by,
        topics=topics,
        schedule=clean_schedule,
        notes=notes,
        recorded_by=by,
    )
    meeting.attendees.set([people[n] for n in (attendees or []) if n in people])
    Task.objects.bulk_create(
        Task(meeting=meeting, activity=activity, position=i, **t) for i, t in enumerate(clean_tasks)
    )
    audit_record(
        actor=by,
        action="meeting",
        obj=meeting,
        activity_id=activity.pk,
        from_status=activity.status,
        to_status=activity.status,
        note=f"{MeetingKind(kind).label} {timezone.localtime(held_at):%Y-%m-%d %H:%M}"
        + (f" · {'、'.join(str(TrainingTopic(t).label) for t in topics)}" if topics else ""),
    )
    return meeting


def _clean_schedule(rows: list[dict[str, Any]], errors: dict[str, str]) -> list[dict[str, str]]:
    clean = []
    for index, row in enumerate(rows):
        when = row.get("date")
        if isinstance(when, str):
            try:
                when = date.fromisoformat(when)
            except ValueError:
                when = None
        if not isinstance(when, date):
            errors[f"schedule.{index}.date"] = _("Enter a date.")
        milestone = _text(
            row.get("milestone"), f"schedule.{index}.milestone", errors, required=True, limit=300
        )
        owner = _text(row.get("owner"), f"schedule.{index}.owner", errors, limit=60)
        clean.append(
            {
                "date": when.isoformat() if isinstance(when, date) else "",
                "milestone": milestone,
                "owner": owner,
            }
        )
    return clean


def _clean_tasks(
    activity: Activity, rows: list[dict[str, Any]], errors: dict[str, str]
) -> list[dict[str, Any]]:
    offices = {o.code: o for o in Office.objects.filter(market_id=activity.market_id)}
    usernames = {str(r.get("username") or "") for r in rows}
    people = {u.username: u for u in User.objects.filter(username__in=usernames, is_active=True)}
    clean = []
    for index, row in enumerate(rows):
        office = offices.get(str(row.get("office") or ""))
        person = people.get(str(row.get("username") or ""))
        if row.get("office") and office is None:
            errors[f"tasks.{index}.office"] = _("Not an office of this market.")
        if row.get("username") and person is None:
            errors[f"tasks.{index}.username"] = _("No such user.")
        if office is None and person is None and f"tasks.{index}.office" not in errors:
            errors[f"tasks.{index}.office"] = _("Give an office or a person.")
        text = _text(row.get("task"), f"tasks.{index}.task", errors, required=True, limit=500)
        due = row.get("due_date")
        if isinstance(due, str) and due:
            try:
                due = date.fromisoformat(due)
            except ValueError:
                errors[f"tasks.{index}.due_date"] = _("Enter a date.")
                due = None
        clean.append(
            {
                "office": office,
                "assignee": person,
                "text": text,
                "due_date": due if isinstance(due, date) else None,
            }
        )
    return clean


# --- daily reports ------------------------------------------------------------------------------


def _clean_report(
    activity: Activity, data: dict[str, Any], errors: dict[str, str], *, partial: bool
) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for field in ("visitors", "leads"):
        if partial and field not in data:
            continue
        value: Any = data.get(field)
        if value in (None, ""):
            value = 0
        try:
            number = int(value)
        except (TypeError, ValueError):
            errors[field] = _("Enter a whole number.")
            continue
        if number < 0 or number > 10_000_000:
            errors[field] = _("Must be between 0 and 10,000,000.")
        clean[field] = number
    if not partial or "sales" in data:
        try:
            sales = Decimal(str(data.get("sales") or "0"))
            if not sales.is_finite() or sales < 0 or sales > MAX_MONEY:
                errors["sales"] = _("Must not be negative.")
            elif sales != sales.quantize(Decimal("0.01")):
                errors["sales"] = _("At most two decimal places.")
            clean["sales"] = sales
        except (InvalidOperation, ValueError):
            errors["sales"] = _("Enter an amount such as 12500.00.")
    for field in ("progress", "public_relations", "competitors", "issues"):
        if not partial or field in data:
            clean[field] = _text(data.get(field), field, errors)
    return clean


@transaction.atomic
def daily_report_submit(*, activity_id: int, by: User, data: dict[str, Any]) -> DailyReport:
    """One report per activity day, from the market head, an office head or the support team;
    a date outside the activity is refused; a second report for a day is a duplicate (edit the
    day's report instead)."""
    activity = _visible(activity_id, by)
    if not may_report(by, activity):
        raise Forbidden(_("Daily reports come from the market's heads and the support team."))
    _ensure_on_site(activity)
    errors: dict[str, str] = {}
    day = data.get("date")
    if not isinstance(day, date):
        errors["date"] = _("This field is required.")
    elif not activity.start_date <= day <= activity.end_date:
        errors["date"] = _("The activity runs from %(start)s to %(end)s.") % {
            "start": activity.start_date.isoformat(),
            "end": activity.end_date.isoformat(),
        }
    clean = _clean_report(activity, data, errors, partial=False)
    if errors:
        raise ValidationFailed(errors)
    assert isinstance(day, date)
    existing = DailyReport.objects.filter(activity=activity, date=day).first()
    if existing is not None:
        raise Duplicate(
            _("The report of %(date)s is already in; edit it to correct it.")
            % {"date": day.isoformat()},
            details={"report_id": existing.pk},
        )
    try:
        with transaction.atomic():
            report = DailyReport.objects.create(
                activity=activity, date=day, reported_by=by, **clean
            )
    except IntegrityError as error:
        raise Duplicate(
            _("The report of %(date)s is already in; edit it to correct it.")
            % {"date": day.isoformat()}
        ) from error
    audit_record(
        actor=by,
        action="daily_report",
        obj=report,
        activity_id=activity.pk,
        from_status=activity.status,
        to_status=activity.status,
        note=_("%(date)s: %(visitors)s visitors, %(leads)s leads, sales %(sales)s")
        % {
            "date": day.isoformat(),
            "visitors": report.visitors,
            "leads": report.leads,
            "sales": f"{report.sales:.2f}",
        },
    )
    return report


@transaction.atomic
def daily_report_update(
    *, activity_id: int, report_id: int, by: User, data: dict[str, Any]
) -> DailyReport:
    """Corrects the day's report; the record keeps what it said before."""
    activity = _visible(activity_id, by)
    report = DailyReport.objects.select_for_update().filter(pk=report_id, activity=activity).first()
    if report is None:
        raise NotFound(_("No such daily report."))
    if not may_report(by, activity):
        raise Forbidden(_("Daily reports come from the market's heads and the support team."))
    _ensure_on_site(activity)
    errors: dict[str, str] = {}
    clean = _clean_report(activity, data, errors, partial=True)
    if errors:
        raise ValidationFailed(errors)
    # Compare values, not their text: 500 and 500.00 are the same sales.
    changes = {
        field: {"before": str(getattr(report, field)), "after": str(value)}
        for field, value in clean.items()
        if getattr(report, field) != value
    }
    for field, value in clean.items():
        setattr(report, field, value)
    report.save()
    if changes:
        audit_record(
            actor=by,
            action="daily_report_edit",
            obj=report,
            activity_id=activity.pk,
            from_status=activity.status,
            to_status=activity.status,
            note=report.date.isoformat(),
            changes=changes,
        )
    return report


# --- summaries ----------------------------------------------------------------------------------


@transaction.atomic
def summary_write(
    *,
    activity_id: int,
    by: User,
    kind: str,
    strengths: str = "",
    weaknesses: str = "",
    text: str = "",
) -> Summary:
    """The market head writes the activity summary; each participant (support team, the
    market's people) their own individual summary. One of each; edit to change it."""
    activity = _visible(activity_id, by)
    if kind not in SummaryKind.values:
        raise ValidationFailed({"kind": _("Choose activity or individual.")})
    if kind == SummaryKind.ACTIVITY and not policies.may(by, "write_activity_summary", activity):
        raise Forbidden(_("The market head writes the activity summary."))
    if kind == SummaryKind.INDIVIDUAL and not may_write_individual(by, activity):
        raise Forbidden(_("Individual summaries come from the people who took part."))
    _ensure_on_site(activity)
    errors: dict[str, str] = {}
    values = {
        "strengths": _text(strengths, "strengths", errors),
        "weaknesses": _text(weaknesses, "weaknesses", errors),
        "text": _text(text, "text", errors, limit=20_000),
    }
    if not any(values.values()):
        errors["text"] = _("Write the summary.")
    if errors:
        raise ValidationFailed(errors)
    same = Summary.objects.filter(activity=activity, kind=kind)
    if kind == SummaryKind.INDIVIDUAL:
        same = same.filter(author=by)
    existing = same.first()
    if existing is not None:
        raise Duplicate(
            _("This summary is already written; edit it to change it."),
            details={"summary_id": existing.pk},
        )
    try:
        with transaction.atomic():
            summary = Summary.objects.create(activity=activity, kind=kind, author=by, **values)
    except IntegrityError as error:
        raise Duplicate(_("This summary is already written; edit it to change it.")) from error
    audit_record(
        actor=by,
        action="summary",
        obj=summary,
        activity_id=activity.pk,
        from_status=activity.status,
        to_status=activity.status,
        note=str(SummaryKind(kind).label),
    )
    return summary


@transaction.atomic
def summary_update(
    *, activity_id: int, summary_id: int, by: User, strengths: str, weaknesses: str, text: str
) -> Summary:
    """The author corrects their summary while the activity is on site."""
    activity = _visible(activity_id, by)
    summary = Summary.objects.select_for_update().filter(pk=summary_id, activity=activity).first()
    if summary is None:
        raise NotFound(_("No such summary."))
    if summary.author_id != by.pk:
        raise Forbidden(_("Only its author edits a summary."))
    _ensure_on_site(activity)
    errors: dict[str, str] = {}
    values = {
        "strengths": _text(strengths, "strengths", errors),
        "weaknesses": _text(weaknesses, "weaknesses", errors),
        "text": _text(text, "text", errors, limit=20_000),
    }
    if not any(values.values()):
        errors["text"] = _("Write the summary.")
    if errors:
        raise ValidationFailed(errors)
    changes = {
        k: {"before": getattr(summary, k), "after": v}
        for k, v in values.items()
        if getattr(summary, k) != v
    }
    for key, value in values.items():
        setattr(summary, key, value)
    summary.save()
    if changes:
        audit_record(
            actor=by,
            action="summary_edit",
            obj=summary,
            activity_id=activity.pk,
            from_status=activity.status,
            to_status=activity.status,
            changes=changes,
        )
    return summary


# --- wrap-up ------------------------------------------------------------------------------------


@transaction.atomic
def activity_wrap_up(*, activity_id: int, by: User) -> Activity:
    """The market head closes the on-site stage — only with a briefing, training covering the
    five topics, a mobilisation meeting, at least one daily report and the activity summary."""
    activity = activity_lock(activity_id=activity_id, by=by, action="wrap_up")
    target = workflow.next_status("wrap_up", activity.status)
    missing = [item for item in wrap_up_checklist(activity=activity) if not item.done]
    if missing:
        raise Incomplete(
            _("Still missing: %(items)s.") % {"items": "、".join(i.label for i in missing)},
            details={"missing": [i.code for i in missing]},
        )
    activity_move(activity, to=target, by=by, action="wrap_up")
    return activity
