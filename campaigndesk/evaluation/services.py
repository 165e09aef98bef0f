"""Stage 4 writes: the evaluation, the archive, the lessons and their acknowledgements."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigndesk.activities import workflow
from campaigndesk.activities.models import Activity, BudgetCategory
from campaigndesk.activities.services import activity_lock, activity_move
from campaigndesk.activities.workflow import Status
from campaigndesk.attachments.selectors import receipt_categories
from campaigndesk.core.audit import audit_record
from campaigndesk.core.errors import (
    Duplicate,
    Forbidden,
    Incomplete,
    InvalidTransition,
    NotFound,
    ValidationFailed,
)
from campaigndesk.core.money import clean_amount
from campaigndesk.evaluation.archive import build_zip
from campaigndesk.evaluation.models import Archive, Evaluation, EvaluationCost, Lesson, LessonAck
from campaigndesk.notifications.models import Kind
from campaigndesk.notifications.services import notify_activity
from campaigndesk.org import policies
from campaigndesk.org.roles import MARKET_ROLES, Role


def may_enter_costs(user: User) -> bool:
    """The actual costs come from finance, or from the HQ manager."""
    return policies.is_reviewer_of(user, "finance") or policies.role_of(user) == Role.HQ_MANAGER


def _clean_costs(costs: Any, errors: dict[str, str]) -> list[dict[str, Any]]:
    if not isinstance(costs, list):
        errors["costs"] = _("Expected a list of costs.")
        return []
    clean = []
    for index, cost in enumerate(costs):
        category = cost.get("category") if isinstance(cost, dict) else None
        if category not in BudgetCategory.values:
            errors[f"costs.{index}.category"] = _("Choose one of: %(choices)s.") % {
                "choices": ", ".join(BudgetCategory.values)
            }
        amount = clean_amount(
            cost.get("amount") if isinstance(cost, dict) else None,
            name=f"costs.{index}.amount",
            errors=errors,
        )
        if amount is not None:
            clean.append({"category": category, "amount": amount})
    return clean


def _write_costs(evaluation: Evaluation, costs: list[dict[str, Any]]) -> None:
    """Replaces the cost lines; a line of the same category and amount as a verified one keeps
    its verification, any other line starts unverified."""
    verified: dict[tuple[str, Decimal], list[EvaluationCost]] = {}
    for old in evaluation.costs.filter(verified_at__isnull=False):
        verified.setdefault((old.category, old.amount), []).append(old)
    lines = []
    for position, cost in enumerate(costs):
        line = EvaluationCost(evaluation=evaluation, position=position, **cost)
        kept = verified.get((cost["category"], cost["amount"]))
        if kept:
            previous = kept.pop(0)
            line.verified_at, line.verified_by_id = previous.verified_at, previous.verified_by_id
        lines.append(line)
    evaluation.costs.all().delete()
    EvaluationCost.objects.bulk_create(lines)


def receipts_missing(activity: Activity, costs: list[tuple[str, Decimal]]) -> list[str]:
    """`receipt:<category>` for every cost line above RECEIPT_REQUIRED_ABOVE whose category
    has no receipt attached."""
    threshold = Decimal(str(settings.RECEIPT_REQUIRED_ABOVE))
    needed = [category for category, amount in costs if amount > threshold]
    if not needed:
        return []
    have = receipt_categories(activity=activity)
    return [f"receipt:{c}" for c in dict.fromkeys(needed) if c not in have]


def _refuse_without_receipts(missing: list[str]) -> None:
    if missing:
        labels = [BudgetCategory(code.split(":", 1)[1]).label for code in missing]
        raise Incomplete(
            _("Attach a receipt to every cost line above %(limit)s yuan first: %(lines)s.")
            % {
                "limit": f"{Decimal(str(settings.RECEIPT_REQUIRED_ABOVE)):.2f}",
                "lines": "、".join(str(label) for label in labels),
            },
            details={"missing": missing},
        )


@transaction.atomic
def evaluation_costs_set(*, activity_id: int, by: User, costs: list[dict[str, Any]]) -> Evaluation:
    """Finance (or the HQ manager) enters the actual costs of a wrapped-up activity before the
    evaluation is completed."""
    activity = activity_lock(activity_id=activity_id, by=by, action=None)
    if not may_enter_costs(by):
        raise Forbidden(_("Finance or the HQ manager enters the actual costs."))
    if activity.status != Status.WRAPPED_UP:
        raise InvalidTransition(
            _("Actual costs are entered once the activity is wrapped up; it is “%(status)s”.")
            % {"status": Status(activity.status).label},
            details={"status": activity.status},
        )
    errors: dict[str, str] = {}
    clean = _clean_costs(costs, errors)
    if errors:
        raise ValidationFailed(errors)
    evaluation, _created = Evaluation.objects.get_or_create(activity=activity)
    _write_costs(evaluation, clean)
    audit_record(
        actor=by,
        action="costs",
        obj=evaluation,
        activity_id=activity.pk,
        from_status=activity.status,
        to_status=activity.status,
        note=_("%(n)s cost lines, total %(total)s")
        % {"n": len(clean), "total": f"{sum((c['amount'] for c in clean), Decimal(0)):.2f}"},
    )
    return evaluation


@transaction.atomic
def evaluation_complete(
    *,
    activity_id: int,
    by: User,
    costs: list[dict[str, Any]] | None,
    sales: Any,
    attendance: Any,
    leads: Any,
    new_customers: Any,
    notes: str = "",
) -> Evaluation:
    """The HQ manager completes the benefit evaluation of a wrapped-up activity: actual costs
    (those finance entered, unless given here), sales, attendance, leads, new customers. The
    activity becomes evaluated."""
    activity = activity_lock(activity_id=activity_id, by=by, action="evaluate")
    target = workflow.next_status("evaluate", activity.status)
    errors: dict[str, str] = {}
    evaluation, _created = Evaluation.objects.get_or_create(activity=activity)
    clean_costs = _clean_costs(costs, errors) if costs else None
    if clean_costs is None and not evaluation.costs.exists():
        errors["costs"] = _("Enter the actual costs (or let finance enter them first).")
    numbers: dict[str, int] = {}
    for name, value in (
        ("attendance", attendance),
        ("leads", leads),
        ("new_customers", new_customers),
    ):
        try:
            numbers[name] = int(value if value not in (None, "") else 0)
            if numbers[name] < 0:
                errors[name] = _("Must not be negative.")
        except (TypeError, ValueError):
            errors[name] = _("Enter a whole number.")
    amount = clean_amount(
        sales if sales not in (None, "") else "0", name="sales", errors=errors
    ) or Decimal(0)
    notes = (notes or "").strip()
    if len(notes) > 20_000:
        errors["notes"] = _("At most %(n)s characters.") % {"n": 20_000}
    if errors:
        raise ValidationFailed(errors)
    final_costs = (
        [(c["category"], c["amount"]) for c in clean_costs]
        if clean_costs is not None
        else list(evaluation.costs.values_list("category", "amount"))
    )
    _refuse_without_receipts(receipts_missing(activity, final_costs))
    if clean_costs is not None:
        _write_costs(evaluation, clean_costs)
    evaluation.sales = amount
    evaluation.attendance = numbers["attendance"]
    evaluation.leads = numbers["leads"]
    evaluation.new_customers = numbers["new_customers"]
    evaluation.notes = notes
    evaluation.completed_at = timezone.now()
    evaluation.completed_by = by
    evaluation.save()
    activity_move(activity, to=target, by=by, action="evaluate", obj=evaluation)
    return evaluation


def may_verify_costs(user: User) -> bool:
    """Finance checks each cost line against its receipts."""
    return policies.is_reviewer_of(user, "finance")


@transaction.atomic
def evaluation_cost_verify(*, activity_id: int, line_id: int, by: User) -> EvaluationCost:
    """Finance marks a cost line as checked against its receipts (a line above
    RECEIPT_REQUIRED_ABOVE needs one); while the activity is wrapped up or evaluated. Verifying
    again is harmless."""
    activity = activity_lock(activity_id=activity_id, by=by, action=None)
    line = (
        EvaluationCost.objects.select_for_update()
        .filter(pk=line_id, evaluation__activity=activity)
        .first()
    )
    if line is None:
        raise NotFound(_("No such cost line."))
    if not may_verify_costs(by):
        raise Forbidden(_("Finance verifies the actual costs."))
    if activity.status not in (Status.WRAPPED_UP, Status.EVALUATED):
        raise InvalidTransition(
            _("Cost lines are verified once the activity is wrapped up; it is “%(status)s”.")
            % {"status": Status(activity.status).label},
            details={"status": activity.status},
        )
    _refuse_without_receipts(receipts_missing(activity, [(line.category, line.amount)]))
    if line.verified_at is not None:
        return line
    line.verified_at = timezone.now()
    line.verified_by = by
    line.save(update_fields=["verified_at", "verified_by"])
    audit_record(
        actor=by,
        action="cost_verify",
        obj=line,
        activity_id=activity.pk,
        from_status=activity.status,
        to_status=activity.status,
        note=f"{BudgetCategory(line.category).label}: {line.amount:.2f}",
    )
    return line


@transaction.atomic
def activity_archive(*, activity_id: int, by: User) -> Archive:
    """The HQ manager freezes the evaluated activity: a zip of its whole record with a manifest
    of SHA-256s is stored, its own SHA-256 kept; from then on the activity accepts no change.
    The file is written before the database changes and removed if they fail, so a failure
    leaves neither a file nor a status change."""
    activity = activity_lock(activity_id=activity_id, by=by, action="archive")
    target = workflow.next_status("archive", activity.status)
    data = build_zip(activity)
    digest = hashlib.sha256(data).hexdigest()
    archive = Archive(activity=activity, sha256=digest, size=len(data), created_by=by)
    archive.file.save(f"activity-{activity.pk}-{digest[:16]}.zip", ContentFile(data), save=False)
    try:
        with transaction.atomic():
            archive.save()
            activity_move(
                activity, to=target, by=by, action="archive", obj=archive, note=f"sha256 {digest}"
            )
    except BaseException:
        archive.file.delete(save=False)
        raise
    return archive


@transaction.atomic
def lessons_send(*, activity_id: int, by: User, text: str, items: list[str]) -> Lesson:
    """The HQ manager sends the market the shared conclusions and shortcomings of an evaluated
    (or archived) activity; every person of the market is told and must acknowledge."""
    activity = activity_lock(activity_id=activity_id, by=by, action="send_lessons")
    if activity.status not in (Status.EVALUATED, Status.ARCHIVED):
        raise InvalidTransition(
            _("Lessons are sent once the activity is evaluated; it is “%(status)s”.")
            % {"status": Status(activity.status).label},
            details={"status": activity.status},
        )
    errors: dict[str, str] = {}
    text = (text or "").strip()
    if not text:
        errors["text"] = _("This field is required.")
    clean_items = [str(i).strip() for i in (items or []) if str(i).strip()]
    if len(clean_items) > 50 or any(len(i) > 1000 for i in clean_items):
        errors["items"] = _("At most 50 items of 1000 characters.")
    if errors:
        raise ValidationFailed(errors)
    if Lesson.objects.filter(activity=activity).exists():
        raise Duplicate(_("The lessons of this activity were already sent."))
    lesson = Lesson.objects.create(activity=activity, text=text, items=clean_items, sent_by=by)
    audit_record(
        actor=by,
        action="lessons",
        obj=lesson,
        activity_id=activity.pk,
        from_status=activity.status,
        to_status=activity.status,
        note=text[:200],
    )
    notify_activity(
        activity=activity,
        recipients=User.objects.filter(
            is_active=True,
            profile__market_id=activity.market_id,
            profile__role__in=list(MARKET_ROLES),
        ),
        kind=Kind.LESSONS_SENT,
        url=reverse("evaluation:lessons", args=[activity.pk]),
    )
    return lesson


@transaction.atomic
def lessons_acknowledge(*, activity_id: int, by: User) -> LessonAck:
    """A person of the market confirms having read the lessons (again is harmless)."""
    activity = Activity.objects.filter(pk=activity_id).first()
    if activity is None or not policies.may_see_activity(by, activity):
        raise NotFound(_("No such activity."))
    if policies.role_of(by) not in MARKET_ROLES:
        raise Forbidden(_("The market's people acknowledge the lessons."))
    lesson = Lesson.objects.filter(activity=activity).first()
    if lesson is None:
        raise NotFound(_("No lessons were sent for this activity."))
    existing = LessonAck.objects.filter(lesson=lesson, user=by).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            ack = LessonAck.objects.create(lesson=lesson, user=by)
    except IntegrityError:
        return LessonAck.objects.get(lesson=lesson, user=by)
    audit_record(
        actor=by,
        action="lessons_ack",
        obj=ack,
        activity_id=activity.pk,
        from_status=activity.status,
        to_status=activity.status,
    )
    return ack
