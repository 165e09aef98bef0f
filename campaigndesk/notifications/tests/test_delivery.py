"""Where each notification goes: the activity's market's group bots and HQ's, only the kinds a
bot chose, one message per event and bot; queued only once the change commits; a dead bot
holds up neither the transition nor the other bots; and the real worker (`db_worker`)
delivers what a transition queued."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from campaigndesk.activities import services as activities
from campaigndesk.activities.models import Activity
from campaigndesk.briefings import services as briefings
from campaigndesk.conftest import approved_activity
from campaigndesk.core.demo import _full_sections
from campaigndesk.notifications import services
from campaigndesk.notifications.models import Delivery, Kind, Notification, NotificationTarget
from campaigndesk.notifications.tasks import deliver
from campaigndesk.notifications.tests.test_email import MailServer
from campaigndesk.notifications.tests.test_webhooks import WebhookServer, closed_port
from campaigndesk.reviews import services as reviews

DELIVER = "campaigndesk.notifications.tasks.deliver"


@pytest.fixture
def bot():  # type: ignore[no-untyped-def]
    with WebhookServer() as server:
        yield server


@pytest.fixture
def quiet_mail(settings) -> None:  # type: ignore[no-untyped-def]
    """E-mails go to Django's in-memory outbox: these tests are about group bots."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def people() -> dict[str, Any]:
    return {u.username: u for u in get_user_model().objects.select_related("profile")}


def target(
    kind: str = "wecom",
    *,
    market: str | None = "SN",
    kinds: tuple[str, ...] = ("decision",),
    url: str = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x",
) -> NotificationTarget:
    return services.target_create(
        by=people()["hq_manager"],
        kind=kind,
        url=url,
        secret="s3cret" if kind != "wecom" else "",
        market=market,
        notification_kinds=list(kinds),
    )


def draft_of(market: str) -> Activity:
    return Activity.objects.get(market__code=market)


def told(activity: Activity, kind: str = "decision", recipients: Any = ()) -> list[Delivery]:
    """A committed `notify_activity`; the deliveries it made."""
    before = set(Delivery.objects.values_list("pk", flat=True))
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.notify_activity(activity=activity, recipients=recipients, kind=Kind(kind))
    return list(Delivery.objects.exclude(pk__in=before).order_by("pk"))


def resubmitted(head: str = "sn_head", title: str = "宝鸡健康周") -> Activity:
    """An activity walked by the real services up to the HQ manager's decision."""
    who = people()
    start = timezone.localdate() + timedelta(days=30)
    activity = activities.activity_create(
        by=who[head],
        data={
            "title": title,
            "venue": "会展中心",
            "start_date": start,
            "end_date": start + timedelta(days=1),
            "sections": _full_sections(title),
            "budget": [{"category": "venue", "item": "场地", "amount": "1000.00"}],
        },
    )
    activities.activity_submit(activity_id=activity.pk, by=who[head])
    reviews.review_open(
        activity_id=activity.pk,
        by=who["hq_manager"],
        meeting_at=timezone.now(),
        departments=["planning"],
    )
    reviews.opinion_give(
        activity_id=activity.pk, by=who["planning_reviewer"], department="planning", items=[]
    )
    reviews.review_return(activity_id=activity.pk, by=who["hq_manager"], summary="同意")
    return activities.activity_resubmit(
        activity_id=activity.pk,
        by=who[head],
        changes={},
        staffing=[{"name": "张三", "role": "总指挥", "duty": "统筹"}],
        responses=[],
    )


# --- Routing ------------------------------------------------------------------------------------


def test_a_market_activity_reaches_its_markets_bots_and_hqs_only(demo: None) -> None:
    sn, hq, ha = target(market="SN"), target("dingtalk", market=None), target(market="HA")

    assert {d.target_id for d in told(draft_of("SN"))} == {sn.pk, hq.pk}
    assert {d.target_id for d in told(draft_of("HA"))} == {ha.pk, hq.pk}
    assert {d.target_id for d in told(draft_of("SC"))} == {hq.pk}


