"""Writes on the Activity aggregate. Each service is one transaction that checks the caller,
the status, and the input, then writes the change and one audit row."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigndesk.activities import workflow
from campaigndesk.activities.models import (
    PROPOSAL_FIELDS,
    Activity,
    ActivityVersion,
    BudgetCategory,
    BudgetLine,
    ProposalTemplate,
)
from campaigndesk.core.audit import audit_record
from campaigndesk.core.errors import (
    Forbidden,
    InvalidTransition,
    LeadTimeViolation,
    NotFound,
    StaleRevision,
    UnansweredOpinions,
    ValidationFailed,
)
from campaigndesk.core.money import clean_amount
from campaigndesk.finance.services import budget_check_for_approval, finance_alert_over_cap
from campaigndesk.notifications.models import Kind
from campaigndesk.notifications.services import notify_activity
from campaigndesk.org import policies
from campaigndesk.org.roles import Role
from campaigndesk.org.selectors import active_users_with_role, market_heads_of
from campaigndesk.reviews.models import OpinionItem, ReviewRound

MAX_SECTION_CHARS = 20_000
STAFFING_ROLES = ("expert", "planner", "support", "market")


def activity_lock(*, activity_id: int, by: User, action: str | None) -> Activity:
    """The activity row, locked for the rest of the transaction; 404 if missing or invisible to
    `by`, 403 if `by` may not do `action` (`None`: the caller checks who may act, e.g. a
    department's reviewer or a team member). Every service acting on an activity starts here."""
    activity = Activity.objects.select_for_update().filter(pk=activity_id).first()
    if activity is None or not policies.may_see_activity(by, activity):
        raise NotFound(_("No such activity."))
    if action is not None and not policies.may(by, action, activity):
        raise Forbidden()
    return activity


def activity_move(
    activity: Activity,
    *,
    to: workflow.Status,
    by: User,
    action: str,
    note: str = "",
    obj: Any = None,
    changes: dict[str, Any] | None = None,
) -> str:
    """The one way an activity changes status: `to` comes from `workflow.next_status`; the
    revision grows, the row (locked by the caller) is saved, and the transition is audited.
    Returns the status it came from."""
    previous = activity.status
    activity.status = to
    activity.revision += 1
    activity.save()
    audit_record(
        actor=by,
        action=action,
        obj=obj if obj is not None else activity,
        activity_id=activity.pk,
        from_status=previous,
        to_status=to,
        note=note,
        changes=changes,
    )
    return previous


# --- input checks -------------------------------------------------------------------------------


def _clean_text(
    value: Any, *, name: str, errors: dict[str, str], max_length: int, required: bool = False
) -> str:
    text = "" if value is None else str(value).strip()
    if required and not text:
        errors[name] = _("This field is required.")
    elif len(text) > max_length:
        errors[name] = _("At most %(n)s characters.") % {"n": max_length}
    return text


def _clean_count(value: Any, *, name: str, errors: dict[str, str]) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            value = int(str(value))
        except ValueError:
            errors[name] = _("Enter a whole number.")
            return None
    if value < 0:
        errors[name] = _("Must not be negative.")
        return None
    if value > 10_000_000:
        errors[name] = _("Too large.")
        return None
    return int(value)


def _clean_proposal(
    *,
    template: ProposalTemplate,
    data: dict[str, Any],
    partial: bool,
    current: Activity | None = None,
) -> dict[str, Any]:
    """The proposal fields of `data`, checked against the template; `ValidationFailed` lists
    every refused field at once so a form can show each error beside its field."""
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}

    def given(field: str) -> bool:
        return field in data if partial else True

    if given("title"):
        clean["title"] = _clean_text(
            data.get("title"), name="title", errors=errors, max_length=120, required=True
        )
    if given("venue"):
        clean["venue"] = _clean_text(data.get("venue"), name="venue", errors=errors, max_length=200)
    for field in ("start_date", "end_date"):
        if given(field):
            value = data.get(field)
            if not isinstance(value, date):
                errors[field] = _("This field is required.")
            else:
                clean[field] = value
    start = clean.get("start_date", current.start_date if current else None)
    end = clean.get("end_date", current.end_date if current else None)
    if start and end and end < start and "end_date" not in errors:
        errors["end_date"] = _("The end date must not be before the start date.")

    if given("sections"):
        sections = data.get("sections") or {}
        if partial and current is not None and isinstance(sections, dict):
            # Like the targets: a PATCH names the sections it changes (an empty text clears
            # one); the others keep their text.
            sections = {**current.sections, **sections}
        if not isinstance(sections, dict):
            errors["sections"] = _("Expected an object of section texts.")
        else:
            keys = {section.key for section in template.sections.all()}
            clean_sections: dict[str, str] = {}
            for key, text in sections.items():
                if key not in keys:
                    errors[f"sections.{key}"] = _(
                        "Not a section of template version %(version)s."
                    ) % {"version": template.version}
                    continue
                value = _clean_text(
                    text, name=f"sections.{key}", errors=errors, max_length=MAX_SECTION_CHARS
                )
                if value:
                    clean_sections[key] = value
            clean["sections"] = clean_sections

    if given("budget"):
        lines = data.get("budget") or []
        clean_lines: list[dict[str, Any]] = []
        if not isinstance(lines, list):
            errors["budget"] = _("Expected a list of budget lines.")
        else:
            for index, line in enumerate(lines):
                prefix = f"budget.{index}"
                if not isinstance(line, dict):
                    errors[prefix] = _("Expected a budget line.")
                    continue
                category = line.get("category") or ""
                if category not in BudgetCategory.values:
                    errors[f"{prefix}.category"] = _("Choose one of: %(choices)s.") % {
                        "choices": ", ".join(BudgetCategory.values)
                    }
                item = _clean_text(
                    line.get("item"),
                    name=f"{prefix}.item",
                    errors=errors,
                    max_length=120,
                    required=True,
                )
                amount = clean_amount(line.get("amount"), name=f"{prefix}.amount", errors=errors)
                clean_lines.append({"category": category, "item": item, "amount": amount})
            if len(clean_lines) > 200:
                errors["budget"] = _("At most 200 budget lines.")
        clean["budget"] = clean_lines

    if given("targets"):
        targets = data.get("targets") or {}
        if partial and current is not None and isinstance(targets, dict):
            # A PATCH names only the targets it changes; the others keep their values.
            targets = {**current.targets, **targets}
        if not isinstance(targets, dict):
            errors["targets"] = _("Expected attendance, leads and sales.")
        else:
            clean["targets"] = {
                "attendance": _clean_count(
                    targets.get("attendance"), name="targets.attendance", errors=errors
                ),
                "leads": _clean_count(targets.get("leads"), name="targets.leads", errors=errors),
                "sales": clean_amount(
                    targets.get("sales"), name="targets.sales", errors=errors, required=False
                ),
            }

    if given("staffing"):
        clean["staffing"] = _clean_staffing(data.get("staffing") or [], errors=errors)

    if errors:
        raise ValidationFailed(errors)
    return clean


