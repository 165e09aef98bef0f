"""Rows by the thousand for the query-count tests: `bulk_create` straight into the tables (no
services, no signals, no audit — these rows only have to be *shown*), linked to the demo
organisation's markets, people and activities so that every list really holds them.

Every builder adds `n` rows (call it again to grow the list); every title or text carries
`MARK`, which the tests look for in the response to know the rows were listed."""

from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.utils import timezone

from campaigndesk.activities.models import (
    Activity,
    ActivityVersion,
    BudgetCategory,
    BudgetLine,
    Playbook,
    ProposalTemplate,
)
from campaigndesk.activities.workflow import Status
from campaigndesk.attachments.models import Attachment
from campaigndesk.briefings.models import Briefing, BriefingMarket, BriefingRead, BriefingStatus
from campaigndesk.core.models import AuditEntry
from campaigndesk.evaluation.models import Evaluation, EvaluationCost, Lesson, LessonAck
from campaigndesk.exports.models import ExportJob
from campaigndesk.finance.models import BudgetCap, MarketBudget
from campaigndesk.notifications.models import Delivery, Notification, NotificationTarget
from campaigndesk.onsite.models import DailyReport, Meeting, Summary, Task
from campaigndesk.org.models import Department, Market, Office, Profile
from campaigndesk.preparation.models import Material, SupportTeam, TeamMember
from campaigndesk.reviews.models import Opinion, OpinionItem, ReviewRound
from campaigndesk.search.models import SearchDocument

# An ASCII word in every built row's title or text: JSON escapes Chinese, not this.
MARK = "scalerow"
MARKETS = ("SN", "HA", "SC")

_serial = itertools.count(1)