def test_a_bot_gets_only_the_kinds_it_chose(demo: None) -> None:
    chosen = target(kinds=("review_requested", "lessons_sent"))
    everything = target("feishu", market=None, kinds=tuple(Kind.values))
    activity = draft_of("SN")

    assert [d.target_id for d in told(activity, "decision")] == [everything.pk]
    routed = told(activity, "review_requested")
    assert {d.target_id for d in routed} == {chosen.pk, everything.pk}
    assert {d.notification_kind for d in routed} == {"review_requested"}


def test_one_message_per_event_and_bot_however_many_people_are_told(demo: None) -> None:
    sn, hq = target(market="SN"), target("dingtalk", market=None)
    who = people()
    reviewers = [who[f"{d}_reviewer"] for d in ("planning", "marketing", "logistics", "finance")]

    deliveries = told(draft_of("SN"), "decision", reviewers)

    by_target = [d.target_id for d in deliveries if d.target_id]
    assert sorted(by_target) == sorted([sn.pk, hq.pk])
    assert sorted(d.recipient_id for d in deliveries if d.recipient_id) == sorted(
        u.pk for u in reviewers
    )
    message = next(d for d in deliveries if d.target_id == sn.pk)
    assert message.subject == draft_of("SN").title
    assert message.url == reverse("activities:detail", args=[draft_of("SN").pk])


def test_a_removed_bot_gets_nothing(demo: None, api) -> None:
    gone = target()
    assert api("hq_manager").delete(f"/notification-targets/{gone.pk}").status_code == 204

    assert told(draft_of("SN")) == []


def test_a_published_briefing_reaches_every_bot_that_chose_it(demo: None) -> None:
    sn = target(market="SN", kinds=("briefing_published",))
    hq = target("dingtalk", market=None, kinds=("briefing_published",))
    manager = people()["hq_manager"]
    briefing = briefings.briefing_compile(
        by=manager, period_start=date(2025, 3, 1), period_end=date(2025, 3, 31), title="三月简报"
    )

    with TestCase.captureOnCommitCallbacks(execute=True):
        briefings.briefing_publish(briefing_id=briefing.pk, by=manager)

    assert set(Delivery.objects.filter(target__isnull=False).values_list("target", flat=True)) == {
        sn.pk,
        hq.pk,
    }


# --- Transactions -------------------------------------------------------------------------------


def test_nothing_is_queued_before_the_transition_commits(
    demo: None, quiet_mail: None, django_capture_on_commit_callbacks
) -> None:
    bot_target = target(market=None)
    activity = resubmitted()
    manager = people()["hq_manager"]

    with django_capture_on_commit_callbacks() as callbacks:
        activities.activity_decide(activity_id=activity.pk, by=manager, decision="approve")
        assert Delivery.objects.count() == 0
        assert not Notification.objects.filter(kind="decision").exists()
        assert not DBTaskResult.objects.filter(task_path=DELIVER).exists()

    assert Delivery.objects.count() == 0
    for callback in callbacks:
        callback()

    deliveries = Delivery.objects.filter(notification_kind="decision")
    assert {(d.target_id, d.recipient_id) for d in deliveries} == {
        (bot_target.pk, None),
        (None, people()["sn_head"].pk),
    }
    assert Notification.objects.filter(kind="decision", activity_id=activity.pk).count() == 1
    queued = DBTaskResult.objects.filter(task_path=DELIVER)
    assert sorted(r.args_kwargs["args"][0] for r in queued) == sorted(d.pk for d in deliveries)


class Boom(Exception):
    pass


def test_a_rolled_back_transition_tells_nobody(
    demo: None, quiet_mail: None, django_capture_on_commit_callbacks
) -> None:
    target(market=None)
    activity = resubmitted()
    manager = people()["hq_manager"]

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Boom),
        transaction.atomic(),
    ):
        activities.activity_decide(activity_id=activity.pk, by=manager, decision="approve")
        raise Boom

    assert callbacks == []
    assert Activity.objects.get(pk=activity.pk).status == "resubmitted"
    assert Delivery.objects.count() == 0
    assert not Notification.objects.filter(kind="decision").exists()
    assert not DBTaskResult.objects.filter(task_path=DELIVER).exists()