def _clean_staffing(entries: Any, *, errors: dict[str, str]) -> list[dict[str, str]]:
    if not isinstance(entries, list):
        errors["staffing"] = _("Expected a list of people.")
        return []
    usernames = {e.get("username") for e in entries if isinstance(e, dict) and e.get("username")}
    known = set(
        get_user_model().objects.filter(username__in=usernames).values_list("username", flat=True)
    )
    clean: list[dict[str, str]] = []
    for index, entry in enumerate(entries):
        prefix = f"staffing.{index}"
        if not isinstance(entry, dict):
            errors[prefix] = _("Expected a person.")
            continue
        username = str(entry.get("username") or "").strip()
        name = str(entry.get("name") or "").strip()
        if not username and not name:
            errors[f"{prefix}.name"] = _("Give a username or a name.")
        elif username and username not in known:
            errors[f"{prefix}.username"] = _("No such user.")
        role = _clean_text(
            entry.get("role"), name=f"{prefix}.role", errors=errors, max_length=40, required=True
        )
        duty = _clean_text(
            entry.get("duty"), name=f"{prefix}.duty", errors=errors, max_length=500, required=True
        )
        person = {"role": role, "duty": duty}
        if username:
            person["username"] = username
        if name:
            person["name"] = name
        clean.append(person)
    return clean


