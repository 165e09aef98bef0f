"""The pages: the unread badge in the header (refreshed by htmx from /inbox/badge/), the inbox,
the e-mail settings page, and HQ's group-bot page with each bot's delivery log."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from campaigndesk.activities.models import Activity
from campaigndesk.notifications import services
from campaigndesk.notifications.models import (
    Delivery,
    Kind,
    Notification,
    NotificationSettings,
    NotificationTarget,
)

BADGE = re.compile(r'data-testid="unread-count">(\d+)<')


@pytest.fixture
def login(client, user):  # type: ignore[no-untyped-def]
    def as_(username: str):  # type: ignore[no-untyped-def]
        client.force_login(user(username))
        return client

    return as_


def html_of(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.status_code
    return response.content.decode()  # type: ignore[no-any-return]


def unread(recipient, n: int, *, read: int = 0) -> list[Notification]:  # type: ignore[no-untyped-def]
    now = timezone.now()
    return [
        Notification.objects.create(
            recipient=recipient,
            kind="decision",
            subject=f"活动 {i}",
            url="/activities/",
            created_at=now - timedelta(minutes=i),
            read_at=now if i < read else None,
        )
        for i in range(n + read)
    ]


# --- The badge ----------------------------------------------------------------------------------


def test_the_badge_shows_the_unread_count(login, user) -> None:
    unread(user("sn_head"), 3, read=2)
    unread(user("ha_head"), 5)

    html = html_of(login("sn_head").get("/inbox/badge/"))

    assert BADGE.findall(html) == ["3"]
    assert "<html" not in html  # a fragment for htmx to swap in


def test_no_unread_no_badge(login, user) -> None:
    unread(user("sn_head"), 0, read=2)

    assert BADGE.findall(html_of(login("sn_head").get("/inbox/badge/"))) == []


def test_the_header_polls_the_badge_with_htmx(login, user) -> None:
    unread(user("sn_head"), 2)

    html = html_of(login("sn_head").get(reverse("activities:list")))

    polled = re.search(
        r'<span hx-get="/inbox/badge/"[^>]*hx-trigger="every \d+s"[^>]*>(.*?)</span></a>',
        html,
        re.S,
    )
    assert polled, "the header has no badge polled by htmx"
    assert BADGE.findall(polled.group(1)) == ["2"]


def test_the_badge_goes_down_as_notifications_are_opened(login, user) -> None:
    first, _second = unread(user("sn_head"), 2)
    client = login("sn_head")

    response = client.post(reverse("notifications:open", args=[first.pk]))

    assert response.status_code == 302
    assert response["Location"] == "/activities/"
    assert BADGE.findall(html_of(client.get("/inbox/badge/"))) == ["1"]
    client.post(reverse("notifications:read_all"))
    assert BADGE.findall(html_of(client.get("/inbox/badge/"))) == []


def test_someone_elses_notification_does_not_open(login, user) -> None:
    [theirs] = unread(user("ha_head"), 1)

    response = login("sn_head").post(reverse("notifications:open", args=[theirs.pk]))

    assert response["Location"] == reverse("notifications:inbox")
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_the_badge_needs_a_login(client, demo: None) -> None:
    response = client.get("/inbox/badge/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_inbox_page_does_not_grow_its_queries_with_the_notifications(
    login, user, django_assert_max_num_queries
) -> None:
    client = login("sn_head")
    unread(user("sn_head"), 2)
    # session, user, the page's count, the header's unread count, the header's "acting for"
    # departments, the page's rows
    with django_assert_max_num_queries(6) as few:
        html_of(client.get(reverse("notifications:inbox")))
    unread(user("sn_head"), 25)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = html_of(client.get(reverse("notifications:inbox")))
    assert html.count("活动 ") >= 27


# --- E-mail settings ----------------------------------------------------------------------------


def test_by_default_every_kind_is_ticked_in_chinese(login) -> None:
    html = html_of(login("sn_head").get(reverse("notifications:settings")))

    for kind in Kind.values:
        assert re.search(rf'value="{kind}" id="kind-{kind}" checked', html), kind
    assert '<option value="zh-hans" selected>' in html


def test_the_settings_page_saves_language_and_kinds(login, user) -> None:
    client = login("sn_head")

    response = client.post(
        reverse("notifications:settings"),
        {"language": "en", "email_kinds": ["decision", "reminder"]},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("notifications:settings")
    chosen = NotificationSettings.objects.get(user=user("sn_head"))
    assert (chosen.language, chosen.email_kinds) == ("en", ["decision", "reminder"])
    html = html_of(client.get(reverse("notifications:settings")))
    assert "设置已保存。" in html
    assert '<option value="en" selected>' in html
    ticked = re.findall(r'value="(\w+)" id="kind-\w+" checked', html)
    assert ticked == ["decision", "reminder"]

    # What was saved decides what is e-mailed.
    activity = Activity.objects.get(market__code="SN")
    for kind in (Kind.DECISION, Kind.LESSONS_SENT):
        with TestCase.captureOnCommitCallbacks(execute=True):
            services.notify_activity(activity=activity, recipients=[user("sn_head")], kind=kind)
    assert list(Delivery.objects.values_list("notification_kind", flat=True)) == ["decision"]


def test_unticking_everything_is_saved(login, user) -> None:
    client = login("sn_head")

    assert (
        client.post(reverse("notifications:settings"), {"language": "zh-hans"}).status_code == 302
    )

    chosen = NotificationSettings.objects.get(user=user("sn_head"))
    assert chosen.email_kinds == []
    html = html_of(client.get(reverse("notifications:settings")))
    assert re.findall(r'id="kind-\w+" checked', html) == []


def test_an_unknown_language_is_refused(login, user) -> None:
    html = html_of(
        login("sn_head").post(
            reverse("notifications:settings"), {"language": "fr", "email_kinds": ["decision"]}
        )
    )

    assert 'data-testid="settings-form"' in html
    assert not NotificationSettings.objects.filter(user=user("sn_head")).exists()


def test_a_person_without_email_is_told(login, user) -> None:
    head = user("sn_head")
    head.email = ""
    head.save(update_fields=["email"])

    html = html_of(login("sn_head").get(reverse("notifications:settings")))

    assert "alert-warning" in html


# --- Group bots ---------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["sn_head", "planning_reviewer", "sn_staff1"])
def test_the_bot_page_is_hq_only(login, username: str) -> None:
    client = login(username)

    assert client.get(reverse("notifications:targets")).status_code == 403
    response = client.post(
        reverse("notifications:targets"),
        {"kind": "wecom", "url": "https://example.com/hook", "notification_kinds": ["decision"]},
    )
    assert response.status_code == 403
    assert not NotificationTarget.objects.exists()


def test_hq_adds_a_bot_sees_its_delivery_log_and_removes_it(login) -> None:
    client = login("hq_manager")
    assert "暂无群机器人。" in html_of(client.get(reverse("notifications:targets")))

    response = client.post(
        reverse("notifications:targets"),
        {
            "kind": "dingtalk",
            "url": "https://oapi.dingtalk.com/robot/send?access_token=abc",
            "secret": "SECabc",
            "market": "SN",
            "name": "陕西市场群",
            "notification_kinds": ["decision", "reminder"],
        },
    )

    assert response.status_code == 302
    target = NotificationTarget.objects.get()
    assert (target.kind, target.market.code, target.secret) == ("dingtalk", "SN", "SECabc")
    assert target.notification_kinds == ["decision", "reminder"]
    Delivery.objects.create(
        target=target,
        notification_kind="decision",
        subject="宝鸡健康周",
        status="sent",
        attempts=1,
        response_code=200,
    )
    Delivery.objects.create(
        target=target,
        notification_kind="reminder",
        subject="宝鸡健康周",
        status="retrying",
        attempts=2,
        response_code=500,
        last_error="HTTP 500",
    )
    html = html_of(client.get(reverse("notifications:targets")))
    assert "群机器人已添加。" in html
    assert html.count('data-testid="target"') == 1
    assert "陕西市场群" in html and "钉钉自定义机器人" in html
    rows = re.findall(r"<tr>(.*?)</tr>", html)
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row)[1:] for row in rows]
    assert cells == [
        ["提醒", "重试中", "2", "500", "HTTP 500"],
        ["批复", "已发送", "1", "200", ""],
    ]

    response = client.post(reverse("notifications:targets"), {"delete": str(target.pk)})

    assert response.status_code == 302
    assert not NotificationTarget.objects.exists()
    html = html_of(client.get(reverse("notifications:targets")))
    assert "群机器人已删除。" in html
    assert "暂无群机器人。" in html


def test_a_bad_bot_is_shown_its_errors_and_kept_in_the_form(login) -> None:
    html = html_of(
        login("hq_manager").post(
            reverse("notifications:targets"),
            {"kind": "wecom", "url": "ftp://example.com/x", "name": "总部群", "market": ""},
        )
    )

    assert "请输入机器人的Webhook地址（http或https）。" in html
    assert 'value="ftp://example.com/x"' in html
    assert 'value="总部群"' in html
    assert not NotificationTarget.objects.exists()


def test_removing_an_unknown_bot_is_404(login) -> None:
    client = login("hq_manager")

    assert client.post(reverse("notifications:targets"), {"delete": "99999"}).status_code == 404
    assert client.post(reverse("notifications:targets"), {"delete": "x"}).status_code == 404


def test_the_bot_page_does_not_grow_its_queries_with_the_bots(
    login, user, django_assert_max_num_queries
) -> None:
    client = login("hq_manager")

    def add(n: int) -> None:
        for i in range(n):
            target = services.target_create(
                by=user("hq_manager"),
                kind="wecom",
                url=f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={i}",
                market=None,
                notification_kinds=["decision"],
            )
            Delivery.objects.create(target=target, notification_kind="decision", subject="x")

    add(1)
    # session, user, profile, header (unread count, "acting for" departments), the bots with
    # their market, the deliveries of each bot, the markets of the form
    with django_assert_max_num_queries(20) as few:
        html_of(client.get(reverse("notifications:targets")))
    add(5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html_of(client.get(reverse("notifications:targets")))
