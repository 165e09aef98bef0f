"""The contract's demo data: organisation, template, and sample proposals. Idempotent."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from campaigndesk.activities.models import Activity, BudgetLine, ProposalTemplate, TemplateSection
from campaigndesk.core.audit import audit_record
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
def seed_demo() -> list[tuple[str, str, str]]:
    """Creates what is missing; returns (username, display name, role label) of every demo login."""
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
