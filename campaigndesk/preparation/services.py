"""Stage 2 writes: the support team, materials, and the move on site."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigndesk.activities import workflow
from campaigndesk.activities.models import Activity
from campaigndesk.activities.services import activity_lock, activity_move
from campaigndesk.activities.workflow import Status
from campaigndesk.core.audit import audit_record
from campaigndesk.core.errors import (
    Forbidden,
    Incomplete,
    InvalidTransition,
    NotFound,
    ScheduleConflict,
    ValidationFailed,
)
from campaigndesk.notifications.models import Kind
from campaigndesk.notifications.services import notify_activity
from campaigndesk.org import policies
from campaigndesk.org.models import Department
from campaigndesk.org.roles import Role
from campaigndesk.org.selectors import market_heads_of
from campaigndesk.preparation.models import (
    MATERIAL_ORDER,
    Material,
    MaterialStatus,
    MemberRole,
    SupportTeam,
    TeamMember,
)
from campaigndesk.preparation.selectors import Window, schedule_conflicts

# The team and the materials are prepared once approved, and stay editable until wrap-up.
PREPARING = (Status.APPROVED, Status.ON_SITE)
TEAM_ROLES = (Role.SUPPORT_MEMBER, Role.HQ_MANAGER, Role.REVIEWER)
MAX_QUANTITY = Decimal("9999999999.99")


def _ensure_preparing(activity: Activity) -> None:
    if activity.status not in PREPARING:
        raise InvalidTransition(
            _("Preparation is done once approved and until wrap-up; the activity is “%(status)s”.")
            % {"status": Status(activity.status).label},
            details={"status": activity.status},
        )


def _aware(value: Any) -> datetime | None:
    if not isinstance(value, datetime):
        return None
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _clean_members(members: list[dict[str, Any]], errors: dict[str, str]) -> list[dict[str, Any]]:
    usernames = [str(m.get("username") or "") for m in members if isinstance(m, dict)]
    people = {
        u.username: u
        for u in User.objects.filter(username__in=usernames, is_active=True).select_related(
            "profile"
        )
    }
    clean: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, member in enumerate(members):
        prefix = f"members.{index}"
        if not isinstance(member, dict):
            errors[prefix] = _("Expected a team member.")
            continue
        username = str(member.get("username") or "")
        user = people.get(username)
        if user is None:
            errors[f"{prefix}.username"] = _("No such user.")
        elif policies.role_of(user) not in TEAM_ROLES:
            errors[f"{prefix}.username"] = _("Support teams are drawn from HQ staff.")
        elif username in seen:
            errors[f"{prefix}.username"] = _("Already in the team.")
        seen.add(username)
        role = member.get("role")
        if role not in MemberRole.values:
            errors[f"{prefix}.role"] = _("Choose expert, planner or support.")
        duty = str(member.get("duty") or "").strip()
        if not duty:
            errors[f"{prefix}.duty"] = _("Describe the duty on site.")
        elif len(duty) > 500:
            errors[f"{prefix}.duty"] = _("At most %(n)s characters.") % {"n": 500}
        depart, back = _aware(member.get("depart_at")), _aware(member.get("return_at"))
        if depart is None:
            errors[f"{prefix}.depart_at"] = _("Enter the departure time.")
        if back is None:
            errors[f"{prefix}.return_at"] = _("Enter the return time.")
        elif depart is not None and back <= depart:
            errors[f"{prefix}.return_at"] = _("The return must come after the departure.")
        clean.append(
            {"user": user, "role": role, "duty": duty, "depart_at": depart, "return_at": back}
        )
    return clean


def _raise_conflicts(activity: Activity, members: list[dict[str, Any]]) -> None:
    # Lock the people first: two managers placing the same person at the same moment in two
    # activities are then checked one after the other, never both against the old state.
    list(
        User.objects.select_for_update()
        .filter(pk__in=sorted(m["user"].pk for m in members))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    conflicts = list(
        schedule_conflicts(
            windows=[Window(m["user"].pk, m["depart_at"], m["return_at"]) for m in members],
            exclude_activity_id=activity.pk,
        )
    )
    if not conflicts:
        return
    first = conflicts[0]
    raise ScheduleConflict(
        _("%(person)s already serves “%(activity)s” from %(start)s to %(end)s.")
        % {
            "person": first.user.profile.display_name
            if hasattr(first.user, "profile")
            else first.user.username,
            "activity": first.team.activity.title,
            "start": timezone.localtime(first.depart_at).strftime("%Y-%m-%d %H:%M"),
            "end": timezone.localtime(first.return_at).strftime("%Y-%m-%d %H:%M"),
        },
        details={
            "conflicts": [
                {
                    "username": c.user.username,
                    "activity_id": c.team.activity_id,
                    "title": c.team.activity.title,
                    "depart_at": timezone.localtime(c.depart_at).isoformat(),
                    "return_at": timezone.localtime(c.return_at).isoformat(),
                }
                for c in conflicts
            ]
        },
    )


def _team_snapshot(team: SupportTeam | None) -> dict[str, Any]:
    if team is None:
        return {}
    return {
        "name": team.name,
        "lead": team.lead.username,
        "members": [
            {
                "username": m.user.username,
                "role": m.role,
                "duty": m.duty,
                "depart_at": timezone.localtime(m.depart_at).isoformat(),
                "return_at": timezone.localtime(m.return_at).isoformat(),
            }
            for m in team.members.select_related("user").order_by("position", "id")
        ],
    }


def _team_audience(activity: Activity, team: SupportTeam) -> list[User]:
    members = [m.user for m in team.members.select_related("user")]
    return [*members, *market_heads_of(market_id=activity.market_id)]


@transaction.atomic
def support_team_save(
    *, activity_id: int, by: User, name: str, lead: str, members: list[dict[str, Any]]
) -> SupportTeam:
    """The HQ manager forms (or changes) the support team of an approved activity: HQ staff as
    experts, planners or support, each with a duty and a departure and return; the lead is a
    member; nobody may be in two published teams at overlapping times. Changing a published
    team tells its people again."""
    activity = activity_lock(activity_id=activity_id, by=by, action="manage_team")
    _ensure_preparing(activity)
    errors: dict[str, str] = {}
    clean = _clean_members(members or [], errors)
    if not clean and "members" not in errors:
        errors["members"] = _("Add at least one member.")
    if lead not in {m["user"].username for m in clean if m["user"] is not None}:
        errors["lead"] = _("The team lead must be one of the members.")
    name = (name or "").strip() or _("%(activity)s support team") % {"activity": activity.title}
    if len(name) > 150:
        errors["name"] = _("At most %(n)s characters.") % {"n": 150}
    if errors:
        raise ValidationFailed(errors)
    _raise_conflicts(activity, clean)

    team = SupportTeam.objects.select_for_update().filter(activity=activity).first()
    before = _team_snapshot(team)
    lead_user = next(m["user"] for m in clean if m["user"].username == lead)
    if team is None:
        team = SupportTeam.objects.create(activity=activity, name=name, lead=lead_user)
    else:
        team.name, team.lead = name, lead_user
        team.save(update_fields=["name", "lead", "updated_at"])
        team.members.all().delete()
    TeamMember.objects.bulk_create(
        TeamMember(team=team, position=index, **m) for index, m in enumerate(clean)
    )
    after = _team_snapshot(team)
    audit_record(
        actor=by,
        action="team_save",
        obj=team,
        activity_id=activity.pk,
        from_status=activity.status,
        to_status=activity.status,
        note=_("%(n)s members, lead %(lead)s") % {"n": len(clean), "lead": lead},
        changes={"before": before, "after": after} if before else {"after": after},
    )
    if team.published and before != after:
        notify_activity(
            activity=activity,
            recipients=_team_audience(activity, team),
            kind=Kind.TEAM_PUBLISHED,
        )
    return team


@transaction.atomic
def support_team_publish(*, activity_id: int, by: User) -> SupportTeam:
    """The HQ manager announces the team: every member and the market head are told, and from
    now on the members' windows are theirs (other teams cannot overlap them)."""
    activity = activity_lock(activity_id=activity_id, by=by, action="manage_team")
    _ensure_preparing(activity)
    team = SupportTeam.objects.select_for_update().filter(activity=activity).first()
    if team is None or not team.members.exists():
        raise Incomplete(
            _("Form the support team before publishing it."), details={"missing": ["support_team"]}
        )
    if team.published:
        return team
    members = list(team.members.select_related("user__profile"))
    _raise_conflicts(
        activity,
        [{"user": m.user, "depart_at": m.depart_at, "return_at": m.return_at} for m in members],
    )
    team.published_at = timezone.now()
    team.published_by = by
    team.save(update_fields=["published_at", "published_by", "updated_at"])
    audit_record(
        actor=by,
        action="team_publish",
        obj=team,
        activity_id=activity.pk,
        from_status=activity.status,
        to_status=activity.status,
        note=team.name,
    )
    notify_activity(
        activity=activity,
        recipients=_team_audience(activity, team),
        kind=Kind.TEAM_PUBLISHED,
    )
    return team


