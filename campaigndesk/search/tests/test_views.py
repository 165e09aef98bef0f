"""The search page behind the header's box: hits with their type, title, marked snippet and a
link to where they live; nothing of another market; a fixed number of queries."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from campaigndesk.briefings import services as briefing_services
from campaigndesk.conftest import approved_activity
from campaigndesk.search.tests.conftest import reports

URL = reverse("search:results")


@pytest.fixture
def login(client, user):  # type: ignore[no-untyped-def]
    def as_(username: str):  # type: ignore[no-untyped-def]
        client.force_login(user(username))
        return client

    return as_


def html_of(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    return response.content.decode()  # type: ignore[no-any-return]


def test_hits_show_type_title_marked_snippet_and_link(login, user) -> None:
    activity = approved_activity(title="西安健康大讲堂")
    (report,) = reports(activity, ["竞品在门口发放<script>alert(1)</script>赠品"])
    briefing = briefing_services.briefing_compile(
        by=user("hq_manager"),
        period_start=date(2025, 3, 1),
        period_end=date(2025, 3, 31),
        title="三月赠品简报",
    )
    html = html_of(login("hq_manager").get(URL, {"q": "赠品"}))
    assert html.count('data-testid="search-hit"') == 2
    assert 'data-type="daily_report"' in html and 'data-type="briefing"' in html
    assert f'href="{reverse("activities:detail", args=[activity.pk])}"' in html
    assert f'href="{reverse("briefings:detail", args=[briefing.pk])}"' in html
    assert f"西安健康大讲堂 · {report.date:%Y-%m-%d}" in html
    assert "三月<mark>赠品</mark>简报" in html  # titles are marked too
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<mark>赠品</mark>" in html
    assert "<script>alert" not in html
    assert 'value="赠品"' in html  # the query stays in the box


def test_the_page_is_in_chinese_and_english(login) -> None:
    activity = approved_activity(title="西安健康大讲堂")
    reports(activity, ["竞品赠品"])
    client = login("sn_head")
    html = html_of(client.get(URL, {"q": "赠品"}, HTTP_ACCEPT_LANGUAGE="en"))
    assert "Daily report" in html and "1 result" in html
    html = html_of(client.get(URL, {"q": "赠品"}, HTTP_ACCEPT_LANGUAGE="zh-hans"))
    assert '<html lang="zh-hans">' in html


def test_another_markets_hits_are_not_shown(login) -> None:
    activity = approved_activity(title="秦岭健康行")
    reports(activity, ["秦岭竞品"])
    html = html_of(login("ha_head").get(URL, {"q": "秦岭"}))
    assert 'data-testid="search-empty"' in html
    assert "秦岭竞品" not in html and "秦岭健康行" not in html


def test_without_a_query_the_page_asks_for_one(login) -> None:
    html = html_of(login("sn_head").get(URL, {"q": "  "}))
    assert 'data-testid="search-hit"' not in html and 'data-testid="search-empty"' not in html
    assert 'data-testid="search-input"' in html


def test_anonymous_visitors_are_sent_to_log_in(client, demo: None) -> None:
    response = client.get(URL, {"q": "义诊"})
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_hits_come_twenty_a_page_with_a_link_to_the_next(login) -> None:
    activity = approved_activity(title="分页活动")
    reports(activity, [f"竞品赠品第{n}天" for n in range(25)])
    client = login("sn_head")
    first = html_of(client.get(URL, {"q": "竞品赠品"}))
    assert first.count('data-testid="search-hit"') == 20
    assert "?q=%E7%AB%9E%E5%93%81%E8%B5%A0%E5%93%81&amp;page=2" in first
    second = html_of(client.get(URL, {"q": "竞品赠品", "page": "2"}))
    assert second.count('data-testid="search-hit"') == 5
    assert 'data-testid="search-next"' not in second
    assert html_of(client.get(URL, {"q": "竞品赠品", "page": "x"})).count("search-hit") == 20


def test_the_query_count_does_not_grow_with_the_hits(  # type: ignore[no-untyped-def]
    login, django_assert_num_queries
) -> None:
    client = login("sn_head")
    activity = approved_activity(title="查询计数")
    reports(activity, ["竞品赠品"] * 2)
    # session, user; the count, the page; the header: unread notifications, delegations
    with django_assert_num_queries(6):
        assert html_of(client.get(URL, {"q": "赠品"})).count('data-testid="search-hit"') == 2
    other = approved_activity(title="更多", days=60)
    reports(other, ["竞品赠品"] * 30)
    with django_assert_num_queries(6):
        assert html_of(client.get(URL, {"q": "赠品"})).count('data-testid="search-hit"') == 20
