"""Years of realistic data at once, for the benchmark (`manage.py generate_scale`).

Rows are written straight into the tables in large batches (SQLite: `executemany` inside one
transaction per table, with `synchronous=OFF` on this connection only; PostgreSQL: `COPY`), with
ids chosen here so that every relation is known without reading anything back. What the services
would have written is written here too: the activity's versions, audit rows, notifications and
the search index (its rows built by `search.documents`, so a later re-index finds nothing to do;
the segmentation of the phrase bank is worked out once per phrase).

The counts for 30 markets over 10 years (`scale` 1) are those of issue 11: 20,000 activities,
80,000 opinions, 100,000 daily reports, 60,000 meetings, 150,000 summaries, 1,000,000 audit rows and
2,000,000 notifications; they grow with markets × years × scale.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models.fields import NOT_PROVIDED
from django.utils import timezone

from campaigndesk.activities.models import (
    Activity,
    ActivityVersion,
    BudgetCategory,
    BudgetLine,
    ProposalTemplate,
)
from campaigndesk.core.demo import DEMO_PASSWORD, seed_demo
from campaigndesk.core.models import AuditEntry
from campaigndesk.evaluation.models import Archive, Evaluation, EvaluationCost, Lesson
from campaigndesk.notifications.models import Kind, Notification
from campaigndesk.onsite.models import DailyReport, Meeting, Summary
from campaigndesk.org.models import Department, Market, Office, Profile
from campaigndesk.preparation.models import Material, SupportTeam, TeamMember
from campaigndesk.reviews.models import Opinion, OpinionItem, ReviewRound
from campaigndesk.search import segment
from campaigndesk.search.documents import TITLE_MAX, Document, _text
from campaigndesk.search.models import Audience, DocumentType, SearchDocument

# Rows for 30 markets over 10 years at scale 1 (issue 11).
FULL = {
    "activities": 20_000,
    "opinions": 80_000,
    "daily_reports": 100_000,
    "meetings": 60_000,
    "summaries": 150_000,
    "audit": 1_000_000,
    "notifications": 2_000_000,
}
FULL_MARKET_YEARS = 300
BATCH = 5_000
MARKET_PREFIX = "G"

PROVINCES = [
    *("北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏"),
    *("浙江", "安徽", "福建", "江西", "山东", "湖北", "湖南", "广东", "广西", "海南"),
    *("重庆", "贵州", "云南", "西藏", "甘肃", "青海", "宁夏", "新疆", "香港", "澳门"),
]
CITIES = ["中心", "东区", "西区", "南区", "北区", "新城"]
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志海波宁晨"
THEMES = (
    "心脑血管健康",
    "骨关节养护",
    "糖尿病科普",
    "中老年营养",
    "呼吸道健康",
    "睡眠改善",
    "肝胆养护",
    "儿童免疫力",
    "女性健康",
    "高血压防治",
)
FORMATS = ("健康讲座", "社区义诊", "专家巡诊", "路演推广", "会员答谢会", "体验营")
VENUES = (
    "人民广场",
    "市民中心",
    "国际会展中心",
    "文化宫",
    "体育馆",
    "大酒店会议厅",
    "社区活动中心",
)
PROGRESS = (
    "上午专家讲座顺利开展,到场人数超出预期",
    "下午义诊排队较长,已增派两名医生",
    "会员签到有序,现场秩序良好",
    "体验区人气旺盛,意向客户登记踊跃",
    "按计划完成当日流程,物料消耗正常",
    "现场咨询集中在骨关节和睡眠问题",
)
PUBLIC_RELATIONS = (
    "当地电视台进行了现场采访",
    "社区居委会协助组织老年人到场",
    "卫生局领导到场指导工作",
    "合作药房同步开展宣传",
    "晚报刊登了活动预告",
)
COMPETITORS = (
    "竞品在附近商场开展买赠促销",
    "竞品加大了社区广告投放",
    "竞品邀请知名专家举办讲座",
    "未发现竞品明显动作",
    "竞品降价百分之十抢占终端",
)
ISSUES = (
    "音响设备午后出现故障,已更换",
    "部分赠品到货延迟",
    "停车位紧张,需提前协调",
    "天气炎热,需增加饮用水",
    "",
    "",
)
STRENGTHS = (
    "邀约精准,到场率高",
    "专家讲解通俗易懂,现场反响热烈",
    "各办事处配合默契,执行到位",
    "宣传覆盖面广,新客户比例提升",
    "物料准备充分,现场布置专业",
)
WEAKNESSES = (
    "签到环节效率偏低",
    "后续回访安排不够细致",
    "部分人员对产品政策不够熟悉",
    "现场动线设计有待优化",
    "预算控制不够严格",
)
COMMENTS = (
    "预算中场地费用偏高,请说明依据",
    "宣传推广计划需细化到每周",
    "风险预案应补充医疗急救安排",
    "人员分工需明确到人",
    "物料需求清单请注明到位时间",
    "目标人群邀约渠道需进一步说明",
    "销售政策需与总部价格体系一致",
)
RESPONSES = ("已按意见修改", "已补充说明", "已调整预算", "已细化分工")
LESSONS = (
    "邀约环节要提前两周启动",
    "现场签到建议使用扫码方式",
    "物料应在活动前三天全部到位",
    "专家讲座时间控制在四十分钟以内",
)
STAFF_DUTIES = ("现场签到", "专家接待", "咨询引导", "销售登记", "物料管理")
ITEMS = {
    "venue": "场地租赁",
    "promotion": "媒体宣传",
    "materials": "宣传物料及礼品",
    "travel": "差旅住宿",
    "staff": "专家劳务",
    "hospitality": "接待费用",
    "other": "其他杂费",
}

PRE = ("draft", "submitted", "in_review", "revision_requested", "resubmitted", "approved")
REVIEWED = frozenset(
    {"in_review", "revision_requested", "resubmitted", "approved", "rejected", "on_site"}
    | {"wrapped_up", "evaluated", "archived"}
)
PREPARED = frozenset({"approved", "on_site", "wrapped_up", "evaluated", "archived"})
ON_SITE_OR_LATER = frozenset({"on_site", "wrapped_up", "evaluated", "archived"})
WRAPPED = frozenset({"wrapped_up", "evaluated", "archived"})
EVALUATED = frozenset({"evaluated", "archived"})


# --- writing rows ---------------------------------------------------------------------------


def _fmt_datetime_sqlite(value: datetime) -> str:
    return value.isoformat(" ")  # naive UTC, as Django stores it on SQLite


def _fmt_datetime_pg(value: datetime) -> str:
    return value.isoformat(" ") + "+00"


class Writer:
    """Inserts rows (tuples in `columns` order) in batches; fills the model's other fields with
    their defaults, so a field added later does not break the generator."""

    def __init__(self) -> None:
        self.vendor = connection.vendor
        self.counts: dict[str, int] = {}
        self._fmt_dt = _fmt_datetime_pg if self.vendor == "postgresql" else _fmt_datetime_sqlite

    def next_id(self, model: type[models.Model]) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX(id) FROM {model._meta.db_table}")  # noqa: S608
            return int(cursor.fetchone()[0] or 0) + 1

    def _converter(self, f: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
        internal = f.get_internal_type()
        if internal == "DateTimeField":
            fmt = self._fmt_dt
            return lambda v: None if v is None else fmt(v)
        if internal == "JSONField":
            return lambda v: json.dumps(v, ensure_ascii=False, default=str)
        if internal == "DecimalField":
            return lambda v: None if v is None else str(v)
        if internal == "DateField":
            return lambda v: None if v is None else v.isoformat()
        return None

    def insert(
        self,
        model: type[models.Model],
        columns: list[str],
        rows: Iterable[tuple[Any, ...] | list[Any]],
        *,
        table: str | None = None,
    ) -> int:
        meta = model._meta
        by_column = {f.column: f for f in meta.concrete_fields}
        extra: list[str] = []
        extra_values: list[Any] = []
        if table is None:
            for f in meta.concrete_fields:
                if f.column in columns or f.primary_key:
                    continue
                if f.default is not NOT_PROVIDED:
                    value = f.get_default()
                elif f.null:
                    value = None
                elif f.empty_strings_allowed and f.get_internal_type() in (
                    "CharField",
                    "TextField",
                ):
                    value = ""
                elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                    value = timezone.now().astimezone(UTC).replace(tzinfo=None)
                else:
                    raise RuntimeError(f"{meta.label}.{f.name} has no value in the generator")
                extra.append(f.column)
                extra_values.append(value)
        all_columns = columns + extra
        convert = [
            (i, c)
            for i, name in enumerate(all_columns)
            if name in by_column and (c := self._converter(by_column[name])) is not None
        ]
        extra_tuple = tuple(extra_values)
        name = table or meta.db_table
        column_sql = ", ".join(connection.ops.quote_name(c) for c in all_columns)

        def prepared() -> Iterator[list[Any]]:
            for row in rows:
                values = [*row, *extra_tuple]
                for i, c in convert:
                    values[i] = c(values[i])
                yield values

        count = 0
        if self.vendor == "postgresql":
            copy_sql = f"COPY {name} ({column_sql}) FROM STDIN"
            with connection.cursor() as cursor, cursor.cursor.copy(copy_sql) as copy:
                for values in prepared():
                    copy.write_row(values)
                    count += 1
        else:
            placeholders = ", ".join("?" for _ in all_columns)
            sql = f"INSERT INTO {name} ({column_sql}) VALUES ({placeholders})"  # noqa: S608
            raw = connection.connection
            batch: list[list[Any]] = []
            for values in prepared():
                batch.append(values)
                if len(batch) >= BATCH:
                    raw.executemany(sql, batch)
                    count += len(batch)
                    batch = []
            if batch:
                raw.executemany(sql, batch)
                count += len(batch)
        self.counts[name] = self.counts.get(name, 0) + count
        return count


# --- search rows ----------------------------------------------------------------------------

# jieba segments each run of letters and digits on its own, so a text's words are the words of
# its runs, in order: a run is segmented once, however often the phrase bank repeats it.
_RUN = re.compile(r"[\u4E00-\u9FD5a-zA-Z0-9+#&\._%\-]+")


@lru_cache(maxsize=100_000)
def _run_tokens(run: str) -> tuple[str, ...]:
    return tuple(segment.tokens(run))


def segmented(text: str) -> str:
    import unicodedata

    text = unicodedata.normalize("NFKC", text)
    out: list[str] = []
    for run in _RUN.findall(text):
        out.extend(_run_tokens(run))
    return " ".join(out)


SEARCH_COLUMNS = [
    "kind",
    "object_id",
    "activity_id",
    "market_id",
    "audience",
    "title",
    "body",
    "segmented",
    "fingerprint",
    "indexed_at",
]


def _search_row(document: Document, now: datetime) -> tuple[Any, ...]:
    return (
        document.kind,
        document.object_id,
        document.activity_id,
        document.market_id,
        document.audience,
        document.title,
        document.body,
        segmented(document.searched_text),
        document.fingerprint,
        now,
    )


def _market_row(
    kind: str,
    *,
    object_id: int,
    activity_id: int,
    market_id: int,
    body: str,
    title: str,
    now: datetime,
    title_searched: bool = False,
) -> tuple[Any, ...]:
    """The search row of a text a market's people may read (all but the briefings)."""
    return _search_row(
        Document(
            kind=kind,
            object_id=object_id,
            activity_id=activity_id,
            market_id=market_id,
            audience=Audience.MARKET,
            title=title[:TITLE_MAX],
            body=body,
            title_searched=title_searched,
        ),
        now,
    )


