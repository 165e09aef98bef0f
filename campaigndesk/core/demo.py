"""The contract's demo data: organisation, template, and sample proposals. Idempotent."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from campaigndesk.activities.models import Activity, BudgetLine, ProposalTemplate, TemplateSection
from campaigndesk.core.audit import audit_record
from campaigndesk.finance.demo import seed_budgets
from campaigndesk.org.models import Department, Market, Office, Profile

DEMO_PASSWORD = "campaign-demo"

DEPARTMENTS = [
    ("planning", "企划部", "Planning"),
    ("marketing", "市场部", "Marketing"),
    ("logistics", "货运部", "Logistics"),
    ("finance", "财务部", "Finance"),
]

MARKETS = [
    ("SN", "陕西市场", "陕西", [("XA", "西安办事处"), ("BJ", "宝鸡办事处"), ("XY", "咸阳办事处")]),
    ("HA", "河南市场", "河南", [("ZZ", "郑州办事处"), ("LY", "洛阳办事处")]),
    ("SC", "四川市场", "四川", [("CD", "成都办事处"), ("MY", "绵阳办事处")]),
]

# username, display name, role, market, office, department
PEOPLE = [
    ("admin", "系统管理员", "admin", None, None, None),
    ("hq_manager", "王建国", "hq_manager", None, None, None),
    ("planning_reviewer", "刘洋", "reviewer", None, None, "planning"),
    ("marketing_reviewer", "陈静", "reviewer", None, None, "marketing"),
    ("logistics_reviewer", "赵强", "reviewer", None, None, "logistics"),
    ("finance_reviewer", "孙丽", "reviewer", None, None, "finance"),
    ("expert_zhang", "张教授", "support_member", None, None, None),
    ("planner_li", "李明", "support_member", None, None, None),
    ("support_zhao", "赵磊", "support_member", None, None, None),
    ("support_qian", "钱芳", "support_member", None, None, None),
    ("sn_head", "周海涛", "market_head", "SN", None, None),
    ("ha_head", "吴志刚", "market_head", "HA", None, None),
    ("sc_head", "郑晓东", "market_head", "SC", None, None),
    ("sn_xa_head", "冯伟", "office_head", "SN", "XA", None),
    ("sn_bj_head", "何平", "office_head", "SN", "BJ", None),
    ("sn_xy_head", "高峰", "office_head", "SN", "XY", None),
    ("sn_staff1", "马丽", "market_staff", "SN", "XA", None),
    ("sn_staff2", "杨帆", "market_staff", "SN", "XA", None),
    ("sn_staff3", "朱婷", "market_staff", "SN", "BJ", None),
    ("sn_staff4", "胡军", "market_staff", "SN", "XY", None),
]

# key, 标题, title, required, 填写说明, help
SECTIONS = [
    (
        "background",
        "活动背景与目的",
        "Background and goals",
        True,
        "市场现状、竞品情况、本次活动要解决的问题与目标。",
        "Market situation, competitors, what this activity must achieve.",
    ),
    (
        "theme",
        "活动主题与形式",
        "Theme and format",
        True,
        "主题、形式(健康讲座、义诊、路演等)、规模。",
        "Theme, format (health lecture, free clinic, roadshow…), scale.",
    ),
    (
        "audience",
        "目标人群与邀约",
        "Audience and invitations",
        True,
        "目标消费者、邀约渠道与预计人数。",
        "Target consumers, invitation channels, expected numbers.",
    ),
    (
        "schedule",
        "活动流程与日程",
        "Programme and schedule",
        True,
        "筹备、宣传、执行各阶段的时间节点与现场流程。",
        "Milestones of preparation, promotion and execution; the day's programme.",
    ),
    (
        "promotion",
        "宣传推广计划",
        "Promotion plan",
        True,
        "媒体、社区、终端宣传安排。",
        "Media, community and point-of-sale promotion.",
    ),
    (
        "products",
        "产品与销售政策",
        "Products and sales policy",
        True,
        "主推产品、促销政策、价格与赠品。",
        "Featured products, promotions, prices and gifts.",
    ),
    (
        "staffing_plan",
        "人员组织安排",
        "Staffing arrangement",
        False,
        "各办事处及人员分工;细化上报时必须完整。",
        "Who does what, by office; must be complete when resubmitting.",
    ),
    (
        "materials",
        "物料需求",
        "Materials needed",
        True,
        "需总部配合准备的物料清单与到位时间。",
        "Materials HQ must prepare, with the date they are needed.",
    ),
    (
        "risk",
        "风险预案",
        "Risk plan",
        True,
        "安全、医疗、舆情等风险及应对措施。",
        "Safety, medical and public-opinion risks and responses.",
    ),
    (
        "expected",
        "预期效果",
        "Expected results",
        False,
        "预期到场人数、意向客户与销售额。",
        "Expected attendance, leads and sales.",
    ),
]


@transaction.atomic
def seed_demo(*, walkthrough: bool = True) -> list[tuple[str, str, str]]:
    """Creates what is missing; returns (username, display name, role label) of every demo login.
    `walkthrough=False` leaves out the activities walked through stage 1 (tests start from the
    organisation and one draft per market)."""
    User = get_user_model()
    departments = {}
    for position, (code, name, name_en) in enumerate(DEPARTMENTS):
        departments[code], _ = Department.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "position": position}
        )
    markets: dict[str, Market] = {}
    offices: dict[tuple[str, str], Office] = {}
    for code, name, province, office_rows in MARKETS:
        markets[code], _ = Market.objects.get_or_create(
            code=code, defaults={"name": name, "province": province}
        )
        for office_code, office_name in office_rows:
            offices[(code, office_code)], _ = Office.objects.get_or_create(
                market=markets[code], code=office_code, defaults={"name": office_name}
            )

    logins = []
    password_hash = make_password(DEMO_PASSWORD)  # hashing is slow on purpose: do it once
    for username, display, role, market, office, department in PEOPLE:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create(
                username=username,
                email=f"{username}@campaigndesk.example",
                password=password_hash,
                is_staff=role == "admin",
                is_superuser=role == "admin",
            )
            Profile.objects.create(
                user=user,
                display_name=display,
                role=role,
                market=markets[market] if market else None,
                office=offices[(market, office)] if market and office else None,
                department=departments[department] if department else None,
            )
            if role == "market_head" and market and markets[market].head_id is None:
                Market.objects.filter(pk=markets[market].pk).update(head=user)
            if role == "office_head" and market and office:
                Office.objects.filter(pk=offices[(market, office)].pk, head=None).update(head=user)
        profile = user.profile
        logins.append((username, profile.display_name, str(profile.get_role_display())))

    template = ProposalTemplate.objects.filter(is_current=True).first()
    if template is None:
        template = ProposalTemplate.objects.create(
            version=1, lead_days=20, is_current=True, note="总部标准活动方案模板"
        )
        TemplateSection.objects.bulk_create(
            TemplateSection(
                template=template,
                key=key,
                title=title,
                title_en=title_en,
                required=required,
                help_text=help_zh,
                help_text_en=help_en,
                position=position,
            )
            for position, (key, title, title_en, required, help_zh, help_en) in enumerate(SECTIONS)
        )

    _seed_sample_drafts(markets=markets, template=template)
    if walkthrough:
        _seed_stage1()
        seed_budgets()
    return logins


def _seed_sample_drafts(*, markets: dict[str, Market], template: ProposalTemplate) -> None:
    """One draft per market that has none, so the lists are not empty on the first run."""
    User = get_user_model()
    today = timezone.localdate()
    samples = {
        "SN": ("西安“健康中老年”大型义诊讲座", "西安市碑林区文化广场", 45),
        "HA": ("郑州社区健康行路演", "郑州市二七广场", 60),
        "SC": ("成都心脑血管健康大讲堂", "成都市锦江区会展中心", 75),
    }
    for code, (title, venue, offset) in samples.items():
        market = markets[code]
        if Activity.objects.filter(market=market).exists():
            continue
        head = User.objects.get(username=f"{code.lower()}_head")
        start = today + timedelta(days=offset)
        activity = Activity.objects.create(
            market=market,
            template=template,
            title=title,
            venue=venue,
            start_date=start,
            end_date=start + timedelta(days=2),
            created_by=head,
            sections={
                "background": "中老年消费者对心脑血管保健需求旺盛,竞品近期在本地加大投入。",
                "theme": "专家义诊 + 健康讲座 + 产品体验,三天。",
            },
            target_attendance=1500,
            target_leads=300,
            target_sales=Decimal("180000.00"),
        )
        BudgetLine.objects.bulk_create(
            [
                BudgetLine(
                    activity=activity,
                    position=0,
                    category="venue",
                    item="场地租赁",
                    amount=Decimal("12000.00"),
                ),
                BudgetLine(
                    activity=activity,
                    position=1,
                    category="promotion",
                    item="报纸与社区宣传",
                    amount=Decimal("18500.00"),
                ),
                BudgetLine(
                    activity=activity,
                    position=2,
                    category="staff",
                    item="专家劳务",
                    amount=Decimal("9000.00"),
                ),
            ]
        )
        audit_record(
            actor=head,
            action="create",
            obj=activity,
            activity_id=activity.pk,
            to_status=activity.status,
            note="演示数据",
        )


def _full_sections(theme: str) -> dict[str, str]:
    return {
        "background": f"{theme}:本地中老年消费者保健需求旺盛,竞品近期在终端加大投入。",
        "theme": "专家义诊 + 健康讲座 + 产品体验。",
        "audience": "55岁以上中老年人,社区居委会与连锁药店会员邀约,预计1200人。",
        "schedule": "提前三周社区宣传;活动当天 9:00 签到,9:30 讲座,11:00 义诊与咨询。",
        "promotion": "社区海报、药店POP、本地晚报半版、微信群邀约。",
        "products": "主推心脑血管保健产品,现场体验装与会员积分。",
        "materials": "易拉宝6个、宣传单5000份、血压计10台、礼品800份。",
        "risk": "现场配备医护人员与急救箱;人流控制;舆情专人监测。",
    }


def _seed_stage1() -> None:
    """Activities in each stage-1 state, walked through the real services, so a fresh
    `make run` shows a live review board with history, opinions and notifications."""
    from campaigndesk.activities import services as activity_services
    from campaigndesk.reviews import services as review_services

    if Activity.objects.filter(title="宝鸡社区义诊周").exists():
        return
    _seed_history()
    User = get_user_model()
    people = {u.username: u for u in User.objects.select_related("profile")}
    today = timezone.localdate()
    meeting = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=2)

    def draft(head: str, title: str, venue: str, days: int) -> Activity:
        start = today + timedelta(days=days)
        return activity_services.activity_create(
            by=people[head],
            data={
                "title": title,
                "venue": venue,
                "start_date": start,
                "end_date": start + timedelta(days=1),
                "sections": _full_sections(title),
                "budget": [
                    {"category": "venue", "item": "场地租赁", "amount": "10000.00"},
                    {"category": "promotion", "item": "宣传推广", "amount": "15000.00"},
                    {"category": "materials", "item": "礼品与物料", "amount": "8000.00"},
                ],
                "targets": {"attendance": 1200, "leads": 240, "sales": "150000.00"},
                "staffing": [],
            },
        )

    def submit(activity: Activity, head: str) -> None:
        activity_services.activity_submit(activity_id=activity.pk, by=people[head])

    def review(activity: Activity, opinions: list[str]) -> None:
        review_services.review_open(
            activity_id=activity.pk, by=people["hq_manager"], meeting_at=meeting
        )
        for code in opinions:
            review_services.opinion_give(
                activity_id=activity.pk,
                by=people[f"{code}_reviewer"],
                department=code,
                items=OPINIONS[code],
            )

    def back_and_resubmit(activity: Activity, head: str, staff: list[dict[str, str]]) -> None:
        review_services.review_return(
            activity_id=activity.pk,
            by=people["hq_manager"],
            summary="各部门意见已汇总:请细化宣传排期与预算明细,补充人员分工。",
        )
        from campaigndesk.reviews.models import OpinionItem

        items = OpinionItem.objects.filter(opinion__round__activity=activity)
        activity_services.activity_resubmit(
            activity_id=activity.pk,
            by=people[head],
            changes={"venue": activity.venue + "(主会场)"},
            staffing=staff,
            responses=[{"item_id": i.pk, "response": "已按意见修改并补充细节。"} for i in items],
        )

    sn_staff = [
        {"username": "sn_xa_head", "role": "现场总指挥", "duty": "统筹现场执行与对外协调"},
        {"username": "sn_staff1", "role": "签到与接待", "duty": "签到台、来宾引导"},
        {"name": "王医生", "role": "义诊专家", "duty": "血压血脂检测与咨询"},
    ]
    submitted = draft("sn_head", "宝鸡社区义诊周", "宝鸡市渭滨区人民广场", 30)
    submit(submitted, "sn_head")

    in_review = draft("sn_head", "咸阳健康大讲堂", "咸阳市秦都区会展中心", 35)
    submit(in_review, "sn_head")
    review(in_review, ["planning", "marketing"])

    approved = draft("sn_head", "西安春季健康路演", "西安市雁塔区大唐不夜城广场", 50)
    submit(approved, "sn_head")
    review(approved, ["planning", "marketing", "logistics", "finance"])
    back_and_resubmit(approved, "sn_head", sn_staff)
    activity_services.activity_decide(
        activity_id=approved.pk, by=people["hq_manager"], decision="approve"
    )
    _seed_preparation(approved, people)
    _seed_onsite(
        people, draft=draft, review=review, back_and_resubmit=back_and_resubmit, staff=sn_staff
    )

    revision = draft("ha_head", "洛阳中老年健康讲座", "洛阳市西工区文化宫", 40)
    submit(revision, "ha_head")
    review(revision, ["planning", "marketing", "logistics", "finance"])
    review_services.review_return(
        activity_id=revision.pk,
        by=people["hq_manager"],
        summary="请补充宣传排期,细化物料清单,并给出现场人员分工。",
    )

    ha_staff = [{"name": "李主任", "role": "现场负责人", "duty": "统筹"}]
    resubmitted = draft("sc_head", "绵阳社区义诊", "绵阳市涪城区人民公园", 55)
    submit(resubmitted, "sc_head")
    review(resubmitted, ["planning", "marketing", "logistics", "finance"])
    back_and_resubmit(resubmitted, "sc_head", ha_staff)

    rejected = draft("sc_head", "成都夜间路演", "成都市春熙路", 65)
    submit(rejected, "sc_head")
    review(rejected, ["planning", "marketing", "logistics", "finance"])
    back_and_resubmit(rejected, "sc_head", ha_staff)
    activity_services.activity_decide(
        activity_id=rejected.pk,
        by=people["hq_manager"],
        decision="reject",
        reason="夜间人流安全风险过高,且与春节促销档期冲突,建议改为白天社区活动。",
    )


def _seed_preparation(activity: Activity, people: dict[str, Any]) -> None:
    """The approved Xi'an roadshow gets a published support team and materials in every state,
    one of them overdue."""
    from campaigndesk.preparation import services as prep

    def at(day: date, hour: int) -> datetime:
        return timezone.make_aware(datetime.combine(day, time(hour)))

    depart = activity.start_date - timedelta(days=1)
    back = activity.end_date + timedelta(days=1)
    prep.support_team_save(
        activity_id=activity.pk,
        by=people["hq_manager"],
        name="",
        lead="expert_zhang",
        members=[
            {
                "username": "expert_zhang",
                "role": "expert",
                "duty": "义诊与健康讲座主讲",
                "depart_at": at(depart, 8),
                "return_at": at(back, 18),
            },
            {
                "username": "planner_li",
                "role": "planner",
                "duty": "现场布置与流程把控",
                "depart_at": at(depart, 8),
                "return_at": at(back, 18),
            },
            {
                "username": "support_zhao",
                "role": "support",
                "duty": "签到、咨询与销售支持",
                "depart_at": at(depart, 12),
                "return_at": at(back, 12),
            },
        ],
    )
    prep.support_team_publish(activity_id=activity.pk, by=people["hq_manager"])
    today = timezone.localdate()
    for name, quantity, unit, due, status, tracking in [
        ("易拉宝", "6", "个", today + timedelta(days=10), "received", "SF1001"),
        ("宣传单", "5000", "份", today + timedelta(days=12), "shipped", "SF1002"),
        ("血压计", "10", "台", today + timedelta(days=15), "preparing", ""),
        ("活动礼品", "800", "份", today - timedelta(days=2), "requested", ""),
    ]:
        material = prep.material_add(
            activity_id=activity.pk,
            by=people["hq_manager"],
            name=name,
            quantity=quantity,
            unit=unit,
            owner_department="logistics",
            due_date=due,
        )
        if status != "requested":
            if status == "received":
                prep.material_update(
                    activity_id=activity.pk,
                    material_id=material.pk,
                    by=people["logistics_reviewer"],
                    status="shipped",
                    tracking_no=tracking,
                )
            prep.material_update(
                activity_id=activity.pk,
                material_id=material.pk,
                by=people["sn_head" if status == "received" else "logistics_reviewer"],
                status=status,
                tracking_no=tracking,
            )


def _seed_onsite(
    people: dict[str, Any],
    *,
    draft: Any,
    review: Any,
    back_and_resubmit: Any,
    staff: list[dict[str, str]],
) -> None:
    """A Baoji activity running today (let in late by a lead-time exception), on site, with its
    briefing, part of the training and yesterday's daily report — a live stage 3 to look at."""
    from campaigndesk.activities import services as activity_services
    from campaigndesk.onsite import services as onsite
    from campaigndesk.preparation import services as prep

    today = timezone.localdate()
    activity = draft("sn_head", "宝鸡冬季健康周", "宝鸡市渭滨区体育馆", -1)
    activity_services.activity_update(
        activity_id=activity.pk,
        by=people["sn_head"],
        revision=activity.revision,
        data={"end_date": today + timedelta(days=1)},
    )
    activity_services.lead_time_exception_grant(
        activity_id=activity.pk, by=people["hq_manager"], reason="配合市卫健委健康周,临时加办。"
    )
    activity_services.activity_submit(activity_id=activity.pk, by=people["sn_head"])
    review(activity, ["planning", "marketing", "logistics", "finance"])
    back_and_resubmit(activity, "sn_head", staff)
    activity_services.activity_decide(
        activity_id=activity.pk, by=people["hq_manager"], decision="approve"
    )

    def at(day: date, hour: int) -> datetime:
        return timezone.make_aware(datetime.combine(day, time(hour)))

    prep.support_team_save(
        activity_id=activity.pk,
        by=people["hq_manager"],
        name="",
        lead="planner_li",
        members=[
            {
                "username": "planner_li",
                "role": "planner",
                "duty": "现场统筹与流程",
                "depart_at": at(today - timedelta(days=2), 8),
                "return_at": at(today + timedelta(days=2), 18),
            },
            {
                "username": "support_qian",
                "role": "support",
                "duty": "咨询与销售支持",
                "depart_at": at(today - timedelta(days=2), 8),
                "return_at": at(today + timedelta(days=2), 18),
            },
        ],
    )
    prep.support_team_publish(activity_id=activity.pk, by=people["hq_manager"])
    prep.activity_start_onsite(activity_id=activity.pk, by=people["sn_head"])
    yesterday = today - timedelta(days=1)
    onsite.meeting_record(
        activity_id=activity.pk,
        by=people["sn_head"],
        kind="briefing",
        held_at=at(yesterday - timedelta(days=1), 9),
        attendees=["sn_xa_head", "sn_bj_head", "sn_xy_head"],
        schedule=[
            {"date": yesterday.isoformat(), "milestone": "开幕与专家讲座", "owner": "sn_bj_head"},
            {"date": today.isoformat(), "milestone": "义诊与产品体验", "owner": "sn_xa_head"},
        ],
        tasks=[
            {"office": "BJ", "task": "场地布置与签到台", "due_date": yesterday.isoformat()},
            {"office": "XA", "task": "调派5名人员支援咨询区"},
            {"username": "sn_staff3", "task": "来宾引导与秩序维护"},
        ],
        notes="统一思想:以义诊为主、销售为辅,严控现场风险。",
    )
    onsite.meeting_record(
        activity_id=activity.pk,
        by=people["sn_head"],
        kind="training",
        held_at=at(yesterday - timedelta(days=1), 14),
        attendees=["sn_staff1", "sn_staff2", "sn_staff3", "sn_staff4"],
        topics=["execution", "roles", "service"],
    )
    onsite.daily_report_submit(
        activity_id=activity.pk,
        by=people["sn_head"],
        data={
            "date": yesterday,
            "visitors": 420,
            "leads": 86,
            "sales": "36800.00",
            "progress": "按计划完成开幕与两场讲座。",
            "public_relations": "宝鸡电视台现场采访。",
            "competitors": "某竞品在体育馆北门设摊,赠送鸡蛋吸引老人。",
            "issues": "午间签到拥堵,明日增加一个签到台。",
        },
    )


