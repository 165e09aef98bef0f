"""E-mail: each notification reaches, through a real SMTP server on 127.0.0.1 (aiosmtpd), the
people who want that kind, with the subject in their chosen language; an SMTP server that is
down makes the delivery retry."""

from __future__ import annotations

import email
import email.policy
import socket
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.test import TestCase
from django.urls import reverse

from campaigndesk.activities.models import Activity
from campaigndesk.notifications import services
from campaigndesk.notifications.models import Delivery, Kind, Notification
from campaigndesk.notifications.tasks import deliver

BASE_URL = "https://campaigndesk.example.com"

# What a Chinese reader sees for each kind; every kind has its own words.
ZH = {
    "review_requested": "待审核",
    "revision_requested": "待细化上报",
    "decision": "批复",
    "team_published": "协销组已公布",
    "material_overdue": "物料逾期",
    "lessons_sent": "备档附件已下发",
    "briefing_published": "简报已发布",
    "reminder": "提醒",
    "submitted": "活动方案已提交",
    "resubmitted": "活动方案已细化上报",
    "lead_time_exception": "已批准提前期例外",
    "budget_cap": "预算超出上限",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class MailServer:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 in a thread; keeps every message it accepts."""

    def __init__(self) -> None:
        self.received: list[tuple[Any, EmailMessage]] = []
        server = self

        class Handler:
            async def handle_DATA(self, smtp: Any, session: Any, envelope: Any) -> str:
                message = email.message_from_bytes(
                    envelope.original_content or envelope.content, policy=email.policy.default
                )
                server.received.append((envelope, message))
                return "250 Message accepted for delivery"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> MailServer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()

    def use(self, settings: Any) -> None:
        """Points Django's SMTP backend at this server."""
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = self.port
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = 5

    def subjects_to(self, address: str) -> list[str]:
        return [subject_of(m) for env, m in self.received if env.rcpt_tos == [address]]


def subject_of(message: EmailMessage) -> str:
    """The decoded subject. Python folds a long encoded subject onto the next line, which the
    parser reads back with a leading space (mail clients drop it): dropped here too."""
    return str(message["Subject"]).lstrip()


@pytest.fixture
def smtp(settings):  # type: ignore[no-untyped-def]
    settings.BASE_URL = BASE_URL
    with MailServer() as server:
        server.use(settings)
        yield server


@pytest.fixture
def sn_activity(demo: None) -> Activity:
    return Activity.objects.get(market__code="SN")


def tell(recipients: list[Any], kind: str, activity: Activity, url: str = "") -> list[Delivery]:
    """A committed `notify_activity`; returns the deliveries it made."""
    before = set(Delivery.objects.values_list("pk", flat=True))
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.notify_activity(activity=activity, recipients=recipients, kind=Kind(kind), url=url)
    return list(Delivery.objects.exclude(pk__in=before).order_by("pk"))


def send(delivery: Delivery) -> str:
    with TestCase.captureOnCommitCallbacks(execute=True):
        return str(deliver.call(delivery.pk))


def test_every_kind_has_chinese_words() -> None:
    assert set(ZH) == set(Kind.values)


def test_each_kind_is_emailed_with_a_chinese_subject_by_default(smtp, user, sn_activity) -> None:
    head = user("sn_head")
    link = BASE_URL + reverse("activities:detail", args=[sn_activity.pk])

    for kind in Kind.values:
        [delivery] = tell([head], kind, sn_activity)
        assert (delivery.recipient_id, delivery.target_id) == (head.pk, None)
        assert send(delivery) == "sent"
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == ("sent", 1)

    assert len(smtp.received) == len(Kind.values)
    for (envelope, message), kind in zip(smtp.received, Kind.values, strict=True):
        assert envelope.rcpt_tos == ["sn_head@campaigndesk.example"]
        assert envelope.mail_from == "noreply@localhost"
        assert message["To"] == "sn_head@campaigndesk.example"
        assert subject_of(message) == f"[推广活动协同平台] {ZH[kind]}：{sn_activity.title}"
        body = message.get_content()
        assert f"{ZH[kind]}：{sn_activity.title}" in body
        assert f"在推广活动协同平台中查看：{link}" in body


def test_the_subject_is_in_each_persons_language(smtp, user, sn_activity) -> None:
    head, manager = user("sn_head"), user("hq_manager")
    services.settings_update(by=head, language="en", email_kinds=list(Kind.values))

    for delivery in tell([head, manager], "decision", sn_activity):
        assert send(delivery) == "sent"

    assert smtp.subjects_to("sn_head@campaigndesk.example") == [
        f"[CampaignDesk] Decision: {sn_activity.title}"
    ]
    assert smtp.subjects_to("hq_manager@campaigndesk.example") == [
        f"[推广活动协同平台] 批复：{sn_activity.title}"
    ]
    [english] = [m for env, m in smtp.received if env.rcpt_tos == [head.email]]
    link = BASE_URL + reverse("activities:detail", args=[sn_activity.pk])
    assert f"Open it in CampaignDesk: {link}" in english.get_content()


def test_a_kind_unticked_is_not_emailed_but_still_in_the_inbox(smtp, user, sn_activity) -> None:
    head = user("sn_head")
    services.settings_update(
        by=head, language="zh-hans", email_kinds=[k for k in Kind.values if k != "decision"]
    )

    assert tell([head], "decision", sn_activity) == []
    assert Notification.objects.filter(recipient=head, kind="decision").count() == 1

    [delivery] = tell([head], "reminder", sn_activity)
    assert send(delivery) == "sent"
    assert smtp.subjects_to(head.email) == [f"[推广活动协同平台] 提醒：{sn_activity.title}"]


def test_nothing_ticked_means_no_email(smtp, user, sn_activity) -> None:
    head = user("sn_head")
    services.settings_update(by=head, language="en", email_kinds=[])

    assert [tell([head], kind, sn_activity) for kind in ("decision", "reminder")] == [[], []]
    assert smtp.received == []


def test_a_person_without_an_email_address_gets_none(smtp, user, sn_activity) -> None:
    head = user("sn_head")
    head.email = ""
    head.save(update_fields=["email"])

    assert tell([head, user("hq_manager")], "decision", sn_activity) != []
    assert Delivery.objects.filter(recipient=head).count() == 0
    assert Notification.objects.filter(recipient=head, kind="decision").count() == 1


def test_one_email_per_person_even_if_listed_twice(smtp, user, sn_activity) -> None:
    head = user("sn_head")

    deliveries = tell([head, head, user("sn_head")], "decision", sn_activity)

    assert [d.recipient_id for d in deliveries] == [head.pk]
    assert Notification.objects.filter(recipient=head, kind="decision").count() == 1


def test_smtp_down_retries_then_sends(smtp, user, sn_activity, settings) -> None:
    from django_tasks_db.models import DBTaskResult, get_date_max

    head = user("sn_head")
    [delivery] = tell([head], "decision", sn_activity)
    settings.EMAIL_PORT = free_port()  # nobody listens there

    assert send(delivery) == "retrying"

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("retrying", 1, None)
    assert delivery.last_error
    [retry] = DBTaskResult.objects.filter(
        task_path="campaigndesk.notifications.tasks.deliver", run_after__lt=get_date_max()
    )
    assert retry.args_kwargs["args"] == [delivery.pk]
    assert retry.run_after > retry.enqueued_at
    assert smtp.received == []

    settings.EMAIL_PORT = smtp.port
    assert send(delivery) == "sent"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 2)
    assert smtp.subjects_to(head.email) == [f"[推广活动协同平台] 批复：{sn_activity.title}"]
