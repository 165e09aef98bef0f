"""POST/GET/DELETE /notification-targets and GET /notification-targets/{id}/deliveries: HQ
configures the group bots and reads each one's delivery log; nobody else may."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import TestCase

from campaigndesk.activities.models import Activity
from campaigndesk.core.models import AuditEntry
from campaigndesk.notifications import services
from campaigndesk.notifications.models import Delivery, Kind, NotificationTarget
from campaigndesk.notifications.tasks import deliver
from campaigndesk.notifications.tests.test_webhooks import WebhookServer, closed_port

DINGTALK = {
    "kind": "dingtalk",
    "url": "https://oapi.dingtalk.com/robot/send?access_token=abc",
    "secret": "SECabc",
    "market": "SN",
    "notification_kinds": ["decision", "reminder"],
    "name": "陕西市场群",
}


def ok(response, status: int = 200) -> Any:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.content
    return response.json()


def error_of(response, status: int, code: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["code"] == code, error
    return error  # type: ignore[no-any-return]


@pytest.mark.parametrize("username", ["hq_manager", "admin"])
def test_hq_adds_a_group_bot(api, username: str) -> None:
    body = ok(api(username).post("/notification-targets", DINGTALK), 201)

    assert body == {
        "id": body["id"],
        "kind": "dingtalk",
        "name": "陕西市场群",
        "url": DINGTALK["url"],
        "has_secret": True,
        "market": "SN",
        "notification_kinds": ["decision", "reminder"],
        "active": True,
    }
    saved = NotificationTarget.objects.get(pk=body["id"])
    assert (saved.secret, saved.market.code, saved.created_by.username) == (
        "SECabc",
        "SN",
        username,
    )
    assert AuditEntry.objects.filter(action="target_create", actor__username=username).exists()


def test_the_secret_is_never_given_back(api) -> None:
    client = api("hq_manager")
    ok(client.post("/notification-targets", DINGTALK), 201)

    listed = ok(client.get("/notification-targets"))
    assert "SECabc" not in str(listed)
    assert listed[0]["has_secret"] is True


def test_a_bot_for_hq_has_no_market(api) -> None:
    body = ok(
        api("hq_manager").post(
            "/notification-targets",
            {
                "kind": "wecom",
                "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=hq",
                "market": None,
                "notification_kinds": ["review_requested"],
            },
        ),
        201,
    )

    assert (body["market"], body["has_secret"], body["name"]) == (None, False, "")
    assert NotificationTarget.objects.get(pk=body["id"]).market is None


@pytest.mark.parametrize(
    "username", ["sn_head", "sn_staff1", "planning_reviewer", "finance_reviewer", "expert_zhang"]
)
def test_nobody_else_configures_bots(api, user, username: str) -> None:
    client = api(username)
    target = services.target_create(by=user("hq_manager"), **DINGTALK)  # type: ignore[arg-type]

    error_of(client.post("/notification-targets", DINGTALK), 403, "forbidden")
    error_of(client.get("/notification-targets"), 403, "forbidden")
    error_of(client.delete(f"/notification-targets/{target.pk}"), 403, "forbidden")
    error_of(client.get(f"/notification-targets/{target.pk}/deliveries"), 403, "forbidden")
    assert list(NotificationTarget.objects.values_list("pk", flat=True)) == [target.pk]


def test_anonymous_is_401(api) -> None:
    error_of(api().get("/notification-targets"), 401, "not_authenticated")
    error_of(api().post("/notification-targets", DINGTALK), 401, "not_authenticated")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "slack"}, "kind"),
        ({"kind": ""}, "kind"),
        ({"url": "ftp://example.com/hook"}, "url"),
        ({"url": "javascript:alert(1)"}, "url"),
        ({"url": "oapi.dingtalk.com/robot/send"}, "url"),
        ({"url": "https://"}, "url"),
        ({"url": "https://example.com/" + "a" * 500}, "url"),
        ({"market": "XX"}, "market"),
        ({"notification_kinds": []}, "notification_kinds"),
        ({"notification_kinds": ["decision", "birthday"]}, "notification_kinds"),
        ({"kind": "wecom", "secret": "not-for-wecom"}, "secret"),
        ({"secret": "s" * 201}, "secret"),
    ],
    ids=[
        "unknown-kind",
        "empty-kind",
        "ftp-url",
        "javascript-url",
        "no-scheme",
        "no-host",
        "url-too-long",
        "unknown-market",
        "no-kinds",
        "unknown-kind-of-notification",
        "secret-on-wecom",
        "secret-too-long",
    ],
)
def test_a_bad_bot_is_refused_field_by_field(api, change: dict[str, Any], field: str) -> None:
    error = error_of(
        api("hq_manager").post("/notification-targets", {**DINGTALK, **change}),
        422,
        "validation_error",
    )

    assert list(error["details"]["fields"]) == [field]
    assert error["details"]["fields"][field]
    assert not NotificationTarget.objects.exists()


def test_every_wrong_field_is_named_at_once(api) -> None:
    error = error_of(
        api("hq_manager").post(
            "/notification-targets",
            {"kind": "slack", "url": "mailto:x@y.z", "market": "XX", "notification_kinds": []},
        ),
        422,
        "validation_error",
    )

    assert set(error["details"]["fields"]) == {"kind", "url", "market", "notification_kinds"}


def test_a_missing_field_is_422(api) -> None:
    body = {k: v for k, v in DINGTALK.items() if k != "url"}
    error_of(api("hq_manager").post("/notification-targets", body), 422, "validation_error")


def test_the_list_shows_every_bot_in_order(api) -> None:
    client = api("hq_manager")
    first = ok(client.post("/notification-targets", DINGTALK), 201)
    second = ok(
        client.post(
            "/notification-targets",
            {
                "kind": "feishu",
                "url": "https://open.feishu.cn/open-apis/bot/v2/hook/x",
                "market": "HA",
                "notification_kinds": ["lessons_sent"],
            },
        ),
        201,
    )

    listed = ok(api("admin").get("/notification-targets"))

    assert [(t["id"], t["kind"], t["market"]) for t in listed] == [
        (first["id"], "dingtalk", "SN"),
        (second["id"], "feishu", "HA"),
    ]


def test_delete_then_404(api) -> None:
    client = api("hq_manager")
    target = ok(client.post("/notification-targets", DINGTALK), 201)

    assert client.delete(f"/notification-targets/{target['id']}").status_code == 204

    assert ok(client.get("/notification-targets")) == []
    error_of(client.delete(f"/notification-targets/{target['id']}"), 404, "not_found")
    error_of(client.get(f"/notification-targets/{target['id']}/deliveries"), 404, "not_found")
    assert AuditEntry.objects.filter(action="target_delete").count() == 1


def test_the_delivery_log_shows_each_attempts_outcome(api, settings) -> None:
    settings.WEBHOOK_TIMEOUT = 0.5
    client = api("hq_manager")
    activity = Activity.objects.get(market__code="SN")
    with WebhookServer() as bot:
        live = ok(
            client.post(
                "/notification-targets",
                {**DINGTALK, "url": bot.url("/robot/send?access_token=t")},
            ),
            201,
        )
        dead = ok(
            client.post(
                "/notification-targets",
                {**DINGTALK, "url": f"http://127.0.0.1:{closed_port()}/robot/send"},
            ),
            201,
        )
        for kind in (Kind.DECISION, Kind.REMINDER):
            with TestCase.captureOnCommitCallbacks(execute=True):
                services.notify_activity(activity=activity, recipients=[], kind=kind)
        for delivery in Delivery.objects.filter(notification_kind="decision"):
            with TestCase.captureOnCommitCallbacks(execute=True):
                deliver.call(delivery.pk)

    log = ok(client.get(f"/notification-targets/{live['id']}/deliveries"))
    assert [{k: v for k, v in row.items() if k != "at"} for row in log] == [
        {"notification_kind": "reminder", "status": "queued", "attempts": 0, "response_code": None},
        {"notification_kind": "decision", "status": "sent", "attempts": 1, "response_code": 200},
    ]
    assert all(row["at"].endswith("+08:00") for row in log)
    dead_log = ok(client.get(f"/notification-targets/{dead['id']}/deliveries"))
    assert [
        (r["notification_kind"], r["status"], r["attempts"], r["response_code"]) for r in dead_log
    ] == [
        ("reminder", "queued", 0, None),
        ("decision", "retrying", 1, None),
    ]


def test_an_unknown_target_has_no_log(api) -> None:
    error_of(api("hq_manager").get("/notification-targets/99999/deliveries"), 404, "not_found")


def test_the_list_and_the_log_do_not_grow_their_queries_with_the_data(
    api, user, django_assert_max_num_queries
) -> None:
    client = api("hq_manager")
    activity = Activity.objects.get(market__code="SN")

    def add(n: int) -> int:
        target = None
        for i in range(n):
            target = services.target_create(
                by=user("hq_manager"),
                kind="wecom",
                url=f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={i}",
                market="SN",
                notification_kinds=["decision"],
            )
            Delivery.objects.bulk_create(
                Delivery(target=target, notification_kind="decision", subject=activity.title)
                for _ in range(n)
            )
        assert target is not None
        return target.pk

    one = add(1)
    # the token (joined with its user and profile), the targets (joined with their market)
    with django_assert_max_num_queries(2) as few:
        ok(client.get("/notification-targets"))
    # the token, the target, its deliveries
    with django_assert_max_num_queries(3) as few_log:
        ok(client.get(f"/notification-targets/{one}/deliveries"))
    many = add(6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(ok(client.get("/notification-targets"))) == 7
    with django_assert_max_num_queries(len(few_log.captured_queries)):
        assert len(ok(client.get(f"/notification-targets/{many}/deliveries"))) == 6