HISTORY: list[tuple[str, str, str, str, int, int, bool, dict[str, Any]]] = [
    # market, head, title, venue, days ago it started, days, archived, numbers
    (
        "SN",
        "sn_head",
        "西安冬季心脑健康大讲堂",
        "西安市新城区人民剧院",
        365,
        2,
        True,
        {
            "visitors": [520, 610],
            "leads": [96, 120],
            "sales": ["41000.00", "52800.00"],
            "costs": {
                "venue": "12000.00",
                "promotion": "18800.00",
                "materials": "9600.00",
                "staff": "8000.00",
            },
            "strengths": "社区居委会联合邀约,到场率高;专家讲座口碑好。",
            "weaknesses": "签到与咨询区动线交叉,午间拥堵;礼品准备不足。",
            "competitors": "某竞品同期在钟楼附近做买赠。",
        },
    ),
    (
        "SN",
        "sn_head",
        "咸阳秋季健康义诊周",
        "咸阳市秦都区世纪广场",
        45,
        3,
        True,
        {
            "visitors": [380, 450, 410],
            "leads": [70, 88, 75],
            "sales": ["28000.00", "36500.00", "31200.00"],
            "costs": {
                "venue": "9000.00",
                "promotion": "15500.00",
                "materials": "11000.00",
                "travel": "4200.00",
            },
            "strengths": "药店终端联动效果好,意向客户转化率高。",
            "weaknesses": "宣传启动偏晚,第一天到场不足;风险预案演练不够。",
            "competitors": "竞品在广场东侧摆摊送鸡蛋,吸引老年人。",
        },
    ),
    (
        "HA",
        "ha_head",
        "郑州夏季健康路演",
        "郑州市金水区紫荆山公园",
        120,
        2,
        True,
        {
            "visitors": [610, 700],
            "leads": [110, 140],
            "sales": ["45200.00", "58800.00"],
            "costs": {"venue": "15000.00", "promotion": "22000.00", "materials": "12000.00"},
            "strengths": "路演节目吸引人流,现场气氛热烈。",
            "weaknesses": "高温天气应对不足,后勤补给跟不上。",
            "competitors": "某品牌同期在二七广场开展免费体检。",
        },
    ),
    (
        "SC",
        "sc_head",
        "成都春季养生讲座",
        "成都市武侯区社区活动中心",
        240,
        2,
        True,
        {
            "visitors": [300, 340],
            "leads": [60, 72],
            "sales": ["22000.00", "26000.00"],
            "costs": {"venue": "6000.00", "promotion": "9000.00", "materials": "7000.00"},
            "strengths": "小规模社区讲座成本低,回头客多。",
            "weaknesses": "覆盖面有限,新客户少。",
            "competitors": "",
        },
    ),
    (
        "SC",
        "sc_head",
        "绵阳金秋健康行",
        "绵阳市涪城区人民公园",
        60,
        2,
        False,
        {
            "visitors": [420, 380],
            "leads": [80, 66],
            "sales": ["30500.00", "27800.00"],
            "costs": {
                "venue": "8000.00",
                "promotion": "14000.00",
                "materials": "9000.00",
                "hospitality": "3000.00",
            },
            "strengths": "与社区医院合作,专家资源充足。",
            "weaknesses": "第二天雨天,室外区域利用率低,缺少雨天预案。",
            "competitors": "竞品推出买二送一活动。",
        },
    ),
]


