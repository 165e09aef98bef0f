"""How a message goes out: the JSON each group bot expects (with DingTalk's and Feishu's
HMAC-SHA256 signatures), and the e-mail in the recipient's language."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import translation
from django.utils.translation import gettext as _

from campaigndesk.notifications.models import Delivery, Kind, TargetKind


@dataclass
class Outcome:
    ok: bool
    response_code: int | None
    error: str = ""


def message_text(delivery: Delivery) -> tuple[str, str]:
    """(title, link) of the message, in the active language."""
    title = _("%(kind)s: %(subject)s") % {
        "kind": Kind(delivery.notification_kind).label,
        "subject": delivery.subject,
    }
    link = f"{settings.BASE_URL}{delivery.url}" if delivery.url.startswith("/") else delivery.url
    return str(title), link


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk: base64(HMAC-SHA256(key=secret, msg="timestamp\\nsecret")), URL-encoded."""
    digest = hmac.new(
        secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256
    ).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest).decode())


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """Feishu: base64(HMAC-SHA256(key="timestamp\\nsecret", msg=empty))."""
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def webhook_request(
    kind: str, url: str, secret: str, title: str, link: str, now: float | None = None
) -> tuple[str, dict[str, Any]]:
    """The URL to post to and the JSON body, as the platform documents them."""
    now = time.time() if now is None else now
    if kind == TargetKind.WECOM:
        return url, {
            "msgtype": "markdown",
            "markdown": {"content": f"**{title}**\n[{_('Open')}]({link})"},
        }
    if kind == TargetKind.DINGTALK:
        if secret:
            stamp = int(now * 1000)
            separator = "&" if "?" in url else "?"
            url = f"{url}{separator}timestamp={stamp}&sign={dingtalk_sign(secret, stamp)}"
        return url, {
            "msgtype": "markdown",
            "markdown": {"title": title, "text": f"#### {title}\n\n[{_('Open')}]({link})"},
        }
    body: dict[str, Any] = {
        "msg_type": "post",
        "content": {
            "post": {
                "zh_cn": {
                    "title": title,
                    "content": [
                        [
                            {"tag": "text", "text": f"{title}\n"},
                            {"tag": "a", "text": str(_("Open")), "href": link},
                        ]
                    ],
                }
            }
        },
    }
    if secret:
        stamp = int(now)
        body = {"timestamp": str(stamp), "sign": feishu_sign(secret, stamp), **body}
    return url, body


def post_webhook(delivery: Delivery) -> Outcome:
    """Posts the message to the group bot; a 2xx answer whose errcode/code (if any) is 0."""
    target = delivery.target
    assert target is not None
    with translation.override("zh-hans"):
        title, link = message_text(delivery)
        url, body = webhook_request(target.kind, target.url, target.secret, title, link)
    request = urllib.request.Request(  # noqa: S310 - an http(s) URL HQ configured
        url,
        data=json.dumps(body, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.WEBHOOK_TIMEOUT) as response:  # noqa: S310 - HQ-configured URL
            code = response.status
            payload = response.read(65536)
    except urllib.error.HTTPError as error:
        return Outcome(False, error.code, f"HTTP {error.code}")
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        return Outcome(False, None, str(getattr(error, "reason", error))[:500])
    try:
        answer = json.loads(payload or b"{}")
    except ValueError:
        answer = {}
    status = (
        answer.get("errcode", answer.get("code", answer.get("StatusCode", 0)))
        if isinstance(answer, dict)
        else 0
    )
    if status not in (0, None):
        return Outcome(
            False,
            code,
            f"platform error {status}: {answer.get('errmsg') or answer.get('msg', '')}"[:500],
        )
    return Outcome(200 <= code < 300, code)


def send_email(delivery: Delivery) -> Outcome:
    """E-mails the notification in the recipient's language (subject and body)."""
    user = delivery.recipient
    assert user is not None
    chosen = getattr(getattr(user, "notification_settings", None), "language", None) or "zh-hans"
    with translation.override(chosen):
        title, link = message_text(delivery)
        body = "\n\n".join(
            [
                title,
                str(_("Open it in CampaignDesk: %(link)s") % {"link": link}),
                str(_("You receive this because of your e-mail settings in CampaignDesk.")),
            ]
        )
        subject = f"[{_('CampaignDesk')}] {title}"
    message = EmailMultiAlternatives(subject=subject, body=body, to=[user.email])
    try:
        message.send()
    except (OSError, ValueError) as error:
        return Outcome(False, None, str(error)[:500])
    return Outcome(True, 250)
