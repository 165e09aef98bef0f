"""Playbooks (活动样板): HQ marks an archived activity that worked; any market head starts a
draft from it, and the copy remembers where it came from."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from campaigndesk.activities import workflow
from campaigndesk.activities.models import Activity, BudgetLine, Playbook, ProposalTemplate
from campaigndesk.activities.services import activity_create, activity_lock
from campaigndesk.core.audit import audit_record
from campaigndesk.core.errors import (
    Duplicate,
    Forbidden,
    InvalidTransition,
    NotFound,
    ValidationFailed,
)
from campaigndesk.org import policies
from campaigndesk.org.roles import Role


@transaction.atomic
def playbook_create(*, by: User, activity_id: int, title: str) -> Playbook:
    """The HQ manager marks an archived activity as a playbook for every market."""
    if policies.role_of(by) != Role.HQ_MANAGER:
        raise Forbidden(_("The HQ manager marks playbooks."))
    activity = activity_lock(activity_id=activity_id, by=by, action=None)
    if activity.status != workflow.Status.ARCHIVED:
        raise InvalidTransition(
            _("Only an archived activity can become a playbook; it is “%(status)s”.")
            % {"status": workflow.Status(activity.status).label},
            details={"status": activity.status},
        )
    title = (title or "").strip() or activity.title
    if len(title) > 150:
        raise ValidationFailed({"title": _("At most %(n)s characters.") % {"n": 150}})
    if Playbook.objects.filter(activity=activity).exists():
        raise Duplicate(_("This activity is already a playbook."))
    playbook = Playbook.objects.create(activity=activity, title=title, created_by=by)
    audit_record(
        actor=by,
        action="playbook",
        obj=playbook,
        activity_id=activity.pk,
        from_status=activity.status,
        to_status=activity.status,
        note=title,
    )
    return playbook


def _plan_of(original: Activity) -> dict[str, str]:
    """What of the original's preparation and execution a copy should start from, as text for
    the template's sections: the materials list, the training plan and the schedule."""
    from campaigndesk.onsite.models import Meeting, MeetingKind, TrainingTopic
    from campaigndesk.preparation.models import Material

    materials = [
        f"{m.name} × {m.quantity.normalize():f}{m.unit}({m.owner_department.label})"
        for m in Material.objects.filter(activity=original).select_related("owner_department")
    ]
    meetings = list(Meeting.objects.filter(activity=original).order_by("held_at"))
    topics = [t for m in meetings if m.kind == MeetingKind.TRAINING for t in m.topics]
    schedule = [
        f"第{(date.fromisoformat(row['date']) - original.start_date).days + 1}天:{row['milestone']}"
        for m in meetings
        if m.kind == MeetingKind.BRIEFING
        for row in m.schedule
        if row.get("date")
    ]
    plan: dict[str, str] = {}
    if materials:
        plan["materials"] = "\n".join(materials)
    if topics or schedule:
        lines = []
        if topics:
            lines.append(
                _("Training: %(topics)s")
                % {"topics": "、".join(str(TrainingTopic(t).label) for t in dict.fromkeys(topics))}
            )
        lines += schedule
        plan["schedule"] = "\n".join(lines)
    return plan


@transaction.atomic
def playbook_clone(
    *, playbook_id: int, by: User, title: str, start_date: date | None, end_date: date | None
) -> Activity:
    """A market head starts a draft of their market from a playbook: sections, budget lines,
    the materials list, training plan and schedule are copied; dates are new and people
    cleared. The draft records the playbook it came from."""
    playbook = Playbook.objects.select_related("activity__template").filter(pk=playbook_id).first()
    if playbook is None:
        raise NotFound(_("No such playbook."))
    if not policies.may(by, "create"):
        raise Forbidden(_("Only a market head can create an activity proposal."))
    original = playbook.activity
    current_keys = {s.key for s in ProposalTemplate.objects.current().sections.all()}
    sections = {k: v for k, v in original.sections.items() if k in current_keys}
    # The copied plan is content of the draft: written in the company's language.
    with translation.override("zh-hans"):
        plan = _plan_of(original)
    for key, text in plan.items():
        if key in current_keys:
            sections[key] = (sections.get(key, "") + "\n" + text).strip()
    data: dict[str, Any] = {
        "title": title or original.title,
        "start_date": start_date,
        "end_date": end_date,
        "venue": "",
        "sections": sections,
        "budget": [
            {"category": line.category, "item": line.item, "amount": line.amount}
            for line in BudgetLine.objects.filter(activity=original).order_by("position")
        ],
        "targets": original.targets,
        "staffing": [],
    }
    activity = activity_create(by=by, data=data)
    activity.playbook = playbook
    activity.save(update_fields=["playbook", "updated_at"])
    audit_record(
        actor=by,
        action="playbook_clone",
        obj=activity,
        activity_id=activity.pk,
        to_status=activity.status,
        note=_("Started from playbook “%(title)s”") % {"title": playbook.title},
    )
    return activity
