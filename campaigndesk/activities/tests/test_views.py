"""The activity pages: who sees what, the form's round trip, and constant queries."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from campaigndesk.activities.models import Activity, BudgetLine
from campaigndesk.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def client_for(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password="campaign-demo")
    return client


def form_data(**overrides: object) -> dict[str, object]:
    start = timezone.localdate() + timedelta(days=30)
    data: dict[str, object] = {
        "title": "咸阳社区义诊",
        "start_date": start.isoformat(),
        "end_date": (start + timedelta(days=1)).isoformat(),
        "venue": "咸阳市人民广场",
        "section_background": "背景",
        "budget_category": ["venue", "promotion", ""],
        "budget_item": ["场地", "宣传单", ""],
        "budget_amount": ["1000", "250.25", ""],
        "target_attendance": "800",
        "target_leads": "",
        "target_sales": "50000",
    }
    data.update(overrides)
    return data


def sn_draft() -> Activity:
    return Activity.objects.get(market__code="SN")


def test_anonymous_is_sent_to_log_in(demo: None) -> None:
    response = Client().get("/activities/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_login_page_is_chinese_by_default(demo: None) -> None:
    response = Client().get("/login/")
    assert response.status_code == 200
    assert 'lang="zh-hans"' in response.content.decode()


def test_list_shows_only_own_market_to_market_people(demo: None) -> None:
    body = client_for("sn_staff1").get("/activities/").content.decode()
    assert "西安“健康中老年”大型义诊讲座" in body
    assert "郑州社区健康行路演" not in body
    assert 'name="market"' not in body  # no market filter for a market's people


def test_hq_list_filters_by_market_and_status(demo: None) -> None:
    client = client_for("hq_manager")
    body = client.get("/activities/", {"market": "HA"}).content.decode()
    assert "郑州社区健康行路演" in body
    assert "西安“健康中老年”大型义诊讲座" not in body
    body = client.get("/activities/", {"status": "approved"}).content.decode()
    assert 'data-testid="activity-list-empty"' in body


def test_htmx_filter_returns_only_the_results(demo: None) -> None:
    response = client_for("hq_manager").get(
        "/activities/", {"market": "SC"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert "<html" not in body
    assert "成都心脑血管健康大讲堂" in body


def test_market_head_creates_a_draft_from_the_form(demo: None) -> None:
    response = client_for("sn_head").post("/activities/new/", form_data())
    assert response.status_code == 302
    activity = Activity.objects.get(title="咸阳社区义诊")
    assert response["Location"] == f"/activities/{activity.pk}/"
    assert activity.market.code == "SN"
    assert activity.status == "draft"
    assert activity.budget_total == Decimal("1250.25")
    assert activity.sections == {"background": "背景"}
    assert activity.target_attendance == 800
    assert AuditEntry.objects.filter(activity_id=activity.pk, action="create").exists()


def test_form_errors_are_shown_beside_the_budget_line_and_nothing_is_saved(demo: None) -> None:
    before = Activity.objects.count()
    response = client_for("sn_head").post(
        "/activities/new/", form_data(budget_amount=["1000", "-3", ""])
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "不能为负" in body or "Must not be negative" in body
    assert 'value="-3"' in body  # what the user typed stays
    assert Activity.objects.count() == before


def test_end_before_start_is_refused_on_the_form(demo: None) -> None:
    start = date(2030, 5, 10)
    response = client_for("sn_head").post(
        "/activities/new/",
        form_data(start_date=start.isoformat(), end_date=(start - timedelta(days=1)).isoformat()),
    )
    assert response.status_code == 200
    assert Activity.objects.filter(title="咸阳社区义诊").count() == 0


@pytest.mark.parametrize("username", ["hq_manager", "planning_reviewer", "sn_xa_head", "sn_staff1"])
def test_only_market_heads_may_open_the_new_proposal_page(demo: None, username: str) -> None:
    assert client_for(username).get("/activities/new/").status_code == 403


def test_other_market_gets_404_on_detail_and_edit(demo: None) -> None:
    activity = sn_draft()
    client = client_for("ha_head")
    assert client.get(f"/activities/{activity.pk}/").status_code == 404
    assert client.get(f"/activities/{activity.pk}/edit/").status_code == 404
    assert client.post(f"/activities/{activity.pk}/cancel/").status_code == 404
    activity.refresh_from_db()
    assert activity.status == "draft"


def test_market_staff_sees_the_detail_but_not_the_edit(demo: None) -> None:
    activity = sn_draft()
    client = client_for("sn_staff1")
    body = client.get(f"/activities/{activity.pk}/").content.decode()
    assert activity.title in body
    assert 'data-testid="edit-activity"' not in body
    assert client.get(f"/activities/{activity.pk}/edit/").status_code == 403


def test_edit_round_trip_bumps_revision_and_shows_in_history(demo: None) -> None:
    activity = sn_draft()
    client = client_for("sn_head")
    page = client.get(f"/activities/{activity.pk}/edit/").content.decode()
    assert f'value="{activity.revision}"' in page
    response = client.post(
        f"/activities/{activity.pk}/edit/",
        form_data(title="西安大型义诊讲座(修订)", revision=str(activity.revision)),
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.title == "西安大型义诊讲座(修订)"
    assert activity.revision == 2
    detail = client.get(f"/activities/{activity.pk}/").content.decode()
    assert 'data-testid="history"' in detail
    assert "title" in detail


def test_stale_edit_is_refused_with_a_message(demo: None) -> None:
    activity = sn_draft()
    client = client_for("sn_head")
    client.post(f"/activities/{activity.pk}/edit/", form_data(revision="1", title="第一次"))
    response = client.post(
        f"/activities/{activity.pk}/edit/", form_data(revision="1", title="第二次")
    )
    assert response.status_code == 200
    assert 'data-testid="form-errors"' in response.content.decode()
    activity.refresh_from_db()
    assert activity.title == "第一次"


def test_cancel_from_the_detail_page(demo: None) -> None:
    activity = sn_draft()
    response = client_for("hq_manager").post(
        f"/activities/{activity.pk}/cancel/", {"reason": "市场调整"}
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.status == "cancelled"
    entry = AuditEntry.objects.get(activity_id=activity.pk, action="cancel")
    assert entry.note == "市场调整"


def test_budget_line_partial_is_a_row(demo: None) -> None:
    body = client_for("sn_head").get("/activities/budget-line/").content.decode()
    assert body.strip().startswith("<tr data-budget-row>")
    assert 'name="budget_amount"' in body


def test_language_switch_to_english(demo: None) -> None:
    client = client_for("sn_head")
    client.post("/i18n/setlang/", {"language": "en", "next": "/activities/"})
    body = client.get("/activities/").content.decode()
    assert 'lang="en"' in body
    assert "New proposal" in body


def _add_activities(n: int) -> None:
    template = Activity.objects.first().template  # type: ignore[union-attr]
    sn = Activity.objects.get(market__code="SN")
    for i in range(n):
        activity = Activity.objects.create(
            market=sn.market,
            template=template,
            title=f"批量活动{i}",
            start_date=date(2031, 1, 1) + timedelta(days=i),
            end_date=date(2031, 1, 2) + timedelta(days=i),
            created_by=sn.created_by,
        )
        BudgetLine.objects.bulk_create(
            BudgetLine(
                activity=activity,
                position=p,
                category="venue",
                item=f"项{p}",
                amount=Decimal("10.00"),
            )
            for p in range(3)
        )


def test_list_page_queries_do_not_grow_with_data(
    demo: None,
    django_assert_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    client = client_for("hq_manager")
    # session; user with profile, market, office and department (header and policies);
    # unread notifications and delegations acted on (header); count; markets for the filter;
    # page of activities with market, creator and template; budget lines of the page.
    with django_assert_num_queries(8) as small:
        client.get("/activities/")
    _add_activities(30)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get("/activities/")
    assert "批量活动29" in response.content.decode()
