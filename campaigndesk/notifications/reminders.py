"""Scheduled reminders and escalation (`manage.py send_reminders`): each goes out once per
subject and day, whenever and however often the command runs."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from campaigndesk.activities.models import Activity
from campaigndesk.activities.workflow import Status
from campaigndesk.evaluation.models import Lesson
from campaigndesk.notifications.models import Kind, ReminderSent
from campaigndesk.notifications.services import notify
from campaigndesk.onsite.models import DailyReport
from campaigndesk.onsite.selectors import summaries_of
from campaigndesk.org.roles import MARKET_ROLES, Role
from campaigndesk.org.selectors import active_users_with_role, market_heads_of, reviewers_of
from campaigndesk.preparation.models import Material, MaterialStatus
from campaigndesk.reviews.models import ReviewRound
from campaigndesk.reviews.selectors import round_status

DAILY_REPORT_HOUR = 21


def _once(key: str, day: date) -> bool:
    """True the first time `key` is claimed for `day` (then the reminder is sent)."""
    try:
        with transaction.atomic():
            ReminderSent.objects.create(key=key[:200], day=day)
    except IntegrityError:
        return False
    return True


def _send(
    key: str,
    today: date,
    *,
    recipients: Iterable[User],
    subject: str,
    activity_id: int | None,
    url: str,
    kind: Kind = Kind.REMINDER,
) -> int:
    people = [u for u in recipients if u.is_active]
    if not people or not _once(key, today):
        return 0
    notify(recipients=people, kind=kind, subject=subject, activity_id=activity_id, url=url)
    return 1


@transaction.atomic
def reminders_send(*, now: datetime | None = None) -> dict[str, int]:
    """Sends what is due at `now` (Asia/Shanghai days and hours); returns counts by rule."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    today = local.date()
    sent = dict.fromkeys(
        (
            "draft_deadline",
            "opinion_owed",
            "opinion_escalated",
            "material_due",
            "material_overdue",
            "daily_report",
            "summary_missing",
            "lessons_pending",
        ),
        0,
    )

    # Drafts 3 days and 1 day before the last submission day.
    for activity in Activity.objects.filter(status=Status.DRAFT).select_related("template"):
        left = (activity.start_date - timedelta(days=activity.template.lead_days) - today).days
        if left in (3, 1):
            sent["draft_deadline"] += _send(
                f"draft:{activity.pk}:{left}",
                today,
                recipients=market_heads_of(market_id=activity.market_id),
                subject=f"{activity.title}(距提交截止还有{left}天)",
                activity_id=activity.pk,
                url=reverse("activities:detail", args=[activity.pk]),
            )

    # Opinions owed a day after the meeting → the reviewers; a day later → the HQ manager too.
    rounds = (
        ReviewRound.objects.filter(
            activity__status=Status.IN_REVIEW, meeting_at__lte=now - timedelta(days=1)
        )
        .select_related("activity")
        .prefetch_related("departments", "opinions")
    )
    for review_round in rounds:
        owed = round_status(review_round).owed
        if not owed:
            continue
        activity = review_round.activity
        for department in owed:
            sent["opinion_owed"] += _send(
                f"opinion:{review_round.pk}:{department.pk}",
                today,
                recipients=reviewers_of(department_ids=[department.pk], on=today),
                subject=f"{activity.title}({department.name}审核意见未提交)",
                activity_id=activity.pk,
                url=reverse("reviews:opinion", args=[activity.pk]),
            )
        if review_round.meeting_at <= now - timedelta(days=2):
            sent["opinion_escalated"] += _send(
                f"opinion-escalated:{review_round.pk}",
                today,
                recipients=active_users_with_role(Role.HQ_MANAGER),
                subject=f"{activity.title}(仍欠审核意见:{'、'.join(d.name for d in owed)})",
                activity_id=activity.pk,
                url=reverse("activities:detail", args=[activity.pk]),
            )

    # Materials due tomorrow and not shipped → the owning department; overdue → HQ manager.
    pending = Material.objects.filter(
        status__in=[MaterialStatus.REQUESTED, MaterialStatus.PREPARING],
        activity__status__in=[Status.APPROVED, Status.ON_SITE],
        due_date__lte=today + timedelta(days=1),
    ).select_related("activity", "owner_department")
    for material in pending:
        activity = material.activity
        if material.due_date == today + timedelta(days=1):
            sent["material_due"] += _send(
                f"material-due:{material.pk}",
                today,
                recipients=User.objects.filter(profile__department=material.owner_department),
                subject=f"{activity.title}({material.name}明天到期,尚未发货)",
                activity_id=activity.pk,
                url=reverse("activities:detail", args=[activity.pk]),
            )
        elif material.due_date < today:
            sent["material_overdue"] += _send(
                f"material-overdue:{material.pk}",
                today,
                recipients=[
                    *active_users_with_role(Role.HQ_MANAGER),
                    *User.objects.filter(profile__department=material.owner_department),
                ],
                subject=f"{activity.title}({material.name}已逾期)",
                activity_id=activity.pk,
                url=reverse("activities:detail", args=[activity.pk]),
                kind=Kind.MATERIAL_OVERDUE,
            )

    # No daily report by 21:00 on an activity day → the market head.
    if local.time() >= time(DAILY_REPORT_HOUR):
        reported = DailyReport.objects.filter(date=today).values("activity_id")
        for activity in Activity.objects.filter(
            status=Status.ON_SITE, start_date__lte=today, end_date__gte=today
        ).exclude(pk__in=reported):
            sent["daily_report"] += _send(
                f"daily-report:{activity.pk}",
                today,
                recipients=market_heads_of(market_id=activity.market_id),
                subject=f"{activity.title}(今日综合信息尚未上报)",
                activity_id=activity.pk,
                url=reverse("onsite:report_new", args=[activity.pk]),
            )

    # Individual summaries missing three days after the end → each person who owes one.
    for activity in Activity.objects.filter(
        status__in=[Status.ON_SITE, Status.WRAPPED_UP], end_date__lte=today - timedelta(days=3)
    ):
        for person in summaries_of(activity=activity).missing:
            sent["summary_missing"] += _send(
                f"summary:{activity.pk}:{person.pk}",
                today,
                recipients=[person],
                subject=f"{activity.title}(请提交个人总结)",
                activity_id=activity.pk,
                url=reverse("onsite:summary", args=[activity.pk, "individual"]),
            )

    # Lessons unacknowledged seven days after they were sent → each person still pending.
    for lesson in (
        Lesson.objects.filter(created_at__lte=now - timedelta(days=7))
        .select_related("activity")
        .prefetch_related("acks")
    ):
        acked = {a.user_id for a in lesson.acks.all()}
        for person in User.objects.filter(
            is_active=True,
            profile__market_id=lesson.activity.market_id,
            profile__role__in=list(MARKET_ROLES),
        ).exclude(pk__in=acked):
            sent["lessons_pending"] += _send(
                f"lessons:{lesson.pk}:{person.pk}",
                today,
                recipients=[person],
                subject=f"{lesson.activity.title}(备档附件待确认)",
                activity_id=lesson.activity_id,
                url=reverse("evaluation:lessons", args=[lesson.activity_id]),
            )
    return sent