def _seed_history() -> None:
    """Finished activities of the past 13 months, walked through every stage by the real
    services (HQ granted lead-time exceptions to enter them late), so reference packs,
    evaluations and briefings have real content."""
    from campaigndesk.activities import services as activity_services
    from campaigndesk.evaluation import services as evaluation_services
    from campaigndesk.onsite import services as onsite
    from campaigndesk.preparation import services as prep
    from campaigndesk.reviews import services as review_services
    from campaigndesk.reviews.models import OpinionItem

    User = get_user_model()
    people = {u.username: u for u in User.objects.select_related("profile")}
    manager = people["hq_manager"]
    today = timezone.localdate()
    members = ["expert_zhang", "planner_li", "support_zhao"]

    def at(day: date, hour: int) -> datetime:
        return timezone.make_aware(datetime.combine(day, time(hour)))

    for code, head, title, venue, ago, days, archived, data in HISTORY:
        start = today - timedelta(days=ago)
        end = start + timedelta(days=days - 1)
        by = people[head]
        activity = activity_services.activity_create(
            by=by,
            data={
                "title": title,
                "venue": venue,
                "start_date": start,
                "end_date": end,
                "sections": _full_sections(title),
                "budget": [
                    {"category": category, "item": category, "amount": amount}
                    for category, amount in {
                        "venue": "10000.00",
                        "promotion": "18000.00",
                        "materials": "10000.00",
                    }.items()
                ],
                "targets": {
                    "attendance": 500 * days,
                    "leads": 100 * days,
                    "sales": str(45000 * days),
                },
                "staffing": [],
            },
        )
        activity_services.lead_time_exception_grant(
            activity_id=activity.pk, by=manager, reason="历史活动补录。"
        )
        activity_services.activity_submit(activity_id=activity.pk, by=by)
        review_services.review_open(
            activity_id=activity.pk, by=manager, meeting_at=at(start - timedelta(days=25), 10)
        )
        for department in ("planning", "marketing", "logistics", "finance"):
            review_services.opinion_give(
                activity_id=activity.pk,
                by=people[f"{department}_reviewer"],
                department=department,
                items=OPINIONS[department],
            )
        review_services.review_return(
            activity_id=activity.pk, by=manager, summary="请按各部门意见细化。"
        )
        activity_services.activity_resubmit(
            activity_id=activity.pk,
            by=by,
            changes={},
            staffing=[{"name": "现场总指挥", "role": "总指挥", "duty": "统筹执行"}],
            responses=[
                {"item_id": i.pk, "response": "已按意见修改。"}
                for i in OpinionItem.objects.filter(opinion__round__activity=activity)
            ],
        )
        activity_services.activity_decide(activity_id=activity.pk, by=manager, decision="approve")
        prep.support_team_save(
            activity_id=activity.pk,
            by=manager,
            name="",
            lead="expert_zhang",
            members=[
                {
                    "username": u,
                    "role": r,
                    "duty": "现场支持",
                    "depart_at": at(start - timedelta(days=1), 8),
                    "return_at": at(end + timedelta(days=1), 18),
                }
                for u, r in zip(members, ["expert", "planner", "support"], strict=True)
            ],
        )
        prep.support_team_publish(activity_id=activity.pk, by=manager)
        prep.activity_start_onsite(activity_id=activity.pk, by=by)
        market_people = [
            u
            for u in people.values()
            if getattr(u, "profile", None) and u.profile.market and u.profile.market.code == code
        ]
        for kind, topics in (
            ("briefing", []),
            ("training", ["execution", "roles", "consumer_psychology", "service", "risk_control"]),
            ("mobilization", []),
        ):
            onsite.meeting_record(
                activity_id=activity.pk,
                by=by,
                kind=kind,
                held_at=at(start, 8),
                attendees=[u.username for u in market_people],
                topics=topics,
            )
        for index in range(days):
            onsite.daily_report_submit(
                activity_id=activity.pk,
                by=by,
                data={
                    "date": start + timedelta(days=index),
                    "visitors": data["visitors"][index],
                    "leads": data["leads"][index],
                    "sales": data["sales"][index],
                    "progress": "按计划推进。",
                    "competitors": data["competitors"] if index == 0 else "",
                },
            )
        onsite.summary_write(
            activity_id=activity.pk,
            by=by,
            kind="activity",
            strengths=data["strengths"],
            weaknesses=data["weaknesses"],
            text="活动整体达成预期,经验与不足已汇总。",
        )
        for username in members:
            onsite.summary_write(
                activity_id=activity.pk,
                by=people[username],
                kind="individual",
                strengths="分工明确。",
                weaknesses="准备时间偏紧。",
                text="个人职责已完成。",
            )
        _seed_evidence(activity, by=by, finance=people["finance_reviewer"], costs=data["costs"])
        onsite.activity_wrap_up(activity_id=activity.pk, by=by)
        evaluation_services.evaluation_costs_set(
            activity_id=activity.pk,
            by=people["finance_reviewer"],
            costs=[{"category": c, "amount": a} for c, a in data["costs"].items()],
        )
        evaluation_services.evaluation_complete(
            activity_id=activity.pk,
            by=manager,
            costs=None,
            sales=str(sum(Decimal(v) for v in data["sales"])),
            attendance=sum(data["visitors"]),
            leads=sum(data["leads"]),
            new_customers=sum(data["leads"]) // 3,
            notes="",
        )
        evaluation_services.lessons_send(
            activity_id=activity.pk,
            by=manager,
            text=f"{title}:{data['strengths']}",
            items=[data["weaknesses"]],
        )
        if archived:
            evaluation_services.activity_archive(activity_id=activity.pk, by=manager)


