"""GET /search as the contract has it: `{items: [{type, id, activity_id, title, snippet}],
count}`, only what the caller may see, 20 a page, a fixed number of queries."""

from __future__ import annotations

from datetime import date

from campaigndesk.briefings import services as briefing_services
from campaigndesk.conftest import approved_activity
from campaigndesk.search.tests.conftest import reports


def ok(response):  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content
    return response.json()


def test_hits_have_the_contracts_shape(api, user) -> None:
    activity = approved_activity(title="西安健康大讲堂")
    (report,) = reports(activity, ["竞品在门口发放<script>赠品</script>"])
    body = ok(api("sn_head").get("/search", {"q": "竞品赠品"}))
    assert body == {
        "items": [
            {
                "type": "daily_report",
                "id": report.pk,
                "activity_id": activity.pk,
                "title": f"西安健康大讲堂 · {report.date:%Y-%m-%d}",
                "snippet": "<mark>竞品</mark>在门口发放&lt;script&gt;<mark>赠品</mark>"
                "&lt;/script&gt;",
            }
        ],
        "count": 1,
        "page": 1,
        "page_size": 20,
    }


def test_a_briefing_hit_has_no_activity(api, user) -> None:
    briefing = briefing_services.briefing_compile(
        by=user("hq_manager"),
        period_start=date(2025, 3, 1),
        period_end=date(2025, 3, 31),
        title="三月简报",
    )
    briefing_services.briefing_update(
        briefing_id=briefing.pk, by=user("hq_manager"), data={"intro": "本期回顾三月的义诊。"}
    )
    briefing_services.briefing_publish(briefing_id=briefing.pk, by=user("hq_manager"))
    (item,) = ok(api("ha_head").get("/search", {"q": "三月简报"}))["items"]
    # The title is searched too, and shown as it is; the snippet comes from the text.
    assert item == {
        "type": "briefing",
        "id": briefing.pk,
        "activity_id": None,
        "title": "三月简报",
        "snippet": "本期回顾<mark>三月</mark>的义诊。",
    }


def test_another_markets_hits_are_left_out_of_items_and_count(api) -> None:
    activity = approved_activity(title="秦岭健康行")
    reports(activity, ["秦岭竞品"])
    assert ok(api("sn_head").get("/search", {"q": "秦岭"}))["count"] == 2
    assert ok(api("ha_head").get("/search", {"q": "秦岭"})) == {
        "items": [],
        "count": 0,
        "page": 1,
        "page_size": 20,
    }


def test_without_a_token_it_is_401(api) -> None:
    response = api().get("/search", {"q": "义诊"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_an_empty_query_is_refused_with_the_field_named(api) -> None:
    client = api("sn_head")
    for params in ({}, {"q": ""}, {"q": "   "}, {"q": "词" * 201}):
        response = client.get("/search", params)
        assert response.status_code == 422, params
        error = response.json()["error"]
        assert error["code"] == "validation_error"
        assert set(error["details"]["fields"]) == {"q"}, params
    response = client.get("/search", {"q": "义诊", "page": 0})
    assert response.status_code == 422
    assert set(response.json()["error"]["details"]["fields"]) == {"page"}


def test_a_query_of_punctuation_only_finds_nothing(api) -> None:
    assert ok(api("sn_head").get("/search", {"q": "!?。"}))["items"] == []


def test_hits_come_twenty_a_page(api) -> None:
    activity = approved_activity(title="分页活动")
    written = reports(activity, [f"竞品赠品第{n}天" for n in range(25)])
    client = api("sn_head")
    first = ok(client.get("/search", {"q": "竞品赠品"}))
    second = ok(client.get("/search", {"q": "竞品赠品", "page": 2}))
    third = ok(client.get("/search", {"q": "竞品赠品", "page": 3}))
    assert (first["count"], second["count"], third["count"]) == (25, 25, 25)
    assert (len(first["items"]), len(second["items"]), third["items"]) == (20, 5, [])
    ids = [item["id"] for item in first["items"] + second["items"]]
    assert sorted(ids) == sorted(r.pk for r in written)


def test_the_query_count_does_not_grow_with_the_hits(api, django_assert_num_queries) -> None:
    client = api("sn_head")
    activity = approved_activity(title="查询计数")
    reports(activity, ["竞品赠品"] * 3)
    # token with its user and profile; the count; the page
    with django_assert_num_queries(3):
        assert ok(client.get("/search", {"q": "竞品赠品"}))["count"] == 3
    other = approved_activity(title="更多", days=60)
    reports(other, ["竞品赠品"] * 30)
    with django_assert_num_queries(3):
        assert len(ok(client.get("/search", {"q": "竞品赠品"}))["items"]) == 20
