"""Attachment writes: upload (checked by content, stored under a random name, thumbnailed) and
delete. Both audited; files leave the storage only after the row is gone for good."""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import uuid
from typing import IO, Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from campaigndesk.activities.models import Activity, BudgetCategory
from campaigndesk.activities.services import activity_lock
from campaigndesk.activities.workflow import Status
from campaigndesk.attachments.models import Attachment, AttachmentKind
from campaigndesk.attachments.sniff import Refused, Sniffed, sniff
from campaigndesk.core.audit import audit_record
from campaigndesk.core.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from campaigndesk.onsite.models import DailyReport, Meeting, Summary
from campaigndesk.org import policies
from campaigndesk.org.roles import MARKET_ROLES, Role
from campaigndesk.preparation.models import TeamMember

THUMBNAIL_EDGE = 320
CLOSED = (Status.ARCHIVED, Status.CANCELLED)


def max_bytes() -> int:
    return int(getattr(settings, "ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024))


def too_large_message() -> str:
    return _("The file is larger than %(limit)s.") % {"limit": filesizeformat(max_bytes())}


def may_upload(user: User, activity: Activity, kind: str) -> bool:
    """Receipts come from finance, the HQ manager and the market head; the other evidence from
    the market's people, the activity's support team and the HQ manager. Nothing is added to a
    closed (archived or cancelled) activity."""
    if activity.status in CLOSED or not policies.may_see_activity(user, activity):
        return False
    role = policies.role_of(user)
    if role == Role.HQ_MANAGER:
        return True
    if kind == AttachmentKind.RECEIPT:
        return policies.is_reviewer_of(user, "finance") or (
            role == Role.MARKET_HEAD and policies.market_id_of(user) == activity.market_id
        )
    if role in MARKET_ROLES:
        return policies.market_id_of(user) == activity.market_id
    return TeamMember.objects.filter(team__activity=activity, user=user).exists()


def may_delete(user: User, attachment: Attachment, activity: Activity) -> bool:
    """The uploader or the HQ manager, while the activity is not closed."""
    if activity.status in CLOSED or not policies.may_see_activity(user, activity):
        return False
    return attachment.uploaded_by_id == user.pk or policies.role_of(user) == Role.HQ_MANAGER


def clean_name(name: str, extension: str) -> str:
    """The name the person gave, safe to show and to send back in Content-Disposition: no
    folders, no control characters, at most 120 characters, and the extension of what the
    file really is."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = re.sub(r"[\"<>:|?*;]", "_", name).strip(" .")
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = stem[:110].strip(" .") or _("file")
    return f"{stem}.{extension}"


def _digest(file: IO[bytes]) -> tuple[int, str]:
    file.seek(0)
    sha = hashlib.sha256()
    size = 0
    for chunk in iter(lambda: file.read(1024 * 1024), b""):
        size += len(chunk)
        sha.update(chunk)
    file.seek(0)
    return size, sha.hexdigest()


def _thumbnail(file: IO[bytes]) -> bytes:
    """A JPEG of at most THUMBNAIL_EDGE px on the long edge, turned upright by its EXIF
    orientation, without any metadata (no GPS position leaves with the photo)."""
    file.seek(0)
    with Image.open(file) as opened:
        image = ImageOps.exif_transpose(opened)
        image.thumbnail((THUMBNAIL_EDGE, THUMBNAIL_EDGE))
        if image.mode in ("RGBA", "LA", "P"):
            image = image.convert("RGBA")
            background = Image.new("RGB", image.size, (255, 255, 255))
            background.paste(image, mask=image.getchannel("A"))
            image = background
        elif image.mode != "RGB":
            image = image.convert("RGB")
        out = io.BytesIO()
        image.save(out, "JPEG", quality=80, optimize=True)
    return out.getvalue()


def _check_links(
    activity: Activity,
    *,
    kind: str,
    daily_report_id: Any,
    meeting_id: Any,
    summary_id: Any,
    cost_category: str,
    errors: dict[str, str],
) -> dict[str, Any]:
    links: dict[str, Any] = {}
    for field, model, value in (
        ("daily_report", DailyReport, daily_report_id),
        ("meeting", Meeting, meeting_id),
        ("summary", Summary, summary_id),
    ):
        if value in (None, ""):
            continue
        try:
            pk = int(value)
        except (TypeError, ValueError):
            pk = 0
        found = model.objects.filter(pk=pk, activity=activity).first() if pk > 0 else None
        if found is None:
            errors[f"{field}_id"] = _("Not a record of this activity.")
        links[field] = found
    if kind == AttachmentKind.RECEIPT:
        if cost_category not in BudgetCategory.values:
            errors["cost_category"] = _("A receipt belongs to a cost line: choose its category.")
        links["cost_category"] = cost_category
    else:
        links["cost_category"] = ""
    return links


def _store(data: File | ContentFile, extension: str) -> str:
    today = timezone.localdate()
    return default_storage.save(
        f"attachments/{today:%Y}/{today:%m}/{uuid.uuid4().hex}.{extension}", data
    )


def _remove_later(*names: str) -> None:
    def remove() -> None:
        for name in names:
            if name:
                default_storage.delete(name)

    transaction.on_commit(remove)


@transaction.atomic
def attachment_upload(
    *,
    activity_id: int,
    by: User,
    file: IO[bytes] | None,
    name: str,
    kind: str,
    daily_report_id: Any = None,
    meeting_id: Any = None,
    summary_id: Any = None,
    cost_category: str = "",
) -> Attachment:
    """Adds a file to the activity's evidence. Its type comes from its content (an allow-list:
    images that fully decode, PDF, Office documents), never from its name or the client; it is
    stored under a random name. A receipt names its cost line; links point into this activity."""
    activity = activity_lock(activity_id=activity_id, by=by, action=None)
    if activity.status in CLOSED:
        raise InvalidTransition(
            _("An archived or cancelled activity accepts no change; it is “%(status)s”.")
            % {"status": Status(activity.status).label},
            details={"status": activity.status},
        )
    if kind not in AttachmentKind.values:
        raise ValidationFailed(
            {"kind": _("Choose one of: %(choices)s.") % {"choices": ", ".join(AttachmentKind)}}
        )
    if not may_upload(by, activity, kind):
        raise Forbidden(
            _("Finance, the HQ manager and the market head add receipts.")
            if kind == AttachmentKind.RECEIPT
            else _("The market's people, the support team and the HQ manager add files.")
        )
    errors: dict[str, str] = {}
    links = _check_links(
        activity,
        kind=kind,
        daily_report_id=daily_report_id,
        meeting_id=meeting_id,
        summary_id=summary_id,
        cost_category=cost_category,
        errors=errors,
    )
    sniffed: Sniffed | None = None
    size = 0
    digest = ""
    if file is None:
        errors["file"] = _("Choose a file.")
    else:
        size, digest = _digest(file)
        if size == 0:
            errors["file"] = _("The file is empty.")
        elif size > max_bytes():
            errors["file"] = too_large_message()
        else:
            try:
                sniffed = sniff(file)
            except Refused as refused:
                errors["file"] = str(refused)
    if errors or file is None or sniffed is None:
        # A refused file is the usual case: say why at the top as well as beside the field.
        raise ValidationFailed(errors, errors["file"] if list(errors) == ["file"] else None)
    stored: list[str] = []
    try:
        file.seek(0)
        stored.append(_store(File(file), sniffed.extension))
        thumbnail = ""
        if sniffed.is_image:
            thumbnail = _store(ContentFile(_thumbnail(file)), "jpg")
            stored.append(thumbnail)
        attachment = Attachment.objects.create(
            activity=activity,
            kind=kind,
            name=clean_name(name, sniffed.extension),
            file=stored[0],
            thumbnail=thumbnail,
            size=size,
            sha256=digest,
            content_type=sniffed.content_type,
            uploaded_by=by,
            **links,
        )
        audit_record(
            actor=by,
            action="attachment_upload",
            obj=attachment,
            activity_id=activity.pk,
            from_status=activity.status,
            to_status=activity.status,
            note=f"{AttachmentKind(kind).label}: {attachment.name} ({size} B, sha256 {digest})",
        )
    except BaseException:
        for stored_name in stored:
            default_storage.delete(stored_name)
        raise
    return attachment


@transaction.atomic
def attachment_delete(*, attachment_id: int, by: User) -> None:
    """The uploader or the HQ manager removes a file while the activity is open; the row goes
    now, the stored files once the deletion is committed."""
    attachment = Attachment.objects.filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound()
    activity = activity_lock(activity_id=attachment.activity_id, by=by, action=None)
    if activity.status in CLOSED:
        raise InvalidTransition(
            _("An archived or cancelled activity accepts no change; it is “%(status)s”.")
            % {"status": Status(activity.status).label},
            details={"status": activity.status},
        )
    if not may_delete(by, attachment, activity):
        raise Forbidden(_("The person who added a file, or the HQ manager, removes it."))
    names = (attachment.file.name, attachment.thumbnail.name)
    audit_record(
        actor=by,
        action="attachment_delete",
        obj=attachment,
        activity_id=activity.pk,
        from_status=activity.status,
        to_status=activity.status,
        note=f"{attachment.get_kind_display()}: {attachment.name} (sha256 {attachment.sha256})",
    )
    attachment.delete()
    _remove_later(*names)
