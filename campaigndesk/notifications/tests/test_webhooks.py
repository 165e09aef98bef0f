"""Group bots: the exact JSON WeCom, DingTalk and Feishu receive at a real HTTP server on
127.0.0.1, DingTalk's and Feishu's signatures, and what each answer (or silence) makes of the
delivery: sent, retried later with backoff, or failed after the last attempt."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote_plus, urlsplit

import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from campaigndesk.activities.models import Activity
from campaigndesk.notifications import services
from campaigndesk.notifications.models import (
    Delivery,
    DeliveryStatus,
    Kind,
    NotificationTarget,
)
from campaigndesk.notifications.tasks import deliver

DELIVER = "campaigndesk.notifications.tasks.deliver"
BASE_URL = "https://campaigndesk.example.com"


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))

    @property
    def query(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.path).query)


class WebhookServer:
    """A real HTTP server on 127.0.0.1 (a free port) in a thread: records every POST and answers
    `status` with the JSON `answer`, or, with `hang`, answers nothing until it is stopped."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.status = 200
        self.answer: Any = {"errcode": 0, "errmsg": "ok"}
        self.hang = False
        self._release = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                server.received.append(Received(self.path, dict(self.headers.items()), body))
                if server.hang:
                    server._release.wait(10)
                    return
                payload = json.dumps(server.answer).encode()
                self.send_response(server.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        # A client that gave up on a hanging answer leaves a broken pipe: not worth a traceback.
        self.httpd.handle_error = lambda request, client_address: None  # type: ignore[method-assign]
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> WebhookServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._release.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(5)


def closed_port() -> int:
    """A port on 127.0.0.1 nobody listens on: connecting is refused at once."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def queue(activity: Activity, kind: Kind = Kind.DECISION, recipients: Any = ()) -> list[Delivery]:
    """What a transition does: `notify_activity`, committed; returns the deliveries it made."""
    before = set(Delivery.objects.values_list("pk", flat=True))
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.notify_activity(activity=activity, recipients=recipients, kind=kind)
    return list(Delivery.objects.exclude(pk__in=before).order_by("pk"))


def send(delivery: Delivery) -> str:
    """One run of the `deliver` task, as the worker runs it (its retry is queued on commit)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return str(deliver.call(delivery.pk))


def retries_of(delivery: Delivery) -> list[DBTaskResult]:
    """The `deliver` tasks queued for later (a retry), oldest first."""
    return [
        row
        for row in DBTaskResult.objects.filter(
            task_path=DELIVER, run_after__lt=get_date_max()
        ).order_by("enqueued_at")
        if row.args_kwargs["args"] == [delivery.pk]
    ]


@pytest.fixture
def bot():  # type: ignore[no-untyped-def]
    with WebhookServer() as server:
        yield server


@pytest.fixture
def sn_activity(demo: None, settings) -> Activity:  # type: ignore[no-untyped-def]
    settings.BASE_URL = BASE_URL
    return Activity.objects.get(market__code="SN")


def add_target(user, kind: str, url: str, *, secret: str = "", market: str | None = "SN"):  # type: ignore[no-untyped-def]
    return services.target_create(
        by=user("hq_manager"),
        kind=kind,
        url=url,
        secret=secret,
        market=market,
        notification_kinds=["decision"],
    )


def test_wecom_receives_a_markdown_message(bot, user, sn_activity) -> None:
    add_target(user, "wecom", bot.url("/cgi-bin/webhook/send?key=k-123"))
    [delivery] = queue(sn_activity)

    assert send(delivery) == "sent"

    [message] = bot.received
    assert message.path == "/cgi-bin/webhook/send?key=k-123"
    assert message.headers["Content-Type"].startswith("application/json")
    link = BASE_URL + reverse("activities:detail", args=[sn_activity.pk])
    assert message.json == {
        "msgtype": "markdown",
        "markdown": {"content": f"**批复：{sn_activity.title}**\n[查看]({link})"},
    }


def test_dingtalk_receives_markdown_and_a_verifiable_signature(bot, user, sn_activity) -> None:
    secret = "SEC0123456789abcdef+/="
    add_target(user, "dingtalk", bot.url("/robot/send?access_token=tok"), secret=secret)
    [delivery] = queue(sn_activity)
    before_ms = int(time.time() * 1000)

    assert send(delivery) == "sent"

    [message] = bot.received
    link = BASE_URL + reverse("activities:detail", args=[sn_activity.pk])
    title = f"批复：{sn_activity.title}"
    assert message.json == {
        "msgtype": "markdown",
        "markdown": {"title": title, "text": f"#### {title}\n\n[查看]({link})"},
    }
    query = message.query
    assert urlsplit(message.path).path == "/robot/send"
    assert query["access_token"] == ["tok"]
    [timestamp] = query["timestamp"]
    assert before_ms - 1000 <= int(timestamp) <= int(time.time() * 1000) + 1000
    expected = base64.b64encode(
        hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    ).decode()
    assert query["sign"] == [expected]
    # URL-encoded: "+", "/" and "=" of the base64 do not travel raw.
    assert f"&sign={quote_plus(expected)}" in message.path


def test_dingtalk_without_a_secret_is_not_signed(bot, user, sn_activity) -> None:
    add_target(user, "dingtalk", bot.url("/robot/send?access_token=tok"))
    [delivery] = queue(sn_activity)

    assert send(delivery) == "sent"

    [message] = bot.received
    assert message.query == {"access_token": ["tok"]}
    assert message.json["msgtype"] == "markdown"


def test_feishu_receives_a_post_message(bot, user, sn_activity) -> None:
    bot.answer = {"code": 0, "msg": "success", "data": {}}
    add_target(user, "feishu", bot.url("/open-apis/bot/v2/hook/abc"))
    [delivery] = queue(sn_activity)

    assert send(delivery) == "sent"

    [message] = bot.received
    link = BASE_URL + reverse("activities:detail", args=[sn_activity.pk])
    title = f"批复：{sn_activity.title}"
    assert message.path == "/open-apis/bot/v2/hook/abc"
    assert message.json == {
        "msg_type": "post",
        "content": {
            "post": {
                "zh_cn": {
                    "title": title,
                    "content": [
                        [
                            {"tag": "text", "text": f"{title}\n"},
                            {"tag": "a", "text": "查看", "href": link},
                        ]
                    ],
                }
            }
        },
    }


def test_feishu_with_a_secret_carries_a_verifiable_signature(bot, user, sn_activity) -> None:
    secret = "feishu-secret"
    bot.answer = {"code": 0, "msg": "success", "data": {}}
    add_target(user, "feishu", bot.url("/open-apis/bot/v2/hook/abc"), secret=secret)
    [delivery] = queue(sn_activity)
    before = int(time.time())

    assert send(delivery) == "sent"

    body = bot.received[0].json
    timestamp = body["timestamp"]
    assert isinstance(timestamp, str)
    assert before - 1 <= int(timestamp) <= int(time.time()) + 1
    expected = base64.b64encode(
        hmac.new(f"{timestamp}\n{secret}".encode(), b"", hashlib.sha256).digest()
    ).decode()
    assert body["sign"] == expected
    assert body["msg_type"] == "post"
    assert body["content"]["post"]["zh_cn"]["title"] == f"批复：{sn_activity.title}"


@pytest.mark.parametrize(
    ("kind", "label"),
    [
        (Kind.REVIEW_REQUESTED, "待审核"),
        (Kind.MATERIAL_OVERDUE, "物料逾期"),
        (Kind.REMINDER, "提醒"),
    ],
    ids=["review_requested", "material_overdue", "reminder"],
)
def test_the_message_names_the_kind_and_links_to_the_place_to_act(
    bot, user, sn_activity, kind: Kind, label: str
) -> None:
    services.target_create(
        by=user("hq_manager"),
        kind="wecom",
        url=bot.url(),
        market="SN",
        notification_kinds=[kind.value],
    )
    before = set(Delivery.objects.values_list("pk", flat=True))
    place = reverse("reviews:opinion", args=[sn_activity.pk])
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.notify_activity(activity=sn_activity, recipients=[], kind=kind, url=place)
    [delivery] = Delivery.objects.exclude(pk__in=before)

    assert send(delivery) == "sent"

    content = bot.received[0].json["markdown"]["content"]
    assert content == f"**{label}：{sn_activity.title}**\n[查看]({BASE_URL}{place})"


def test_a_200_with_errcode_0_is_sent(bot, user, sn_activity) -> None:
    add_target(user, "wecom", bot.url())
    [delivery] = queue(sn_activity)

    assert send(delivery) == "sent"

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("sent", 1, 200)
    assert delivery.last_error == ""
    assert retries_of(delivery) == []


def test_each_delivery_is_queued_as_a_deliver_task(bot, user, sn_activity) -> None:
    add_target(user, "wecom", bot.url())
    add_target(user, "dingtalk", bot.url("/d"), market=None)

    deliveries = queue(sn_activity)

    assert len(deliveries) == 2
    assert all(d.status == DeliveryStatus.QUEUED and d.attempts == 0 for d in deliveries)
    queued = DBTaskResult.objects.filter(task_path=DELIVER).ready()
    assert sorted(row.args_kwargs["args"][0] for row in queued) == [d.pk for d in deliveries]
    assert bot.received == []  # nothing is sent inside the request: the worker sends


FAILURES = ["http_500", "errcode_310000", "feishu_code", "refused", "hangs"]


@pytest.mark.parametrize("failure", FAILURES)
def test_a_failed_attempt_is_retried_later(bot, user, sn_activity, settings, failure: str) -> None:
    settings.WEBHOOK_TIMEOUT = 0.5
    url = bot.url()
    if failure == "http_500":
        bot.status, bot.answer = 500, {"error": "internal"}
    elif failure == "errcode_310000":
        bot.answer = {"errcode": 310000, "errmsg": "sign not match"}
    elif failure == "feishu_code":
        bot.answer = {"code": 19021, "msg": "sign match fail or timestamp is not within one hour"}
    elif failure == "refused":
        url = f"http://127.0.0.1:{closed_port()}/hook"
    else:
        bot.hang = True
    add_target(user, "dingtalk", url)
    [delivery] = queue(sn_activity)
    started = time.monotonic()

    assert send(delivery) == "retrying"

    assert time.monotonic() - started < 3  # a hanging bot costs WEBHOOK_TIMEOUT, no more
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("retrying", 1)
    assert (
        delivery.response_code
        == {
            "http_500": 500,
            "errcode_310000": 200,
            "feishu_code": 200,
            "refused": None,
            "hangs": None,
        }[failure]
    )
    assert delivery.last_error
    if failure == "errcode_310000":
        assert "310000" in delivery.last_error
    [retry] = retries_of(delivery)
    assert retry.status == "READY"
    assert retry.run_after > timezone.now()
    assert len(bot.received) == (0 if failure == "refused" else 1)


def test_retries_back_off_and_the_last_attempt_fails(bot, user, sn_activity, settings) -> None:
    settings.DELIVERY_MAX_ATTEMPTS = 3
    bot.status, bot.answer = 500, {}
    add_target(user, "wecom", bot.url())
    [delivery] = queue(sn_activity)

    outcomes = [send(delivery) for _ in range(3)]

    assert outcomes == ["retrying", "retrying", "failed"]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("failed", 3, 500)
    assert len(bot.received) == 3
    retries = retries_of(delivery)
    assert len(retries) == 2  # none after the last attempt
    waits = [(r.run_after - r.enqueued_at).total_seconds() for r in retries]
    assert 25 <= waits[0] <= 35
    assert 55 <= waits[1] <= 65

    # A failed delivery is not sent again, whatever still runs its task.
    assert send(delivery) == "skipped"
    assert len(bot.received) == 3


def test_a_retry_that_succeeds_is_sent(bot, user, sn_activity) -> None:
    bot.status = 502
    add_target(user, "feishu", bot.url())
    [delivery] = queue(sn_activity)
    assert send(delivery) == "retrying"

    bot.status, bot.answer = 200, {"StatusCode": 0, "StatusMessage": "success"}
    assert send(delivery) == "sent"

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("sent", 2, 200)
    assert delivery.last_error == ""
    assert len(retries_of(delivery)) == 1
    assert send(delivery) == "skipped"
    assert len(bot.received) == 2


def test_an_inactive_target_fails_without_a_request(bot, user, sn_activity) -> None:
    target = add_target(user, "wecom", bot.url())
    [delivery] = queue(sn_activity)
    NotificationTarget.objects.filter(pk=target.pk).update(active=False)

    assert send(delivery) == "failed"

    delivery.refresh_from_db()
    assert delivery.status == "failed"
    assert delivery.attempts == 0
    assert bot.received == []
    assert retries_of(delivery) == []
    # And no new message is queued for it.
    assert queue(sn_activity) == []