def _aware(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


class Scale:
    """The demo organisation, loaded once, and builders that add rows to it."""

    def __init__(self) -> None:
        self.people: dict[str, User] = {
            u.username: u for u in get_user_model().objects.select_related("profile")
        }
        self.markets = {m.code: m for m in Market.objects.all()}
        self.departments = {d.code: d for d in Department.objects.all()}
        self.template = ProposalTemplate.objects.get(is_current=True)
        self.today = timezone.localdate()
        # Set by a case's setup: the activity whose own lists are measured, and friends.
        self.focus: Activity | None = None
        self.objects: dict[str, Any] = {}

    # --- activities ---------------------------------------------------------------------------

    def activities(
        self,
        n: int,
        *,
        statuses: tuple[str, ...] = tuple(Status.values),
        markets: tuple[str, ...] = MARKETS,
        start: date | None = None,
        days: int = 2,
        spread: int = 1,
        budget: bool = True,
    ) -> list[Activity]:
        """`n` activities cycling through `statuses` and `markets`, starting `start` (default:
        a month ahead) and every `spread` days later (spread 0: all on the same day)."""
        start = start or self.today + timedelta(days=30)
        head = self.people["sn_head"]
        rows = []
        for i in range(n):
            serial = next(_serial)
            first = start + timedelta(days=(i * spread) % 3000)
            rows.append(
                Activity(
                    market=self.markets[markets[i % len(markets)]],
                    template=self.template,
                    title=f"{MARK} {serial} 健康大讲堂",
                    status=statuses[i % len(statuses)],
                    start_date=first,
                    end_date=first + timedelta(days=days - 1),
                    venue="会展中心",
                    sections={},
                    target_attendance=500,
                    target_leads=100,
                    target_sales=Decimal("50000.00"),
                    staffing=[{"name": "张三", "role": "总指挥", "duty": "统筹"}],
                    created_by=head,
                    submitted_at=timezone.now(),
                )
            )
        made = Activity.objects.bulk_create(rows)
        if budget:
            BudgetLine.objects.bulk_create(
                BudgetLine(activity=a, category="venue", item="场地", amount=Decimal("1000.00"))
                for a in made
            )
        return made

    def activity(self, status: str, *, market: str = "SN", days: int = 2, **kw: Any) -> Activity:
        [one] = self.activities(1, statuses=(status,), markets=(market,), days=days, **kw)
        return one

    # --- stage 1 ------------------------------------------------------------------------------

    def audit_entries(self, activity: Activity, n: int) -> None:
        AuditEntry.objects.bulk_create(
            AuditEntry(
                actor=self.people["sn_head" if i % 2 else "hq_manager"],
                action="activity.update",
                object_type="activity",
                object_id=activity.pk,
                activity_id=activity.pk,
                note=f"{MARK} {i}",
            )
            for i in range(n)
        )

    def versions(self, activity: Activity, n: int) -> None:
        first = ActivityVersion.objects.filter(activity=activity).count() + 1
        snapshot = {"title": f"{MARK} v", "sections": {}, "budget": [], "staffing": []}
        ActivityVersion.objects.bulk_create(
            ActivityVersion(
                activity=activity,
                version=first + i,
                submitted_at=timezone.now(),
                submitted_by=self.people["sn_head"],
                snapshot=snapshot,
            )
            for i in range(n)
        )
        Activity.objects.filter(pk=activity.pk).update(version=first + n - 1)

    def review_rounds(
        self,
        activities: list[Activity],
        n: int,
        *,
        departments: tuple[str, ...] = ("planning", "marketing"),
        opinions: bool = True,
    ) -> None:
        """`n` review rounds spread over `activities`, each inviting `departments`, the first
        of which gives an opinion with one item when `opinions`."""
        numbers = {a.pk: ReviewRound.objects.filter(activity=a).count() for a in activities}
        rows = []
        for i in range(n):
            activity = activities[i % len(activities)]
            numbers[activity.pk] += 1
            rows.append(
                ReviewRound(
                    activity=activity,
                    number=numbers[activity.pk],
                    version=1,
                    meeting_at=timezone.now() - timedelta(days=2),
                    opened_by=self.people["hq_manager"],
                    summary=f"{MARK} round",
                )
            )
        made = ReviewRound.objects.bulk_create(rows)
        Through = ReviewRound.departments.through
        Through.objects.bulk_create(
            Through(reviewround_id=r.pk, department_id=self.departments[code].pk)
            for r in made
            for code in departments
        )
        if not opinions:
            return
        given = Opinion.objects.bulk_create(
            Opinion(
                round=r,
                department=self.departments[departments[0]],
                given_by=self.people[f"{departments[0]}_reviewer"],
            )
            for r in made
        )
        OpinionItem.objects.bulk_create(
            OpinionItem(opinion=o, section="general", comment=f"{MARK} 意见", required_change=True)
            for o in given
        )

    def opinion_items(self, activity: Activity, n: int) -> None:
        """`n` more items of the planning department's opinion in the activity's first round,
        every other one a required change."""
        review_round, created = ReviewRound.objects.get_or_create(
            activity=activity,
            number=1,
            defaults={
                "version": 1,
                "meeting_at": timezone.now() - timedelta(days=2),
                "opened_by": self.people["hq_manager"],
                "returned_by": self.people["hq_manager"],
                "returned_at": timezone.now(),
                "summary": f"{MARK} 汇总",
            },
        )
        if created:
            review_round.departments.add(self.departments["planning"])
        opinion, _ = Opinion.objects.get_or_create(
            round=review_round,
            department=self.departments["planning"],
            defaults={"given_by": self.people["planning_reviewer"]},
        )
        sections = ["general"] + [s.key for s in self.template.sections.all()]
        OpinionItem.objects.bulk_create(
            OpinionItem(
                opinion=opinion,
                position=i,
                section=sections[i % len(sections)],
                comment=f"{MARK} 意见 {i}",
                required_change=i % 2 == 0,
            )
            for i in range(n)
        )

    # --- stage 2 ------------------------------------------------------------------------------

    def materials(self, activity: Activity, n: int, *, overdue: bool = True) -> None:
        due = self.today - timedelta(days=3) if overdue else self.today + timedelta(days=3)
        Material.objects.bulk_create(
            Material(
                activity=activity,
                name=f"{MARK} 宣传册 {i}",
                quantity=Decimal("100"),
                unit="本",
                owner_department=self.departments["logistics"],
                due_date=due,
                created_by=self.people["hq_manager"],
            )
            for i in range(n)
        )

    def team(self, activity: Activity, members: list[User], *, published: bool = True) -> None:
        """A support team of `activity` with `members` (the first leads), added to if formed."""
        team, _ = SupportTeam.objects.get_or_create(
            activity=activity,
            defaults={
                "name": f"{MARK} 协销组",
                "lead": members[0],
                "published_at": timezone.now() if published else None,
                "published_by": self.people["hq_manager"] if published else None,
            },
        )
        depart = _aware(activity.start_date - timedelta(days=1))
        TeamMember.objects.bulk_create(
            TeamMember(
                team=team,
                user=u,
                role="support",
                duty=f"{MARK} 驻外",
                depart_at=depart,
                return_at=_aware(activity.end_date + timedelta(days=1)),
            )
            for u in members
        )

    def teams(self, activities: list[Activity], members: list[User]) -> None:
        """A published support team for each of `activities`, the next of `members` in each
        (cycling), from the day before the start to the day after the end."""
        teams = SupportTeam.objects.bulk_create(
            SupportTeam(
                activity=a,
                name=f"{MARK} 协销组",
                lead=members[i % len(members)],
                published_at=timezone.now(),
                published_by=self.people["hq_manager"],
            )
            for i, a in enumerate(activities)
        )
        TeamMember.objects.bulk_create(
            TeamMember(
                team=team,
                user=members[i % len(members)],
                role="support",
                duty=f"{MARK} 驻外",
                depart_at=_aware(a.start_date - timedelta(days=1)),
                return_at=_aware(a.end_date + timedelta(days=1)),
            )
            for i, (team, a) in enumerate(zip(teams, activities, strict=True))
        )

    def assignments(self, username: str, n: int) -> None:
        """`n` published teams of approved activities, each with `username` in it, one after
        the other so the windows do not overlap."""
        last = TeamMember.objects.filter(user=self.people[username]).count()
        start = self.today + timedelta(days=10 + 4 * last)
        made = self.activities(n, statuses=("approved",), start=start, spread=4)
        self.teams(made, [self.people[username]])
        Material.objects.bulk_create(
            Material(
                activity=a,
                name=f"{MARK} 物料",
                quantity=Decimal("1"),
                unit="箱",
                owner_department=self.departments["logistics"],
                due_date=a.start_date,
                status="received" if i % 2 else "requested",
                created_by=self.people["hq_manager"],
            )
            for i, a in enumerate(made)
        )

    # --- stage 3 ------------------------------------------------------------------------------

    def meetings(self, activity: Activity, n: int) -> None:
        made = Meeting.objects.bulk_create(
            Meeting(
                activity=activity,
                kind="briefing",
                held_at=_aware(activity.start_date),
                chair=self.people["sn_head"],
                notes=f"{MARK} 通报会",
                recorded_by=self.people["sn_head"],
            )
            for _ in range(n)
        )
        Through = Meeting.attendees.through
        Through.objects.bulk_create(
            Through(meeting_id=m.pk, user_id=self.people[u].pk)
            for m in made
            for u in ("sn_xa_head", "sn_staff1")
        )
        Task.objects.bulk_create(
            Task(
                meeting=m,
                activity=activity,
                office=self.offices_of("SN")[0],
                assignee=self.people["sn_xa_head"],
                text=f"{MARK} 任务",
            )
            for m in made
        )

    def tasks(self, activity: Activity, n: int, *, office: str = "XA") -> None:
        """`n` briefing tasks of `activity` for the office `office` of its market."""
        meeting = Meeting.objects.create(
            activity=activity,
            kind="briefing",
            held_at=_aware(activity.start_date),
            recorded_by=self.people["sn_head"],
        )
        target = Office.objects.get(market=activity.market, code=office)
        Task.objects.bulk_create(
            Task(
                meeting=meeting,
                activity=activity,
                office=target,
                assignee=self.people["sn_xa_head"],
                text=f"{MARK} 任务 {i}",
                due_date=self.today + timedelta(days=i % 30),
            )
            for i in range(n)
        )

    def offices_of(self, market: str) -> list[Office]:
        return list(Office.objects.filter(market__code=market).order_by("code"))

    def daily_reports(self, activities: list[Activity], n: int) -> None:
        """`n` reports spread over `activities`, each on the next day without one (the
        activities must be long enough)."""
        taken = {a.pk: DailyReport.objects.filter(activity=a).count() for a in activities}
        rows = []
        for i in range(n):
            activity = activities[i % len(activities)]
            rows.append(
                DailyReport(
                    activity=activity,
                    date=activity.start_date + timedelta(days=taken[activity.pk]),
                    visitors=120,
                    leads=20,
                    sales=Decimal("5000.00"),
                    progress=f"{MARK} 进度",
                    competitors=f"{MARK} 竞品买赠",
                    reported_by=self.people["sn_head"],
                )
            )
            taken[activity.pk] += 1
        DailyReport.objects.bulk_create(rows)

    def users(
        self,
        n: int,
        *,
        market: str = "SN",
        role: str = "market_staff",
        office: str = "",
        department: str = "",
    ) -> list[User]:
        """`n` more people of `market` (password unusable: they only appear in lists), in its
        office `office` if given."""
        where = Office.objects.get(market__code=market, code=office) if office else None
        User_ = get_user_model()
        start = next(_serial)
        made = User_.objects.bulk_create(
            User_(username=f"{MARK}{start}_{i}", password="!") for i in range(n)
        )
        Profile.objects.bulk_create(
            Profile(
                user=u,
                display_name=f"{MARK} 员工 {i}",
                role=role,
                market=self.markets[market] if market else None,
                office=where,
                department=self.departments[department] if department else None,
            )
            for i, u in enumerate(made)
        )
        return list(made)

    def summaries(self, activity: Activity, authors: list[User]) -> None:
        Summary.objects.bulk_create(
            Summary(
                activity=activity,
                kind="individual",
                author=u,
                strengths=f"{MARK} 优点",
                text=f"{MARK} 个人总结",
            )
            for u in authors
        )

    # --- stage 4 ------------------------------------------------------------------------------

    def evaluations(self, activities: list[Activity]) -> None:
        made = Evaluation.objects.bulk_create(
            Evaluation(
                activity=a,
                sales=Decimal("90000.00"),
                attendance=900,
                leads=150,
                new_customers=30,
                notes=f"{MARK} 评估",
                completed_at=timezone.now(),
                completed_by=self.people["hq_manager"],
            )
            for a in activities
        )
        EvaluationCost.objects.bulk_create(
            EvaluationCost(evaluation=e, category="venue", amount=Decimal("1200.00")) for e in made
        )

    def costs(self, activity: Activity, n: int) -> None:
        """`n` more actual cost lines of the activity's evaluation (started if need be)."""
        evaluation, _ = Evaluation.objects.get_or_create(activity=activity)
        categories = BudgetCategory.values
        EvaluationCost.objects.bulk_create(
            EvaluationCost(
                evaluation=evaluation,
                position=i,
                category=categories[i % len(categories)],
                amount=Decimal("100.00"),
            )
            for i in range(n)
        )

    def finished(self, n: int, *, markets: tuple[str, ...] = MARKETS) -> list[Activity]:
        """`n` evaluated activities of the last months, with their evaluations."""
        made = self.activities(
            n,
            statuses=("evaluated",),
            markets=markets,
            start=self.today - timedelta(days=300),
            spread=0,
        )
        self.evaluations(made)
        return made

    def lessons(self, activities: list[Activity], *, sent: datetime | None = None) -> None:
        """Lessons sent to the markets of `activities` (at `sent`), none acknowledged."""
        Lesson.objects.bulk_create(
            Lesson(
                activity=a,
                text=f"{MARK} 教训",
                items=[MARK],
                sent_by=self.people["hq_manager"],
                created_at=sent or timezone.now(),
            )
            for a in activities
        )

    def lesson_acks(self, lesson: Lesson, people: list[User]) -> None:
        LessonAck.objects.bulk_create(LessonAck(lesson=lesson, user=u) for u in people)

    def playbooks(self, n: int) -> list[Playbook]:
        originals = self.activities(
            n, statuses=("archived",), start=self.today - timedelta(days=400)
        )
        made = Playbook.objects.bulk_create(
            Playbook(activity=a, title=f"{MARK} 样板", created_by=self.people["hq_manager"])
            for a in originals
        )
        self.evaluations(originals)
        return list(made)

    def copies(self, playbook: Playbook, n: int, *, market: str = "SN") -> None:
        """`n` drafts of `market` copied from `playbook`."""
        made = self.activities(n, statuses=("draft",), markets=(market,), budget=False)
        Activity.objects.filter(pk__in=[a.pk for a in made]).update(playbook=playbook)

    def briefings(self, n: int, *, status: str = BriefingStatus.PUBLISHED) -> list[Briefing]:
        end = self.today - timedelta(days=1)
        made = Briefing.objects.bulk_create(
            Briefing(
                title=f"{MARK} 简报 {i}",
                period_start=end - timedelta(days=30 + i),
                period_end=end - timedelta(days=i),
                status=status,
                created_by=self.people["hq_manager"],
                published_at=timezone.now() if status == BriefingStatus.PUBLISHED else None,
            )
            for i in range(n)
        )
        BriefingMarket.objects.bulk_create(
            BriefingMarket(briefing=b, market=m, highlights=f"{MARK} 亮点")
            for b in made
            for m in self.markets.values()
        )
        return list(made)

    def briefing_reads(self, briefing: Briefing, people: list[User]) -> None:
        BriefingRead.objects.bulk_create(BriefingRead(briefing=briefing, user=u) for u in people)

    # --- money and evidence ------------------------------------------------------------------

    def attachments(self, activity: Activity, n: int) -> None:
        """`n` files of `activity`: photos of its daily reports, receipts, others."""
        reports = list(DailyReport.objects.filter(activity=activity))
        kinds = ("photo", "receipt", "other", "sign_in")
        Attachment.objects.bulk_create(
            Attachment(
                activity=activity,
                kind=kinds[i % len(kinds)],
                daily_report=reports[i % len(reports)] if reports and i % 4 == 0 else None,
                cost_category="venue" if kinds[i % len(kinds)] == "receipt" else "",
                name=f"{MARK}-{i}.pdf",
                file=f"attachments/{MARK}-{i}.pdf",
                size=1024,
                sha256="0" * 64,
                content_type="application/pdf",
                uploaded_by=self.people["sn_head"],
            )
            for i in range(n)
        )

    def budget(self, market: str, year: int) -> None:
        """HQ's budget of `market` for `year`, with a cap on every budget category."""
        budget = MarketBudget.objects.create(
            market=self.markets[market],
            year=year,
            total=Decimal("100000000.00"),
            updated_by=self.people["finance_reviewer"],
        )
        BudgetCap.objects.bulk_create(
            BudgetCap(budget=budget, category=c, soft=Decimal("1000000.00"), hard=None)
            for c in BudgetCategory.values
        )

    def spending(self, n: int, *, markets: tuple[str, ...] = MARKETS) -> None:
        """`n` activities of this year at every status, the evaluated ones with their costs."""
        start = date(self.today.year, 1, 2)
        made = self.activities(n, markets=markets, start=start, spread=0)
        self.evaluations([a for a in made if a.status in ("evaluated", "archived")])

    # --- notifications, exports, search, organisation -----------------------------------------

    def notifications(self, username: str, n: int) -> None:
        Notification.objects.bulk_create(
            Notification(
                recipient=self.people[username],
                kind="reminder",
                subject=f"{MARK} 提醒 {i}",
                url="/activities/",
            )
            for i in range(n)
        )

    def targets(self, n: int) -> list[NotificationTarget]:
        made = NotificationTarget.objects.bulk_create(
            NotificationTarget(
                kind="wecom",
                name=f"{MARK} 群 {i}",
                url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x",
                market=self.markets[MARKETS[i % 3]] if i % 4 else None,
                notification_kinds=["reminder"],
                created_by=self.people["hq_manager"],
            )
            for i in range(n)
        )
        return list(made)

    def deliveries(self, targets: list[NotificationTarget], n: int) -> None:
        Delivery.objects.bulk_create(
            Delivery(
                target=targets[i % len(targets)],
                recipient=self.people["sn_head"],
                notification_kind="reminder",
                subject=f"{MARK} 投递 {i}",
                status="sent",
                attempts=1,
                response_code=200,
            )
            for i in range(n)
        )

    def export_jobs(self, username: str, n: int) -> None:
        ExportJob.objects.bulk_create(
            ExportJob(
                user=self.people[username],
                kind="market_daily_reports",
                params={"market": "SN", "date_from": "2026-01-01", "date_to": "2026-03-31"},
                status="done",
                progress=100,
                rows=10,
            )
            for _ in range(n)
        )

    def search_documents(self, n: int, *, markets: tuple[str, ...] = MARKETS) -> None:
        """`n` indexed daily reports holding the word 竞品 (the FTS triggers index them)."""
        first = next(_serial) * 100_000
        reports = {code: self.activity("on_site", market=code) for code in markets}
        SearchDocument.objects.bulk_create(
            SearchDocument(
                kind="daily_report",
                object_id=first + i,
                activity_id=reports[markets[i % len(markets)]].pk,
                market_id=self.markets[markets[i % len(markets)]].pk,
                audience="market",
                title=f"{MARK} 每日综合信息 {i}",
                body=f"{MARK} 竞品 在广场东侧买赠",
                segmented=f"{MARK} 竞品 在 广场 东侧 买赠",
                fingerprint="x",
            )
            for i in range(n)
        )

    def offices(self, market: str, n: int) -> None:
        start = next(_serial)
        Office.objects.bulk_create(
            Office(
                market=self.markets[market],
                code=f"S{start}X{i}",
                name=f"{MARK} 办事处 {i}",
                head=self.people["sn_xa_head"],
            )
            for i in range(n)
        )

    def more_departments(self, n: int) -> None:
        start = next(_serial)
        Department.objects.bulk_create(
            Department(code=f"d{start}x{i}", name=f"{MARK} 部门 {i}", position=50 + i)
            for i in range(n)
        )