# --- the generator ---------------------------------------------------------------------------


@dataclass
class Act:
    id: int
    market: int  # index into markets
    status: str
    start: date
    end: date
    created: datetime
    title: str
    rounds: int = 0
    reports: list[int] = field(default_factory=list)


@dataclass
class MarketPeople:
    id: int
    head: int
    office_ids: list[int]
    office_heads: list[int]
    staff: list[int]

    @property
    def everyone(self) -> list[int]:
        return [self.head, *self.office_heads, *self.staff]


def _naive(d: date, hour: int = 9, minute: int = 0) -> datetime:
    """A Beijing wall-clock time on `d` as naive UTC."""
    return datetime(d.year, d.month, d.day, hour, minute) - timedelta(hours=8)


def targets(*, markets: int, years: int, scale: float) -> dict[str, int]:
    factor = markets * years * scale / FULL_MARKET_YEARS
    return {key: max(1, round(value * factor)) for key, value in FULL.items()}


def generate(
    *,
    markets: int = 30,
    years: int = 10,
    scale: float = 1.0,
    seed: int = 11,
    log: Callable[[str], None] = lambda _m: None,
) -> dict[str, int]:
    """Writes the data set; returns the number of rows written per table."""
    rng = random.Random(seed)  # noqa: S311 - sample data, not secrets
    started = time.monotonic()
    want = targets(markets=markets, years=years, scale=scale)
    writer = Writer()
    # Inside a caller's transaction (the tests) the pragmas and the checkpoint are left alone.
    tune = connection.vendor == "sqlite" and not connection.in_atomic_block
    if tune:
        with connection.cursor() as cursor:
            # Only this connection: a crash mid-way loses the generated data, nothing else.
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-400000")
            cursor.execute("PRAGMA temp_store=MEMORY")

    with transaction.atomic():
        seed_demo(walkthrough=False)
        org = _organisation(rng, markets)
    hq = _hq_people()
    today = timezone.localdate()
    template = ProposalTemplate.objects.current()
    section_keys = [s.key for s in template.sections.all()]
    departments = list(Department.objects.order_by("position").values_list("id", flat=True))
    log(f"organisation: {markets} markets, {time.monotonic() - started:.1f}s")

    acts = _plan_activities(rng, org, want["activities"], years, today, writer)
    # What each activity carries, sized so the totals meet the targets.
    n_review = sum(1 for a in acts if a.status in REVIEWED) or 1
    n_onsite = sum(1 for a in acts if a.status in ON_SITE_OR_LATER) or 1
    n_wrapped = sum(1 for a in acts if a.status in WRAPPED) or 1
    per = {
        "opinions": want["opinions"] / n_review,
        "meetings": want["meetings"] / n_onsite,
        "reports": want["daily_reports"] / n_onsite,
        "summaries": want["summaries"] / n_wrapped,
        "audit": want["audit"] / len(acts),
        "notifications": want["notifications"] / len(acts),
    }
    now = timezone.now().astimezone(UTC).replace(tzinfo=None)
    steps = [
        ("activities", lambda: _activities(writer, rng, acts, org, template.pk, section_keys, now)),
        ("reviews", lambda: _reviews(writer, rng, acts, org, hq, departments, per, now)),
        ("preparation", lambda: _preparation(writer, rng, acts, hq, departments, now)),
        ("on site", lambda: _onsite(writer, rng, acts, org, hq, per, today, now)),
        ("evaluation", lambda: _evaluation(writer, rng, acts, org, hq, now)),
        ("audit", lambda: _audit(writer, rng, acts, org, hq, per)),
        ("notifications", lambda: _notifications(writer, rng, acts, org, hq, per, now)),
    ]
    for name, step in steps:
        t0 = time.monotonic()
        with transaction.atomic():
            step()
        log(f"{name}: {time.monotonic() - t0:.1f}s")

    if connection.vendor == "postgresql":
        generated: list[type[models.Model]] = [
            Activity,
            BudgetLine,
            ActivityVersion,
            ReviewRound,
            ReviewRound.departments.through,
            Opinion,
            OpinionItem,
            SupportTeam,
            TeamMember,
            Material,
            Meeting,
            Meeting.attendees.through,
            DailyReport,
            Summary,
            Evaluation,
            EvaluationCost,
            Archive,
            Lesson,
            AuditEntry,
            Notification,
            SearchDocument,
        ]
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), generated):
                cursor.execute(sql)
            cursor.execute("ANALYZE")
    elif tune:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cursor.execute("PRAGMA synchronous=NORMAL")
    log(f"total: {time.monotonic() - started:.1f}s")
    return writer.counts