def test_paused_deliveries_still_write_the_inbox(demo: None) -> None:
    target(market=None)
    head = people()["sn_head"]
    activity = draft_of("SN")

    with services.deliveries_paused(), TestCase.captureOnCommitCallbacks(execute=True):
        services.notify_activity(activity=activity, recipients=[head], kind=Kind.DECISION)

    assert Notification.objects.filter(recipient=head, kind="decision").count() == 1
    assert Delivery.objects.count() == 0
    assert not DBTaskResult.objects.filter(task_path=DELIVER).exists()

    # Once the pause is over, bots and e-mail are told again.
    assert len(told(activity, "decision", [head])) == 2


# --- A dead bot ---------------------------------------------------------------------------------


def test_a_dead_bot_blocks_neither_the_transition_nor_the_other_bots(
    demo: None, quiet_mail: None, bot, settings
) -> None:
    settings.WEBHOOK_TIMEOUT = 0.5
    dead = target(market=None, url=f"http://127.0.0.1:{closed_port()}/hook")
    alive = target("dingtalk", market="SN", url=bot.url("/robot/send?access_token=t"))
    activity = resubmitted()

    with TestCase.captureOnCommitCallbacks(execute=True):
        decided = activities.activity_decide(
            activity_id=activity.pk, by=people()["hq_manager"], decision="approve"
        )

    assert decided.status == "approved"
    assert Activity.objects.get(pk=activity.pk).status == "approved"
    outcomes = {}
    for delivery in Delivery.objects.filter(target__isnull=False):
        with TestCase.captureOnCommitCallbacks(execute=True):
            outcomes[delivery.target_id] = deliver.call(delivery.pk)
    assert outcomes == {dead.pk: "retrying", alive.pk: "sent"}
    [message] = bot.received
    assert message.json["markdown"]["title"] == "批复：宝鸡健康周"
    assert Delivery.objects.get(target=alive).status == "sent"
    assert Delivery.objects.get(target=dead).status == "retrying"


# --- The real worker ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_worker_delivers_what_the_transitions_queued(demo: None, bot, settings) -> None:
    settings.WEBHOOK_TIMEOUT = 0.5
    settings.BASE_URL = "https://campaigndesk.example.com"
    hq = target(market=None, kinds=("submitted", "decision"), url=bot.url("/hook?key=hq"))
    dead = target("dingtalk", market="SN", url=f"http://127.0.0.1:{closed_port()}/hook")
    with MailServer() as smtp:
        smtp.use(settings)
        # Each service commits on its own here, as in production: deliveries are queued at once.
        activity = approved_activity(title="宝鸡健康周")
        assert activity.status == "approved"
        queued = list(Delivery.objects.order_by("pk"))
        assert {d.status for d in queued} == {"queued"}
        assert bot.received == [] and smtp.received == []

        out = io.StringIO()
        call_command("db_worker", "--batch", "--no-startup-delay", stdout=out, stderr=out)

    link = f"https://campaigndesk.example.com/activities/{activity.pk}/"
    assert [m.json["markdown"]["content"] for m in bot.received] == [
        f"**活动方案已提交：宝鸡健康周**\n[查看]({link})",
        f"**批复：宝鸡健康周**\n[查看]({link})",
    ]
    assert all(m.path == "/hook?key=hq" for m in bot.received)
    # Submitted → HQ manager, review requested → planning, returned → head, resubmitted → HQ
    # manager, decision → head: one e-mail each.
    assert sorted(env.rcpt_tos[0] for env, _m in smtp.received) == sorted(
        [
            "hq_manager@campaigndesk.example",
            "planning_reviewer@campaigndesk.example",
            "sn_head@campaigndesk.example",
            "hq_manager@campaigndesk.example",
            "sn_head@campaigndesk.example",
        ]
    )
    statuses = {d.pk: (d.status, d.attempts) for d in Delivery.objects.all()}
    dead_one = Delivery.objects.get(target=dead)
    assert statuses.pop(dead_one.pk) == ("retrying", 1)
    assert set(statuses.values()) == {("sent", 1)}
    assert len(statuses) == len(queued) - 1 == 7
    assert Delivery.objects.get(target=hq, notification_kind="decision").response_code == 200
    # The dead bot's retry waits for its time; everything else ran.
    results = DBTaskResult.objects.filter(task_path=DELIVER)
    assert results.filter(status="SUCCESSFUL").count() == len(queued)
    [retry] = results.filter(status="READY")
    assert retry.args_kwargs["args"] == [dead_one.pk]
    assert retry.run_after > timezone.now()