# --- writing ------------------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    if isinstance(value, date | Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _proposal_snapshot(activity: Activity) -> dict[str, Any]:
    return {
        "title": activity.title,
        "start_date": activity.start_date,
        "end_date": activity.end_date,
        "venue": activity.venue,
        "sections": dict(activity.sections),
        "budget": [
            {"category": line.category, "item": line.item, "amount": line.amount}
            for line in activity.budget_lines.all()
        ],
        "targets": activity.targets,
        "staffing": list(activity.staffing),
    }


def _apply(activity: Activity, clean: dict[str, Any]) -> None:
    for field in ("title", "start_date", "end_date", "venue", "sections", "staffing"):
        if field in clean:
            setattr(activity, field, clean[field])
    if "targets" in clean:
        activity.target_attendance = clean["targets"]["attendance"]
        activity.target_leads = clean["targets"]["leads"]
        activity.target_sales = clean["targets"]["sales"]


def _write_budget(activity: Activity, lines: list[dict[str, Any]]) -> None:
    activity.budget_lines.all().delete()
    BudgetLine.objects.bulk_create(
        BudgetLine(activity=activity, position=index, **line) for index, line in enumerate(lines)
    )


@transaction.atomic
def activity_create(*, by: User, data: dict[str, Any]) -> Activity:
    """A market head starts a proposal draft of their own market on the current HQ template."""
    if not policies.may(by, "create"):
        raise Forbidden(_("Only a market head can create an activity proposal."))
    template = ProposalTemplate.objects.current()
    clean = _clean_proposal(template=template, data=data, partial=False)
    market_id = policies.market_id_of(by)
    assert market_id is not None  # a market head always has a market (database constraint)
    activity = Activity(
        market_id=market_id,
        template=template,
        status=workflow.Status.DRAFT,
        created_by=by,
    )
    _apply(activity, clean)
    activity.save()
    _write_budget(activity, clean["budget"])
    audit_record(
        actor=by,
        action="create",
        obj=activity,
        activity_id=activity.pk,
        to_status=activity.status,
        changes={"fields": sorted(k for k, v in clean.items() if v not in ("", [], {}, None))},
    )
    return activity


@transaction.atomic
def activity_update(*, activity_id: int, by: User, revision: int, data: dict[str, Any]) -> Activity:
    """The market head edits the proposal while it is a draft or a revision is requested; the
    edit must be based on the current `revision`, so two people never overwrite each other."""
    activity = activity_lock(activity_id=activity_id, by=by, action="edit")
    workflow.ensure_editable(activity.status)
    _check_revision(activity, revision)
    template = ProposalTemplate.objects.prefetch_related("sections").get(pk=activity.template_id)
    clean = _clean_proposal(template=template, data=data, partial=True, current=activity)
    before = _proposal_snapshot(activity)
    _apply(activity, clean)
    if "budget" in clean:
        _write_budget(activity, clean["budget"])
    after = {**before, **{k: v for k, v in clean.items()}}
    changed = {
        field: {"before": _jsonable(before[field]), "after": _jsonable(after[field])}
        for field in PROPOSAL_FIELDS
        if _jsonable(before[field]) != _jsonable(after[field])
    }
    if changed:
        activity.revision += 1
        activity.save()
        audit_record(
            actor=by,
            action="edit",
            obj=activity,
            activity_id=activity.pk,
            from_status=activity.status,
            to_status=activity.status,
            changes=changed,
        )
    return activity


@transaction.atomic
def activity_cancel(*, activity_id: int, by: User, reason: str = "") -> Activity:
    """The market head or the HQ manager calls an activity off before it goes on site."""
    activity = activity_lock(activity_id=activity_id, by=by, action="cancel")
    target = workflow.next_status("cancel", activity.status)
    activity_move(activity, to=target, by=by, action="cancel", note=reason.strip())
    return activity


# --- stage 1: submission, exception, resubmission, decision -------------------------------------


def _required_sections_missing(activity: Activity) -> list[Any]:
    return [
        section
        for section in activity.template.sections.all()
        if section.required and not str(activity.sections.get(section.key, "")).strip()
    ]


