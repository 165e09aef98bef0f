"""Attachment reads: one query for an activity's files, grouped in Python; one visible file."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from campaigndesk.activities.models import Activity
from campaigndesk.attachments.models import Attachment, AttachmentKind
from campaigndesk.core.errors import NotFound
from campaigndesk.org import policies


def attachments_of(*, activity: Activity) -> list[Attachment]:
    """Every file of the activity, oldest first, with the uploader's profile (one query)."""
    return list(
        Attachment.objects.filter(activity=activity)
        .select_related("uploaded_by__profile")
        .order_by("created_at", "id")
    )


def attachment_get(*, user: AbstractBaseUser | AnonymousUser, attachment_id: int) -> Attachment:
    """The file if `user` may see its activity; the same 404 for missing and forbidden."""
    attachment = Attachment.objects.select_related("activity").filter(pk=attachment_id).first()
    if attachment is None or not policies.may_see_activity(user, attachment.activity):
        raise NotFound()
    return attachment


@dataclass
class Grouped:
    """An activity's files sorted by where they belong."""

    all: list[Attachment]
    proposal: list[Attachment] = field(default_factory=list)
    other: list[Attachment] = field(default_factory=list)
    photos: list[Attachment] = field(default_factory=list)
    sign_in: list[Attachment] = field(default_factory=list)
    by_report: dict[int, list[Attachment]] = field(default_factory=lambda: defaultdict(list))
    by_meeting: dict[int, list[Attachment]] = field(default_factory=lambda: defaultdict(list))
    by_summary: dict[int, list[Attachment]] = field(default_factory=lambda: defaultdict(list))
    receipts: dict[str, list[Attachment]] = field(default_factory=lambda: defaultdict(list))


def grouped(attachments: list[Attachment]) -> Grouped:
    result = Grouped(all=attachments)
    for a in attachments:
        if a.kind == AttachmentKind.RECEIPT:
            result.receipts[a.cost_category].append(a)
            continue
        if a.daily_report_id:
            result.by_report[a.daily_report_id].append(a)
        if a.meeting_id:
            result.by_meeting[a.meeting_id].append(a)
        if a.summary_id:
            result.by_summary[a.summary_id].append(a)
        if a.kind == AttachmentKind.PROPOSAL:
            result.proposal.append(a)
        elif a.kind == AttachmentKind.PHOTO:
            result.photos.append(a)
        elif a.kind == AttachmentKind.SIGN_IN:
            result.sign_in.append(a)
        else:
            result.other.append(a)
    return result


def receipt_categories(*, activity: Activity) -> set[str]:
    """The cost categories that have at least one receipt."""
    return set(
        Attachment.objects.filter(activity=activity, kind=AttachmentKind.RECEIPT).values_list(
            "cost_category", flat=True
        )
    )