def _name(rng: random.Random) -> str:
    return (
        rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
    )


def _organisation(rng: random.Random, count: int) -> list[MarketPeople]:
    """Markets G01…, three offices each, a head, three office heads and ten staff; idempotent
    in the markets (a second run adds activities to the same markets)."""
    User = get_user_model()
    password = make_password(DEMO_PASSWORD)
    out: list[MarketPeople] = []
    for i in range(count):
        code = f"{MARKET_PREFIX}{i + 1:02d}"
        province = PROVINCES[i % len(PROVINCES)] + ("" if i < len(PROVINCES) else str(i))
        market, created = Market.objects.get_or_create(
            code=code, defaults={"name": f"{province}市场", "province": province}
        )
        prefix = code.lower()
        if created:
            offices = Office.objects.bulk_create(
                Office(market=market, code=f"O{j + 1}", name=f"{province}{CITIES[j]}办事处")
                for j in range(3)
            )
            specs: list[tuple[str, str, Office | None]] = [("head", "market_head", None)]
            specs += [(f"o{j + 1}_head", "office_head", offices[j]) for j in range(3)]
            specs += [(f"staff{j + 1}", "market_staff", offices[j % 3]) for j in range(10)]
            users = User.objects.bulk_create(
                User(
                    username=f"{prefix}_{suffix}",
                    email=f"{prefix}_{suffix}@campaigndesk.example",
                    password=password,
                )
                for suffix, _role, _office in specs
            )
            Profile.objects.bulk_create(
                Profile(
                    user=user,
                    display_name=_name(rng),
                    role=role,
                    market=market,
                    office=office,
                )
                for user, (_suffix, role, office) in zip(users, specs, strict=True)
            )
            Market.objects.filter(pk=market.pk).update(head=users[0])
            for j, office in enumerate(offices):
                Office.objects.filter(pk=office.pk).update(head=users[1 + j])
        office_ids = list(market.offices.order_by("code").values_list("id", flat=True))
        people = dict(
            User.objects.filter(username__startswith=f"{prefix}_").values_list("username", "id")
        )
        out.append(
            MarketPeople(
                id=market.pk,
                head=people[f"{prefix}_head"],
                office_ids=office_ids,
                office_heads=[people[f"{prefix}_o{j + 1}_head"] for j in range(3)],
                staff=[people[f"{prefix}_staff{j + 1}"] for j in range(10)],
            )
        )
    return out