def _ensure_complete(activity: Activity) -> None:
    """A proposal goes to HQ only with every required section of its template written."""
    missing = _required_sections_missing(activity)
    if missing:
        names = "、".join(str(section.label) for section in missing)
        raise ValidationFailed(
            {f"sections.{s.key}": _("Required before submitting.") for s in missing},
            _("Required sections are missing: %(names)s.") % {"names": names},
            extra={"missing": [s.key for s in missing]},
        )


def _check_revision(activity: Activity, revision: int | None) -> None:
    if revision is not None and revision != activity.revision:
        raise StaleRevision(
            _(
                "This proposal was changed after you opened it (revision %(yours)s, now "
                "%(current)s); reload it and apply your edit again."
            )
            % {"yours": revision, "current": activity.revision},
            details={"revision": activity.revision},
        )


def _freeze_version(activity: Activity, *, by: User) -> ActivityVersion:
    activity.version += 1
    activity.submitted_at = timezone.now()
    return ActivityVersion.objects.create(
        activity=activity,
        version=activity.version,
        submitted_at=activity.submitted_at,
        submitted_by=by,
        snapshot=_jsonable(_proposal_snapshot(activity)),
    )


def _lock_for_stage(activity_id: int, *, by: User, action: str) -> Activity:
    activity = activity_lock(activity_id=activity_id, by=by, action=action)
    # The template and its sections are read for the checks; the row lock is on the activity.
    activity.template = ProposalTemplate.objects.prefetch_related("sections").get(
        pk=activity.template_id
    )
    return activity


@transaction.atomic
def activity_submit(*, activity_id: int, by: User, revision: int | None = None) -> Activity:
    """The market head sends the draft to HQ: every required section written, and at least
    `lead_days` days (Asia/Shanghai calendar days) before the start unless HQ granted an
    exception. The submission is frozen as version 1."""
    activity = _lock_for_stage(activity_id, by=by, action="submit")
    target = workflow.next_status("submit", activity.status)
    _check_revision(activity, revision)
    _ensure_complete(activity)
    lead_days = activity.template.lead_days
    days_left = (activity.start_date - timezone.localdate()).days
    if days_left < lead_days and not activity.lead_time_exception_at:
        raise LeadTimeViolation(
            _(
                "Proposals must reach HQ at least %(lead_days)s days before the start; "
                "%(days_left)s days are left. Ask the HQ manager for an exception."
            )
            % {"lead_days": lead_days, "days_left": days_left},
            details={"lead_days": lead_days, "days_left": days_left},
        )
    _freeze_version(activity, by=by)
    activity_move(
        activity,
        to=target,
        by=by,
        action="submit",
        note=_("Version %(v)s") % {"v": activity.version},
    )
    notify_activity(
        activity=activity,
        recipients=active_users_with_role(Role.HQ_MANAGER),
        kind=Kind.SUBMITTED,
    )
    finance_alert_over_cap(activity=activity)
    return activity


