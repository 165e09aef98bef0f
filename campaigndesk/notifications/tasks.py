"""Background work: each delivery is one task, retried with backoff, so a slow or dead target
never holds up a transition or the other targets."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from campaigndesk.notifications.channels import post_webhook, send_email
from campaigndesk.notifications.models import Delivery, DeliveryStatus

BACKOFF_SECONDS = 30


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, 4 min, …"""
    return timedelta(seconds=BACKOFF_SECONDS * 2 ** max(attempts - 1, 0))


@task()
def deliver(delivery_id: int) -> str:
    """Sends one delivery and records the outcome; schedules a retry on failure."""
    delivery = (
        Delivery.objects.select_related("target", "recipient__notification_settings")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None or delivery.status in (DeliveryStatus.SENT, DeliveryStatus.FAILED):
        return "skipped"
    if delivery.target is not None and not delivery.target.active:
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.FAILED, last_error="target inactive"
        )
        return "failed"
    outcome = post_webhook(delivery) if delivery.target is not None else send_email(delivery)
    attempts = delivery.attempts + 1
    if outcome.ok:
        status = DeliveryStatus.SENT
    elif attempts >= settings.DELIVERY_MAX_ATTEMPTS:
        status = DeliveryStatus.FAILED
    else:
        status = DeliveryStatus.RETRYING
    Delivery.objects.filter(pk=delivery.pk).update(
        status=status,
        attempts=attempts,
        response_code=outcome.response_code,
        last_error=outcome.error,
        updated_at=timezone.now(),
    )
    if status == DeliveryStatus.RETRYING:
        transaction.on_commit(
            lambda: deliver.using(run_after=timezone.now() + backoff(attempts)).enqueue(delivery_id)
        )
    return status