@dataclass
class Hq:
    manager: int
    reviewers: dict[int, int]  # department id -> reviewer
    support: list[int]
    everyone: list[int]


def _hq_people() -> Hq:
    rows = list(
        Profile.objects.filter(market__isnull=True).values_list("user_id", "role", "department_id")
    )
    manager = next(u for u, role, _d in rows if role == "hq_manager")
    reviewers = {d: u for u, role, d in rows if role == "reviewer" and d}
    support = [u for u, role, _d in rows if role == "support_member"]
    return Hq(manager, reviewers, support, [u for u, _r, _d in rows])


def _status_for(rng: random.Random, start: date, end: date, today: date) -> str:
    if start > today + timedelta(days=25):
        return rng.choices((*PRE, "cancelled"), weights=(25, 15, 20, 15, 10, 10, 5))[0]
    if start > today:
        return rng.choices(("approved", "draft", "cancelled"), weights=(80, 10, 10))[0]
    if end >= today:
        return "on_site"
    if end >= today - timedelta(days=40):
        return rng.choice(("wrapped_up", "evaluated"))
    return rng.choices(("archived", "cancelled", "rejected", "evaluated"), weights=(85, 6, 5, 4))[0]


def _plan_activities(
    rng: random.Random,
    org: list[MarketPeople],
    count: int,
    years: int,
    today: date,
    writer: Writer,
) -> list[Act]:
    first = writer.next_id(Activity)
    span = years * 365 + 90
    oldest = today - timedelta(days=years * 365)
    acts: list[Act] = []
    for i in range(count):
        start = oldest + timedelta(days=rng.randrange(span))
        end = start + timedelta(days=rng.randint(3, 9))
        title = f"{start.year}年{rng.choice(THEMES)}{rng.choice(FORMATS)}"
        acts.append(
            Act(
                id=0,
                market=i % len(org),
                status=_status_for(rng, start, end, today),
                start=start,
                end=end,
                created=_naive(start - timedelta(days=rng.randint(35, 60)), 10),
                title=title,
            )
        )
    # Every market has a campaign on site now, running three weeks more: the end-of-day burst
    # of the benchmark posts its reports to these.
    for m in range(len(org)):
        start = today - timedelta(days=2)
        acts.append(
            Act(
                id=0,
                market=m,
                status="on_site",
                start=start,
                end=today + timedelta(days=20),
                created=_naive(start - timedelta(days=45), 10),
                title=f"{today.year}年{THEMES[m % len(THEMES)]}巡回推广月",
            )
        )
    # However small the scale, every status of the lifecycle is there.
    present: dict[str, int] = {}
    for act in acts:
        present[act.status] = present.get(act.status, 0) + 1
    for status in (*PRE, "on_site", "wrapped_up", "evaluated", "archived", "rejected", "cancelled"):
        if status in present:
            continue
        future = status in PRE
        donor = next(
            (
                a
                for a in acts
                if present.get(a.status, 0) > 1
                and (a.start > today + timedelta(days=25) if future else a.end < today)
                and a.status not in ("on_site",)
            ),
            None,
        )
        if donor is not None:
            present[donor.status] -= 1
            donor.status = status
            present[status] = 1
    acts.sort(key=lambda a: (a.created, a.start))
    for offset, act in enumerate(acts):
        act.id = first + offset
    return acts