@transaction.atomic
def lead_time_exception_grant(*, activity_id: int, by: User, reason: str) -> Activity:
    """The HQ manager lets a draft be submitted later than the lead time allows; the reason is
    required and kept."""
    activity = activity_lock(activity_id=activity_id, by=by, action="grant_lead_time_exception")
    if activity.status != workflow.Status.DRAFT:
        raise InvalidTransition(
            _("An exception can only be granted to a draft; the activity is “%(status)s”.")
            % {"status": workflow.Status(activity.status).label},
            details={"status": activity.status},
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": _("Give the reason for the exception.")})
    activity.lead_time_exception_reason = reason
    activity.lead_time_exception_by = by
    activity.lead_time_exception_at = timezone.now()
    activity.revision += 1
    activity.save(
        update_fields=[
            "lead_time_exception_reason",
            "lead_time_exception_by",
            "lead_time_exception_at",
            "revision",
            "updated_at",
        ]
    )
    audit_record(
        actor=by,
        action="lead_time_exception",
        obj=activity,
        activity_id=activity.pk,
        from_status=activity.status,
        to_status=activity.status,
        note=reason,
    )
    notify_activity(
        activity=activity,
        recipients=market_heads_of(market_id=activity.market_id),
        kind=Kind.LEAD_TIME_EXCEPTION,
    )
    return activity


@transaction.atomic
def activity_resubmit(
    *,
    activity_id: int,
    by: User,
    changes: dict[str, Any],
    staffing: list[dict[str, Any]],
    responses: list[dict[str, Any]],
    revision: int | None = None,
) -> Activity:
    """The market head sends back the detailed plan: the changes, a staffing arrangement that is
    not empty, and a response to every item of the returned opinions that requires a change."""
    activity = _lock_for_stage(activity_id, by=by, action="resubmit")
    target = workflow.next_status("resubmit", activity.status)
    _check_revision(activity, revision)
    changes = {k: v for k, v in (changes or {}).items() if k in PROPOSAL_FIELDS and k != "staffing"}
    clean = _clean_proposal(
        template=activity.template,
        data={**changes, "staffing": staffing},
        partial=True,
        current=activity,
    )
    if not clean["staffing"]:
        raise ValidationFailed({"staffing": _("List the people of the staffing arrangement.")})
    last_round = ReviewRound.objects.filter(activity=activity).order_by("-number").first()
    items = (
        {item.pk: item for item in OpinionItem.objects.filter(opinion__round=last_round)}
        if last_round
        else {}
    )
    answers: dict[int, str] = {}
    errors: dict[str, str] = {}
    for index, entry in enumerate(responses or []):
        item_id = entry.get("item_id")
        if item_id not in items:
            errors[f"responses.{index}.item_id"] = _("Not an item of the returned opinions.")
            continue
        answers[item_id] = str(entry.get("response") or "").strip()[:5000]
    if errors:
        raise ValidationFailed(errors)
    unanswered = sorted(
        pk for pk, item in items.items() if item.required_change and not answers.get(pk)
    )
    if unanswered:
        raise UnansweredOpinions(
            _("%(n)s opinion items that require a change have no response.")
            % {"n": len(unanswered)},
            details={"item_ids": unanswered},
        )
    before = _proposal_snapshot(activity)
    _apply(activity, clean)
    if "budget" in clean:
        _write_budget(activity, clean["budget"])
    _ensure_complete(activity)
    now = timezone.now()
    for pk, text in answers.items():
        if text:
            items[pk].response = text
            items[pk].responded_at = now
    OpinionItem.objects.bulk_update(
        [items[pk] for pk, text in answers.items() if text], ["response", "responded_at"]
    )
    _freeze_version(activity, by=by)
    after = _proposal_snapshot(activity)
    activity_move(
        activity,
        to=target,
        by=by,
        action="resubmit",
        note=_("Version %(v)s") % {"v": activity.version},
        changes={
            field: {"before": _jsonable(before[field]), "after": _jsonable(after[field])}
            for field in PROPOSAL_FIELDS
            if _jsonable(before[field]) != _jsonable(after[field])
        },
    )
    notify_activity(
        activity=activity,
        recipients=active_users_with_role(Role.HQ_MANAGER),
        kind=Kind.RESUBMITTED,
    )
    finance_alert_over_cap(activity=activity)
    return activity


@transaction.atomic
def activity_decide(*, activity_id: int, by: User, decision: str, reason: str = "") -> Activity:
    """The HQ manager approves or rejects the resubmitted plan; a rejection needs a reason."""
    activity = activity_lock(activity_id=activity_id, by=by, action="decide")
    if decision not in ("approve", "reject"):
        raise ValidationFailed({"decision": _("Choose approve or reject.")})
    target = workflow.next_status(decision, activity.status)
    reason = (reason or "").strip()
    if decision == "reject" and not reason:
        raise ValidationFailed({"reason": _("A rejection needs a reason.")})
    if decision == "approve":
        budget_check_for_approval(activity=activity)  # caps and remaining budget (财务权)
    activity_move(activity, to=target, by=by, action=decision, note=reason)
    notify_activity(
        activity=activity,
        recipients=market_heads_of(market_id=activity.market_id),
        kind=Kind.DECISION,
    )
    return activity