def may_handle_materials(by: User, department: Department) -> bool:
    """Materials of a department are listed and moved by its members, or by the HQ manager."""
    role = policies.role_of(by)
    profile = getattr(by, "profile", None)
    return role == Role.HQ_MANAGER or (
        role in (Role.REVIEWER, Role.SUPPORT_MEMBER)
        and profile is not None
        and profile.department_id == department.pk
    )


@transaction.atomic
def material_add(
    *,
    activity_id: int,
    by: User,
    name: str,
    quantity: Any,
    unit: str,
    owner_department: str,
    due_date: date | None,
) -> Material:
    """HQ lists an item to prepare: the HQ manager, or a member of the owning department."""
    activity = activity_lock(activity_id=activity_id, by=by, action=None)
    errors: dict[str, str] = {}
    department = Department.objects.filter(code=owner_department).first()
    if department is None:
        errors["owner_department"] = _("No such department.")
    elif not may_handle_materials(by, department):
        raise Forbidden(_("Only the HQ manager or the owning department lists materials."))
    _ensure_preparing(activity)
    name = (name or "").strip()
    if not name:
        errors["name"] = _("This field is required.")
    elif len(name) > 120:
        errors["name"] = _("At most %(n)s characters.") % {"n": 120}
    unit = (unit or "").strip()
    if not unit:
        errors["unit"] = _("This field is required.")
    elif len(unit) > 20:
        errors["unit"] = _("At most %(n)s characters.") % {"n": 20}
    amount: Decimal | None = None
    try:
        amount = Decimal(str(quantity))
    except (InvalidOperation, ValueError):
        errors["quantity"] = _("Enter a number.")
    if amount is not None and (not amount.is_finite() or amount <= 0):
        errors["quantity"] = _("Must be more than 0.")
    elif amount is not None and (
        amount > MAX_QUANTITY or amount != amount.quantize(Decimal("0.01"))
    ):
        errors["quantity"] = _("Too large, or more than two decimal places.")
    if not isinstance(due_date, date):
        errors["due_date"] = _("This field is required.")
    if errors:
        raise ValidationFailed(errors)
    assert department is not None and amount is not None and isinstance(due_date, date)
    material = Material.objects.create(
        activity=activity,
        name=name,
        quantity=amount,
        unit=unit,
        owner_department=department,
        due_date=due_date,
        created_by=by,
    )
    audit_record(
        actor=by,
        action="material_add",
        obj=material,
        activity_id=activity.pk,
        from_status=activity.status,
        to_status=activity.status,
        note=f"{name} × {amount.normalize():f}{unit}",
    )
    return material


