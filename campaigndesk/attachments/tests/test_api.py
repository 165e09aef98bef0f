"""POST/GET /activities/{id}/attachments and GET /attachments/{id}/download as API.md sets
them out: the type comes from the content, the name is random in storage, outsiders get 404."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from PIL import Image

from campaigndesk.activities.models import Activity
from campaigndesk.attachments.models import Attachment
from campaigndesk.attachments.samples import sample_image
from campaigndesk.core.models import AuditEntry
from campaigndesk.evaluation.tests.builders import error_of, ok, walk


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def on_site(demo: None, media: Path) -> Activity:
    return walk(title="西安义诊", until="on_site")


def upload(api: Any, activity: Activity, name: str, data: bytes, **fields: Any) -> Any:
    file = io.BytesIO(data)
    file.name = name
    return api.client.post(
        f"/api/v1/activities/{activity.pk}/attachments",
        {"file": file, "kind": "photo", **fields},
        **api.headers,
    )


def jpeg(size: tuple[int, int] = (96, 72)) -> bytes:
    return sample_image(size=size).getvalue()


def png() -> bytes:
    return sample_image(fmt="PNG").getvalue()


def pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "content_type", "extension"),
    [
        ("现场.jpg", jpeg(), "image/jpeg", "jpg"),
        ("签到.png", png(), "image/png", "png"),
        ("方案.pdf", pdf(), "application/pdf", "pdf"),
        (
            "方案.docx",
            docx(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
        ),
    ],
)
def test_an_allowed_file_is_stored_under_a_random_name_with_its_digest(
    api, on_site: Activity, media: Path, name: str, data: bytes, content_type: str, extension: str
) -> None:
    body = ok(upload(api("sn_staff1"), on_site, name, data, kind="other"), 201)
    assert body["name"] == name
    assert (body["size"], body["sha256"]) == (len(data), hashlib.sha256(data).hexdigest())
    assert (body["content_type"], body["kind"]) == (content_type, "other")
    stored = Attachment.objects.get(pk=body["id"]).file.name
    assert re.fullmatch(rf"attachments/\d{{4}}/\d{{2}}/[0-9a-f]{{32}}\.{extension}", stored)
    assert (media / stored).read_bytes() == data
    entry = AuditEntry.objects.get(action="attachment_upload", object_id=body["id"])
    assert entry.actor.username == "sn_staff1" and entry.activity_id == on_site.pk


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("photo.jpg", b"<html><script>alert(1)</script></html>"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>'),
        ("setup.exe", b"MZ\x90\x00\x03" + b"\x00" * 200),
        ("broken.jpg", jpeg((400, 300))[:600]),
        ("notes.zip", b"PK\x03\x04" + b"\x00" * 100),
    ],
)
def test_a_refused_type_is_422_on_the_file_field_and_nothing_is_stored(
    api, on_site: Activity, media: Path, name: str, data: bytes
) -> None:
    error = error_of(upload(api("sn_head"), on_site, name, data), 422, "validation_error")
    assert "file" in error["details"]["fields"]
    assert not Attachment.objects.exists()
    assert not list(media.rglob("*.*"))


def test_the_refusal_says_why_at_the_top_and_beside_the_field(api, on_site: Activity) -> None:
    english = error_of(
        upload(api("sn_head", language="en"), on_site, "x.jpg", b"<html>"), 422, "validation_error"
    )
    assert "not accepted" in english["details"]["fields"]["file"]
    assert english["message"] == english["details"]["fields"]["file"]


def test_a_file_over_the_limit_is_refused(api, on_site: Activity, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ATTACHMENT_MAX_BYTES = 1000
    error = error_of(
        upload(api("sn_head"), on_site, "big.jpg", jpeg((400, 300))), 422, "validation_error"
    )
    assert (
        "1000" in error["details"]["fields"]["file"] or "KB" in error["details"]["fields"]["file"]
    )
    assert not Attachment.objects.exists()


def test_a_photo_gets_an_upright_thumbnail_without_metadata(api, on_site: Activity) -> None:
    image = Image.new("RGB", (1200, 600), (200, 30, 30))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated: the camera held upright
    exif[0x010F] = "PhoneMaker"
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    body = ok(upload(api("sn_staff1"), on_site, "p.jpg", out.getvalue()), 201)
    attachment = Attachment.objects.get(pk=body["id"])
    with Image.open(attachment.thumbnail.open("rb")) as thumb:
        assert thumb.format == "JPEG"
        assert thumb.size == (160, 320)  # turned upright, long edge 320
        assert not thumb.getexif()


def test_links_and_receipts_are_checked(api, on_site: Activity, demo: None) -> None:
    other = walk(title="郑州路演", head="ha_head", until="on_site")
    refused = error_of(
        upload(api("sn_head"), on_site, "r.jpg", jpeg(), kind="receipt"), 422, "validation_error"
    )
    assert "cost_category" in refused["details"]["fields"]
    report = ok(
        api("sn_head").post(
            f"/activities/{on_site.pk}/daily-reports", {"date": str(on_site.start_date)}
        ),
        201,
    )
    ok(upload(api("sn_head"), on_site, "p.jpg", jpeg(), daily_report_id=report["id"]), 201)
    foreign = ok(
        api("ha_head").post(
            f"/activities/{other.pk}/daily-reports", {"date": str(other.start_date)}
        ),
        201,
    )
    refused = error_of(
        upload(api("sn_head"), on_site, "p.jpg", jpeg(), daily_report_id=foreign["id"]),
        422,
        "validation_error",
    )
    assert "daily_report_id" in refused["details"]["fields"]


def test_who_may_upload(api, on_site: Activity) -> None:
    # Receipts: finance, the HQ manager, the market head — not the market's staff.
    error_of(
        upload(api("sn_staff1"), on_site, "r.jpg", jpeg(), kind="receipt", cost_category="venue"),
        403,
        "forbidden",
    )
    for who in ("finance_reviewer", "hq_manager", "sn_head"):
        ok(upload(api(who), on_site, "r.jpg", jpeg(), kind="receipt", cost_category="venue"), 201)
    # Another market's people do not see the activity at all.
    error_of(upload(api("ha_head"), on_site, "p.jpg", jpeg()), 404, "not_found")
    # A department reviewer outside finance adds no photos.
    error_of(upload(api("planning_reviewer"), on_site, "p.jpg", jpeg()), 403, "forbidden")


def test_an_archived_activity_accepts_no_file(api, demo: None, media: Path) -> None:
    archived = walk(title="已归档", until="archived")
    error_of(upload(api("hq_manager"), archived, "p.jpg", jpeg()), 409, "invalid_transition")


def test_download_headers_and_cross_market_404(api, on_site: Activity) -> None:
    data = pdf()
    body = ok(upload(api("sn_head"), on_site, "方案 v2.pdf", data, kind="proposal"), 201)
    response = api("hq_manager").get(f"/attachments/{body['id']}/download")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"]
    assert "filename*=UTF-8''%E6%96%B9%E6%A1%88%20v2.pdf" in response["Content-Disposition"]
    assert response["Content-Disposition"].startswith("attachment;")
    outsider = api("ha_head").get(f"/attachments/{body['id']}/download")
    missing = api("ha_head").get("/attachments/999999/download")
    assert outsider.status_code == missing.status_code == 404
    assert outsider.json() == missing.json()
    assert api("ha_head").get(f"/activities/{on_site.pk}/attachments").status_code == 404
    listed = ok(api("sn_staff2").get(f"/activities/{on_site.pk}/attachments"))
    assert [a["id"] for a in listed] == [body["id"]]


def test_the_uploader_deletes_and_the_files_go_after_commit(
    api, on_site: Activity, media: Path, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    body = ok(upload(api("sn_staff1"), on_site, "p.jpg", jpeg()), 201)
    attachment = Attachment.objects.get(pk=body["id"])
    names = [attachment.file.name, attachment.thumbnail.name]
    assert api("sn_staff2").delete(f"/attachments/{body['id']}").status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        assert api("sn_staff1").delete(f"/attachments/{body['id']}").status_code == 204
    assert not Attachment.objects.exists()
    assert not any((media / n).exists() for n in names)
    assert AuditEntry.objects.filter(action="attachment_delete", object_id=body["id"]).exists()


def test_the_list_takes_a_fixed_number_of_queries(
    api, on_site: Activity, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    client = api("sn_head")
    ok(upload(client, on_site, "p.jpg", jpeg()), 201)
    # token with user and profile; the activity, its budget lines and template sections (the
    # shared activity_get); attachments with uploader and profile
    with django_assert_num_queries(5):
        client.get(f"/activities/{on_site.pk}/attachments")
    for _ in range(3):
        ok(upload(client, on_site, "p.jpg", jpeg()), 201)
    with django_assert_num_queries(5):
        assert len(ok(client.get(f"/activities/{on_site.pk}/attachments"))) == 4


def test_an_anonymous_client_is_401(on_site: Activity) -> None:
    assert Client().get(f"/api/v1/activities/{on_site.pk}/attachments").status_code == 401
