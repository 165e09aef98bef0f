"""The attachment pages: upload through htmx, download with safe headers, 404 outside the
activity's market, the thumbnail inline."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from campaigndesk.activities.models import Activity
from campaigndesk.attachments.models import Attachment
from campaigndesk.attachments.samples import sample_image
from campaigndesk.evaluation.tests.builders import walk


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def on_site(demo: None, media: Path) -> Activity:
    return walk(title="咸阳义诊", until="on_site")


def login(user, username: str) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user(username))
    return client


def post_photo(client: Client, activity: Activity, data: bytes, name: str = "现场.jpg") -> Any:
    upload = sample_image() if data == b"" else io.BytesIO(data)
    upload.name = name
    return client.post(
        reverse("attachments:upload", args=[activity.pk]),
        {"file": upload, "kind": "photo", "fixed_kind": "1", "camera": "1"},
        HTTP_HX_REQUEST="true",
    )


def test_htmx_upload_shows_the_thumbnail_and_a_refusal_beside_the_field(
    user, on_site: Activity
) -> None:  # type: ignore[no-untyped-def]
    client = login(user, "sn_staff1")
    response = post_photo(client, on_site, b"")
    html = response.content.decode()
    assert response.status_code == 200
    attachment = Attachment.objects.get()
    assert reverse("attachments:thumbnail", args=[attachment.pk]) in html
    refused = post_photo(client, on_site, b"<html><body>hi</body></html>", "evil.jpg")
    html = refused.content.decode()
    assert 'data-testid="attachment-field-error"' in html and "is-invalid" in html
    assert Attachment.objects.count() == 1


def test_download_and_thumbnail_pages(user, on_site: Activity) -> None:  # type: ignore[no-untyped-def]
    post_photo(login(user, "sn_head"), on_site, b"")
    attachment = Attachment.objects.get()
    hq = login(user, "hq_manager")
    response = hq.get(reverse("attachments:download", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"]
    assert "filename*=UTF-8''%E7%8E%B0%E5%9C%BA.jpg" in response["Content-Disposition"]
    thumb = hq.get(reverse("attachments:thumbnail", args=[attachment.pk]))
    assert thumb.status_code == 200 and thumb["Content-Disposition"].startswith("inline")
    outsider = login(user, "ha_head")
    for name in ("download", "thumbnail"):
        assert outsider.get(reverse(f"attachments:{name}", args=[attachment.pk])).status_code == 404
    assert outsider.get(reverse("attachments:download", args=[999999])).status_code == 404
    response = outsider.post(
        reverse("attachments:upload", args=[on_site.pk]), {"kind": "photo"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 404


def test_the_activity_page_lists_the_files(user, on_site: Activity) -> None:  # type: ignore[no-untyped-def]
    post_photo(login(user, "sn_head"), on_site, b"")
    page = login(user, "sn_staff2").get(reverse("activities:detail", args=[on_site.pk]))
    html = page.content.decode()
    assert 'data-testid="attachments-panel"' in html
    assert 'capture="environment"' in html
    assert html.count('data-testid="attachment-thumb"') == 1