@transaction.atomic
def material_update(
    *, activity_id: int, material_id: int, by: User, status: str | None, tracking_no: str = ""
) -> Material:
    """The owning department (or the HQ manager) moves an item forward only —
    requested → preparing → shipped → received, skipping allowed — with a tracking number
    when shipped; the market head may also confirm receipt. Without a status, only the
    tracking number of a shipped item is corrected."""
    activity = activity_lock(activity_id=activity_id, by=by, action=None)
    material = (
        Material.objects.select_for_update()
        .select_related("owner_department")
        .filter(pk=material_id, activity=activity)
        .first()
    )
    if material is None:
        raise NotFound(_("No such material."))
    if status is None:
        return _material_tracking_correct(activity, material, by=by, tracking_no=tracking_no)
    if status not in MATERIAL_ORDER:
        raise ValidationFailed(
            {"status": _("Choose one of: %(choices)s.") % {"choices": ", ".join(MATERIAL_ORDER)}}
        )
    role = policies.role_of(by)
    is_owner = may_handle_materials(by, material.owner_department)
    is_receiving_head = status == MaterialStatus.RECEIVED and role == Role.MARKET_HEAD
    if not (is_owner or is_receiving_head):
        raise Forbidden(
            _("Only the owning department moves this item; the market head confirms receipt.")
        )
    _ensure_preparing(activity)
    tracking_no = (tracking_no or "").strip()
    previous = material.status
    if MATERIAL_ORDER.index(status) <= MATERIAL_ORDER.index(previous):
        raise InvalidTransition(
            _("Materials only move forward; this item is “%(status)s”.")
            % {"status": MaterialStatus(previous).label},
            details={"status": previous},
        )
    if status == MaterialStatus.SHIPPED and not (tracking_no or material.tracking_no):
        raise ValidationFailed({"tracking_no": _("Give the tracking number of the shipment.")})
    if len(tracking_no) > 60:
        raise ValidationFailed({"tracking_no": _("At most %(n)s characters.") % {"n": 60}})
    now = timezone.now()
    if tracking_no:
        material.tracking_no = tracking_no
    if status == MaterialStatus.SHIPPED and material.shipped_at is None:
        material.shipped_at = now
    if status == MaterialStatus.RECEIVED:
        material.received_at, material.received_by = now, by
    material.status = status
    material.save()
    audit_record(
        actor=by,
        action="material_status",
        obj=material,
        activity_id=activity.pk,
        from_status=activity.status,
        to_status=activity.status,
        note=f"{material.name}: {MaterialStatus(previous).label} → {MaterialStatus(status).label}"
        + (f" ({material.tracking_no})" if material.tracking_no else ""),
        changes={"material": material.pk, "from": previous, "to": status},
    )
    return material