def _seed_evidence(activity: Activity, *, by: Any, finance: Any, costs: dict[str, str]) -> None:
    """Photos on the first daily report, a sign-in sheet on the training, and finance's
    receipts for the cost lines that need one (small generated pictures)."""
    from campaigndesk.attachments.samples import sample_image
    from campaigndesk.attachments.services import attachment_upload
    from campaigndesk.onsite.models import DailyReport, Meeting

    report = DailyReport.objects.filter(activity=activity).order_by("date").first()
    for index, colour in enumerate([(70, 130, 180), (200, 120, 60)]):
        attachment_upload(
            activity_id=activity.pk,
            by=by,
            file=sample_image(label=f"photo {index + 1}", colour=colour, size=(480, 360)),
            name=f"现场照片{index + 1}.jpg",
            kind="photo",
            daily_report_id=report.pk if report else None,
        )
    training = Meeting.objects.filter(activity=activity, kind="training").first()
    attachment_upload(
        activity_id=activity.pk,
        by=by,
        file=sample_image(label="sign-in", colour=(240, 240, 240), size=(360, 480), fmt="PNG"),
        name="培训签到表.png",
        kind="sign_in",
        meeting_id=training.pk if training else None,
    )
    threshold = Decimal(str(settings.RECEIPT_REQUIRED_ABOVE))
    for category, amount in costs.items():
        if Decimal(amount) > threshold:
            attachment_upload(
                activity_id=activity.pk,
                by=finance,
                file=sample_image(label=category, colour=(250, 250, 235)),
                name=f"{category}-发票.jpg",
                kind="receipt",
                cost_category=category,
            )


OPINIONS = {
    "planning": [
        {
            "section": "schedule",
            "comment": "宣传排期过粗,请按周列出社区与媒体节点。",
            "required_change": True,
        },
        {
            "section": "general",
            "comment": "主题清晰,可参照去年同期活动样板。",
            "required_change": False,
        },
    ],
    "marketing": [
        {
            "section": "promotion",
            "comment": "晚报投放性价比低,建议增加药店终端与微信群。",
            "required_change": True,
        },
    ],
    "logistics": [
        {
            "section": "materials",
            "comment": "礼品需提前15天下单,请确认数量与到货时间。",
            "required_change": False,
        },
    ],
    "finance": [
        {"section": "general", "comment": "预算明细需拆分到单价与数量。", "required_change": True},
    ],
}