def _sections(rng: random.Random, keys: list[str], act: Act) -> dict[str, str]:
    theme = act.title
    return {key: f"{theme}:{rng.choice(PROGRESS)}。{rng.choice(STRENGTHS)}。" for key in keys}


def _activities(
    writer: Writer,
    rng: random.Random,
    acts: list[Act],
    org: list[MarketPeople],
    template_id: int,
    keys: list[str],
    now: datetime,
) -> None:
    rows = []
    lines = []
    versions = []
    search = []
    version_id = writer.next_id(ActivityVersion)
    line_id = writer.next_id(BudgetLine)
    for act in acts:
        market = org[act.market]
        venue = f"{PROVINCES[act.market % len(PROVINCES)]}{rng.choice(VENUES)}"
        sections = _sections(rng, keys, act)
        attendance = rng.randrange(200, 2000, 50)
        budget = []
        for position, category in enumerate(rng.sample(list(BudgetCategory.values), 4)):
            amount = Decimal(rng.randrange(5_000, 80_000, 500))
            budget.append({"category": category, "item": ITEMS[category], "amount": amount})
            lines.append((line_id, act.id, position, category, ITEMS[category], amount))
            line_id += 1
        staffing = [
            {
                "username": f"{MARKET_PREFIX.lower()}{act.market + 1:02d}_staff{j + 1}",
                "role": "staff",
                "duty": rng.choice(STAFF_DUTIES),
            }
            for j in range(2)
        ]
        submitted = act.status != "draft" and not (act.status == "cancelled" and rng.random() < 0.3)
        act.rounds = 0
        n_versions = 0
        if act.status in REVIEWED or (act.status in ("cancelled", "rejected") and submitted):
            act.rounds = 1 if rng.random() < 0.5 else 2
            if act.status == "in_review":
                act.rounds = 1
            n_versions = act.rounds + (
                1 if act.status not in ("in_review", "revision_requested") else 0
            )
            n_versions = max(1, min(n_versions, 2))
        elif submitted:
            n_versions = 1
        snapshot = {
            "title": act.title,
            "start_date": act.start.isoformat(),
            "end_date": act.end.isoformat(),
            "venue": venue,
            "sections": sections,
            "budget": [{**b, "amount": str(b["amount"])} for b in budget],
            "targets": {"attendance": attendance, "leads": attendance // 5, "sales": "300000.00"},
            "staffing": staffing,
        }
        for v in range(1, n_versions + 1):
            at = act.created + timedelta(days=2 + 7 * (v - 1))
            versions.append((version_id, act.id, v, at, market.head, snapshot))
            version_id += 1
        rows.append(
            (
                act.id,
                market.id,
                template_id,
                act.title,
                act.status,
                act.start,
                act.end,
                venue,
                sections,
                attendance,
                attendance // 5,
                Decimal("300000.00"),
                staffing,
                1 + 2 * n_versions,
                n_versions,
                market.head,
                act.created + timedelta(days=2) if n_versions else None,
                "",
                act.created,
                act.created + timedelta(days=2 + 7 * max(n_versions - 1, 0)),
            )
        )
        search.append(
            _market_row(
                DocumentType.PROPOSAL,
                object_id=act.id,
                activity_id=act.id,
                market_id=market.id,
                body=_text(venue, *(sections[k] for k in sorted(sections))),
                title=act.title,
                now=now,
                title_searched=True,
            )
        )
    writer.insert(
        Activity,
        [
            "id",
            "market_id",
            "template_id",
            "title",
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
            "created_by_id",
            "submitted_at",
            "lead_time_exception_reason",
            "created_at",
            "updated_at",
        ],
        rows,
    )
    writer.insert(
        BudgetLine, ["id", "activity_id", "position", "category", "item", "amount"], lines
    )
    writer.insert(
        ActivityVersion,
        ["id", "activity_id", "version", "submitted_at", "submitted_by_id", "snapshot"],
        versions,
    )
    writer.insert(SearchDocument, SEARCH_COLUMNS, search)


def _spread(rng: random.Random, mean: float) -> int:
    """A whole number around `mean` whose average is `mean`."""
    base = int(mean)
    return base + (1 if rng.random() < mean - base else 0)


def _reviews(
    writer: Writer,
    rng: random.Random,
    acts: list[Act],
    org: list[MarketPeople],
    hq: Hq,
    departments: list[int],
    per: dict[str, float],
    now: datetime,
) -> None:
    round_id = writer.next_id(ReviewRound)
    opinion_id = writer.next_id(Opinion)
    item_id = writer.next_id(OpinionItem)
    rounds, invited, opinions, items, search = [], [], [], [], []
    through = ReviewRound.departments.through
    for act in acts:
        if not act.rounds:
            continue
        market = org[act.market]
        wanted = max(1, _spread(rng, per["opinions"]))
        per_round = max(1, min(len(departments), -(-wanted // act.rounds)))
        for number in range(1, act.rounds + 1):
            meeting = act.created + timedelta(days=3 + 7 * (number - 1))
            returned = number < act.rounds or act.status == "revision_requested"
            rounds.append(
                (
                    round_id,
                    act.id,
                    number,
                    number,
                    meeting,
                    hq.manager,
                    meeting - timedelta(days=1),
                    "各部门意见已汇总,请按意见修改后重新提交。" if returned else "",
                    hq.manager if returned else None,
                    meeting + timedelta(days=1) if returned else None,
                )
            )
            chosen = departments[:per_round]
            for d in chosen:
                invited.append((round_id, d))
            if act.status == "in_review" and rng.random() < 0.5:
                chosen = chosen[: max(1, len(chosen) // 2)]
            for d in chosen:
                given = meeting + timedelta(hours=2)
                opinions.append(
                    (opinion_id, round_id, d, hq.reviewers.get(d, hq.manager), None, given)
                )
                comment = rng.choice(COMMENTS)
                response = rng.choice(RESPONSES) if returned and number < act.rounds else ""
                required = rng.random() < 0.4
                items.append(
                    (
                        item_id,
                        opinion_id,
                        0,
                        rng.choice(("general", "budget", "promotion", "risk")),
                        comment,
                        required,
                        response,
                        given + timedelta(days=3) if response else None,
                    )
                )
                search.append(
                    _market_row(
                        DocumentType.OPINION,
                        object_id=item_id,
                        activity_id=act.id,
                        market_id=market.id,
                        body=_text(comment, response),
                        title=act.title,
                        now=now,
                    )
                )
                opinion_id += 1
                item_id += 1
            round_id += 1
    writer.insert(
        ReviewRound,
        [
            "id",
            "activity_id",
            "number",
            "version",
            "meeting_at",
            "opened_by_id",
            "opened_at",
            "summary",
            "returned_by_id",
            "returned_at",
        ],
        rounds,
    )
    writer.insert(
        through, ["reviewround_id", "department_id"], invited, table=through._meta.db_table
    )
    writer.insert(
        Opinion,
        ["id", "round_id", "department_id", "given_by_id", "on_behalf_of_id", "given_at"],
        opinions,
    )
    writer.insert(
        OpinionItem,
        [
            "id",
            "opinion_id",
            "position",
            "section",
            "comment",
            "required_change",
            "response",
            "responded_at",
        ],
        items,
    )
    writer.insert(SearchDocument, SEARCH_COLUMNS, search)


def _preparation(
    writer: Writer,
    rng: random.Random,
    acts: list[Act],
    hq: Hq,
    departments: list[int],
    now: datetime,
) -> None:
    team_id = writer.next_id(SupportTeam)
    teams, members, materials = [], [], []
    for act in acts:
        if act.status not in PREPARED:
            continue
        prepared = _naive(act.start - timedelta(days=10), 10)
        published = prepared + timedelta(days=1) if act.status != "approved" else None
        teams.append(
            (
                team_id,
                act.id,
                f"{act.title}协销组",
                hq.support[0],
                published,
                hq.manager if published else None,
                prepared,
                prepared,
            )
        )
        for position, user in enumerate(rng.sample(hq.support, min(2, len(hq.support)))):
            members.append(
                (
                    team_id,
                    user,
                    rng.choice(("expert", "planner", "support")),
                    rng.choice(STAFF_DUTIES),
                    _naive(act.start, 7) - timedelta(days=1),
                    _naive(act.end, 20),
                    position,
                )
            )
        done = act.status != "approved"
        for _ in range(2):
            materials.append(
                (
                    act.id,
                    f"{rng.choice(('宣传单页', '易拉宝', '礼品袋', '体验装'))}",
                    Decimal(rng.randrange(100, 2000, 50)),
                    "件",
                    departments[min(2, len(departments) - 1)],
                    act.start - timedelta(days=3),
                    "received" if done else "requested",
                    prepared + timedelta(days=3) if done else None,
                    prepared + timedelta(days=5) if done else None,
                    hq.manager,
                    prepared,
                    prepared,
                )
            )
        team_id += 1
    writer.insert(
        SupportTeam,
        [
            "id",
            "activity_id",
            "name",
            "lead_id",
            "published_at",
            "published_by_id",
            "created_at",
            "updated_at",
        ],
        teams,
    )
    writer.insert(
        TeamMember,
        ["team_id", "user_id", "role", "duty", "depart_at", "return_at", "position"],
        members,
    )
    writer.insert(
        Material,
        [
            "activity_id",
            "name",
            "quantity",
            "unit",
            "owner_department_id",
            "due_date",
            "status",
            "shipped_at",
            "received_at",
            "created_by_id",
            "created_at",
            "updated_at",
        ],
        materials,
    )


def _onsite(
    writer: Writer,
    rng: random.Random,
    acts: list[Act],
    org: list[MarketPeople],
    hq: Hq,
    per: dict[str, float],
    today: date,
    now: datetime,
) -> None:
    meeting_id = writer.next_id(Meeting)
    report_id = writer.next_id(DailyReport)
    summary_id = writer.next_id(Summary)
    meetings: list[Any] = []
    attendees: list[Any] = []
    reports: list[Any] = []
    summaries: list[Any] = []
    search: list[Any] = []
    kinds = ("briefing", "training", "mobilization", "wrap_up")
    topics = ["execution", "roles", "consumer_psychology", "service", "risk_control"]
    for act in acts:
        if act.status not in ON_SITE_OR_LATER:
            continue
        market = org[act.market]
        n_meetings = max(3, _spread(rng, per["meetings"])) if act.status in WRAPPED else 3
        for j in range(n_meetings):
            kind = kinds[j] if j < 4 else "training"
            held = _naive(act.start, 8 + j) - timedelta(days=1 if j < 3 else 0)
            meetings.append(
                (
                    meeting_id,
                    act.id,
                    kind,
                    held,
                    market.head,
                    topics if kind == "training" else [],
                    [],
                    f"{act.title}{rng.choice(PROGRESS)}",
                    market.head,
                    held,
                    held,
                )
            )
            for user in (market.office_heads[0], market.staff[j % 10]):
                attendees.append((meeting_id, user))
            meeting_id += 1
        days = (act.end - act.start).days + 1
        last = act.end if act.status in WRAPPED else min(act.end, today - timedelta(days=1))
        wanted = max(1, _spread(rng, per["reports"]))
        day = act.start
        # Past the activity's own days, extra reports would break the one-per-day rule: the
        # average is met by the activities long enough for it.
        for _ in range(min(wanted, days)):
            if day > last:
                break
            body = (
                rng.choice(PROGRESS),
                rng.choice(PUBLIC_RELATIONS),
                rng.choice(COMPETITORS),
                rng.choice(ISSUES),
            )
            at = _naive(day, 20)
            reports.append(
                (
                    report_id,
                    act.id,
                    day,
                    rng.randrange(100, 800),
                    rng.randrange(10, 120),
                    Decimal(rng.randrange(5_000, 90_000)),
                    *body,
                    market.head,
                    at,
                    at,
                )
            )
            search.append(
                _market_row(
                    DocumentType.DAILY_REPORT,
                    object_id=report_id,
                    activity_id=act.id,
                    market_id=market.id,
                    body=_text(*body),
                    title=f"{act.title} · {day:%Y-%m-%d}",
                    now=now,
                )
            )
            report_id += 1
            day += timedelta(days=1)
        if act.status not in WRAPPED:
            continue
        authors = market.everyone
        n_summaries = max(1, _spread(rng, per["summaries"]))
        for j in range(min(n_summaries, len(authors) + 1)):
            kind = "activity" if j == 0 else "individual"
            author = market.head if j == 0 else authors[j - 1]
            texts = (
                rng.choice(STRENGTHS),
                rng.choice(WEAKNESSES),
                f"{act.title}{rng.choice(LESSONS)}",
            )
            at = _naive(act.end, 21)
            summaries.append((summary_id, act.id, kind, author, *texts, at, at))
            search.append(
                _market_row(
                    DocumentType.SUMMARY,
                    object_id=summary_id,
                    activity_id=act.id,
                    market_id=market.id,
                    body=_text(*texts),
                    title=act.title,
                    now=now,
                )
            )
            summary_id += 1
    writer.insert(
        Meeting,
        [
            "id",
            "activity_id",
            "kind",
            "held_at",
            "chair_id",
            "topics",
            "schedule",
            "notes",
            "recorded_by_id",
            "created_at",
            "updated_at",
        ],
        meetings,
    )
    through = Meeting.attendees.through
    writer.insert(through, ["meeting_id", "user_id"], attendees, table=through._meta.db_table)
    writer.insert(
        DailyReport,
        [
            "id",
            "activity_id",
            "date",
            "visitors",
            "leads",
            "sales",
            "progress",
            "public_relations",
            "competitors",
            "issues",
            "reported_by_id",
            "created_at",
            "updated_at",
        ],
        reports,
    )
    writer.insert(
        Summary,
        [
            "id",
            "activity_id",
            "kind",
            "author_id",
            "strengths",
            "weaknesses",
            "text",
            "created_at",
            "updated_at",
        ],
        summaries,
    )
    writer.insert(SearchDocument, SEARCH_COLUMNS, search)


def _evaluation(
    writer: Writer,
    rng: random.Random,
    acts: list[Act],
    org: list[MarketPeople],
    hq: Hq,
    now: datetime,
) -> None:
    evaluation_id = writer.next_id(Evaluation)
    lesson_id = writer.next_id(Lesson)
    evaluations, costs, archives, lessons, search = [], [], [], [], []
    for act in acts:
        if act.status not in EVALUATED:
            continue
        at = _naive(act.end + timedelta(days=7), 15)
        attendance = rng.randrange(150, 2200)
        evaluations.append(
            (
                evaluation_id,
                act.id,
                Decimal(rng.randrange(80_000, 900_000)),
                attendance,
                attendance // 4,
                attendance // 10,
                "效益评估已完成。",
                at,
                hq.manager,
                at,
                at,
            )
        )
        for position, category in enumerate(("venue", "promotion", "materials")):
            costs.append((evaluation_id, position, category, Decimal(rng.randrange(5_000, 70_000))))
        evaluation_id += 1
        if act.status == "archived":
            digest = hashlib.sha256(str(act.id).encode()).hexdigest()
            archives.append((act.id, f"archives/generated-{act.id}.zip", digest, 0, at, hq.manager))
        if rng.random() < 0.6:
            text = rng.choice(LESSONS)
            items = rng.sample(list(LESSONS), 2)
            lessons.append((lesson_id, act.id, text, items, hq.manager, at, at))
            search.append(
                _market_row(
                    DocumentType.LESSON,
                    object_id=lesson_id,
                    activity_id=act.id,
                    market_id=org[act.market].id,
                    body=_text(text, *items),
                    title=act.title,
                    now=now,
                )
            )
            lesson_id += 1
    writer.insert(
        Evaluation,
        [
            "id",
            "activity_id",
            "sales",
            "attendance",
            "leads",
            "new_customers",
            "notes",
            "completed_at",
            "completed_by_id",
            "created_at",
            "updated_at",
        ],
        evaluations,
    )
    writer.insert(EvaluationCost, ["evaluation_id", "position", "category", "amount"], costs)
    writer.insert(
        Archive, ["activity_id", "file", "sha256", "size", "created_at", "created_by_id"], archives
    )
    writer.insert(
        Lesson,
        ["id", "activity_id", "text", "items", "sent_by_id", "created_at", "updated_at"],
        lessons,
    )
    writer.insert(SearchDocument, SEARCH_COLUMNS, search)


AUDIT_COLUMNS = [
    "at",
    "actor_id",
    "on_behalf_of_id",
    "action",
    "object_type",
    "object_id",
    "activity_id",
    "from_status",
    "to_status",
    "note",
    "changes",
]

# The path of each final status through the stages: (action, from, to, who) — "H" the market
# head, "M" the HQ manager.
PATHS: dict[str, list[tuple[str, str, str, str]]] = {
    "draft": [],
    "submitted": [("submit", "draft", "submitted", "H")],
    "in_review": [
        ("submit", "draft", "submitted", "H"),
        ("open_review", "submitted", "in_review", "M"),
    ],
}
PATHS["revision_requested"] = PATHS["in_review"] + [
    ("return", "in_review", "revision_requested", "M")
]
PATHS["resubmitted"] = PATHS["revision_requested"] + [
    ("resubmit", "revision_requested", "resubmitted", "H")
]
PATHS["approved"] = PATHS["resubmitted"] + [("decide", "resubmitted", "approved", "M")]
PATHS["rejected"] = PATHS["resubmitted"] + [("decide", "resubmitted", "rejected", "M")]
PATHS["cancelled"] = PATHS["submitted"] + [("cancel", "submitted", "cancelled", "H")]
PATHS["on_site"] = PATHS["approved"] + [("start_onsite", "approved", "on_site", "M")]
PATHS["wrapped_up"] = PATHS["on_site"] + [("wrap_up", "on_site", "wrapped_up", "H")]
PATHS["evaluated"] = PATHS["wrapped_up"] + [("evaluate", "wrapped_up", "evaluated", "M")]
PATHS["archived"] = PATHS["evaluated"] + [("archive", "evaluated", "archived", "M")]
FILLERS = ("edit", "material_status", "daily_report", "meeting", "summary", "opinion")


def _audit(
    writer: Writer,
    rng: random.Random,
    acts: list[Act],
    org: list[MarketPeople],
    hq: Hq,
    per: dict[str, float],
) -> None:
    def rows() -> Iterator[tuple[Any, ...]]:
        for act in acts:
            head = org[act.market].head
            at = act.created
            yield (at, head, None, "create", "activity", act.id, act.id, "", "draft", "", {})
            path = PATHS[act.status]
            quota = max(len(path) + 1, _spread(rng, per["audit"]))
            fillers = quota - len(path) - 1
            step = timedelta(minutes=max(1, (act.end - act.start).days * 1440 // max(quota, 1)))
            for action, before, after, who in path:
                at += timedelta(days=1)
                actor = head if who == "H" else hq.manager
                yield (at, actor, None, action, "activity", act.id, act.id, before, after, "", {})
            for _ in range(fillers):
                at += step
                action = rng.choice(FILLERS)
                yield (
                    at,
                    head,
                    None,
                    action,
                    "activity",
                    act.id,
                    act.id,
                    "",
                    "",
                    "",
                    {"visitors": {"before": "0", "after": str(rng.randrange(100, 900))}},
                )

    writer.insert(AuditEntry, AUDIT_COLUMNS, rows())


KINDS = [k.value for k in Kind]


def _notifications(
    writer: Writer,
    rng: random.Random,
    acts: list[Act],
    org: list[MarketPeople],
    hq: Hq,
    per: dict[str, float],
    now: datetime,
) -> None:
    recent = now - timedelta(days=14)

    def rows() -> Iterator[tuple[Any, ...]]:
        for act in acts:
            people = org[act.market].everyone + hq.everyone
            url = f"/activities/{act.id}/"
            at = act.created
            for _ in range(_spread(rng, per["notifications"])):
                at += timedelta(minutes=rng.randrange(30, 600))
                kind = rng.choice(KINDS)
                read = None if at > recent and rng.random() < 0.7 else at + timedelta(hours=3)
                yield (rng.choice(people), kind, act.title, act.id, url, at, read)

    writer.insert(
        Notification,
        ["recipient_id", "kind", "subject", "activity_id", "url", "created_at", "read_at"],
        rows(),
    )