def _material_tracking_correct(
    activity: Activity, material: Material, *, by: User, tracking_no: str
) -> Material:
    if not may_handle_materials(by, material.owner_department):
        raise Forbidden(_("Only the owning department corrects the tracking number."))
    _ensure_preparing(activity)
    if material.status != MaterialStatus.SHIPPED:
        raise InvalidTransition(
            _("Only a shipped item's tracking number can be corrected; this item is “%(status)s”.")
            % {"status": MaterialStatus(material.status).label},
            details={"status": material.status},
        )
    tracking_no = (tracking_no or "").strip()
    if not tracking_no or len(tracking_no) > 60:
        raise ValidationFailed({"tracking_no": _("Give the tracking number of the shipment.")})
    previous = material.tracking_no
    material.tracking_no = tracking_no
    material.save(update_fields=["tracking_no", "updated_at"])
    audit_record(
        actor=by,
        action="material_tracking",
        obj=material,
        activity_id=activity.pk,
        from_status=activity.status,
        to_status=activity.status,
        note=f"{material.name}: {previous} → {tracking_no}",
    )
    return material


@transaction.atomic
def activity_start_onsite(*, activity_id: int, by: User) -> Activity:
    """The HQ manager or the market head moves the approved activity on site — only once its
    support team is published. Items not yet received are allowed but written to the record."""
    activity = activity_lock(activity_id=activity_id, by=by, action="start_onsite")
    target = workflow.next_status("start_onsite", activity.status)
    team = SupportTeam.objects.filter(activity=activity).first()
    if team is None or not team.published:
        raise Incomplete(
            _("The support team must be formed and published first."),
            details={"missing": ["support_team_published"]},
        )
    pending = list(
        Material.objects.filter(activity=activity)
        .exclude(status=MaterialStatus.RECEIVED)
        .values_list("name", flat=True)
    )
    activity_move(
        activity,
        to=target,
        by=by,
        action="start_onsite",
        note=(_("Not yet received: %(items)s") % {"items": "、".join(pending)}) if pending else "",
    )
    return activity
