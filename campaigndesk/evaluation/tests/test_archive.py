"""备份存档: the archive zip as the API hands it out — every part of the record, a manifest whose
sizes and SHA-256s match, the zip's own SHA-256 stored — and `verify_archives` catching a changed
or missing file; a failure while archiving leaves neither a file nor a status change."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from campaigndesk.activities.models import Activity
from campaigndesk.core.models import AuditEntry
from campaigndesk.evaluation import services
from campaigndesk.evaluation.models import Archive
from campaigndesk.evaluation.tests.builders import error_of, ok, walk

PARTS = {
    "versions.json",
    "reviews.json",
    "team.json",
    "materials.json",
    "meetings.json",
    "daily_reports.json",
    "summaries.json",
    "evaluation.json",
    "history.json",
    "report.html",
}


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def evaluated(demo: None, media: Path) -> Activity:
    return walk(
        title="咸阳秋季健康义诊周",
        until="evaluated",
        with_material=True,
        strengths="药店终端联动效果好。",
        competitors="竞品在广场东侧摆摊送鸡蛋。",
    )


def download(client: Any, activity: Activity) -> bytes:
    response = client.get(f"/activities/{activity.pk}/archive/download")
    assert response.status_code == 200, response
    assert response["Content-Type"] == "application/zip"
    return b"".join(response.streaming_content)


def stored_path(activity: Activity, media: Path) -> Path:
    return media / Archive.objects.get(activity=activity).file.name


def verify() -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("verify_archives", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def verify_failing() -> tuple[CommandError, str]:
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("verify_archives", stdout=out, stderr=err)
    return raised.value, err.getvalue()


# --- the API ------------------------------------------------------------------------------------


def test_archiving_answers_its_fingerprint_and_freezes_the_activity(
    api, evaluated: Activity, media: Path
) -> None:
    body = ok(api("hq_manager").post(f"/activities/{evaluated.pk}/archive"))
    assert set(body) == {"sha256", "size", "created_at"}
    assert len(body["sha256"]) == 64
    assert body["created_at"].endswith("+08:00")
    data = stored_path(evaluated, media).read_bytes()
    assert body["size"] == len(data)
    assert body["sha256"] == hashlib.sha256(data).hexdigest()
    assert ok(api("sn_head").get(f"/activities/{evaluated.pk}"))["status"] == "archived"
    assert ok(api("sn_staff1").get(f"/activities/{evaluated.pk}/archive")) == body


def test_the_downloaded_zip_is_the_stored_one(api, evaluated: Activity, media: Path) -> None:
    body = ok(api("hq_manager").post(f"/activities/{evaluated.pk}/archive"))
    data = download(api("sn_head"), evaluated)
    assert hashlib.sha256(data).hexdigest() == body["sha256"]
    assert len(data) == body["size"]


def test_the_manifest_lists_every_other_file_with_its_size_and_sha256(
    api, evaluated: Activity, media: Path
) -> None:
    api("hq_manager").post(f"/activities/{evaluated.pk}/archive")
    with zipfile.ZipFile(io.BytesIO(download(api("hq_manager"), evaluated))) as archive:
        names = set(archive.namelist())
        assert names >= PARTS
        manifest = json.loads(archive.read("manifest.json"))
        listed = [entry["name"] for entry in manifest["files"]]
        assert sorted(listed) == sorted(names - {"manifest.json"})
        for entry in manifest["files"]:
            content = archive.read(entry["name"])
            assert entry["size"] == len(content), entry["name"]
            assert entry["sha256"] == hashlib.sha256(content).hexdigest(), entry["name"]


def test_the_archive_holds_the_whole_record(api, evaluated: Activity, media: Path) -> None:
    api("hq_manager").post(f"/activities/{evaluated.pk}/archive")
    with zipfile.ZipFile(io.BytesIO(download(api("hq_manager"), evaluated))) as archive:
        part = {
            name: archive.read(name).decode()
            for name in archive.namelist()
            if not name.startswith("attachments/")  # the evidence files are binary
        }
    record = {name: json.loads(text) for name, text in part.items() if name.endswith(".json")}
    assert [v["version"] for v in record["versions.json"]] == [1, 2]
    assert record["reviews.json"][0]["departments"] == ["planning"]
    assert record["team.json"]["members"][0]["role"] == "expert"
    assert record["materials.json"] == [
        {
            "name": "宣传单",
            "quantity": "5000.00",
            "unit": "份",
            "owner_department": "logistics",
            "due_date": record["materials.json"][0]["due_date"],
            "status": "requested",
            "tracking_no": "",
        }
    ]
    assert sorted(m["kind"] for m in record["meetings.json"]) == [
        "briefing",
        "mobilization",
        "training",
    ]
    assert record["daily_reports.json"][0]["competitors"] == "竞品在广场东侧摆摊送鸡蛋。"
    assert record["summaries.json"][0]["strengths"] == "药店终端联动效果好。"
    evaluation = record["evaluation.json"]
    assert evaluation["sales"] == "93800.00"
    assert evaluation["metrics"]["cost_total"] == "40400.00"
    assert evaluation["metrics"]["roi"] == "1.3218"  # (93800 − 40400) / 40400 = 1.32178…
    actions = [e["action"] for e in record["history.json"]]
    assert actions[0] == "create"
    assert {"submit", "approve", "start_onsite", "wrap_up", "evaluate"} <= set(actions)
    assert "咸阳秋季健康义诊周" in part["report.html"]
    assert "药店终端联动效果好" in part["report.html"]


def test_archive_is_refused_to_others_and_outside_evaluated(
    api, evaluated: Activity, media: Path
) -> None:
    error_of(api("finance_reviewer").post(f"/activities/{evaluated.pk}/archive"), 403, "forbidden")
    error_of(api("sn_head").post(f"/activities/{evaluated.pk}/archive"), 403, "forbidden")
    error_of(api("ha_head").post(f"/activities/{evaluated.pk}/archive"), 404, "not_found")
    wrapped = walk(title="未评估的活动", head="sc_head")
    error = error_of(
        api("hq_manager").post(f"/activities/{wrapped.pk}/archive"), 409, "invalid_transition"
    )
    assert error["details"]["status"] == "wrapped_up"
    assert not Archive.objects.exists()


def test_no_archive_yet_and_other_markets_get_404(api, evaluated: Activity, media: Path) -> None:
    error_of(api("hq_manager").get(f"/activities/{evaluated.pk}/archive"), 404, "not_found")
    api("hq_manager").post(f"/activities/{evaluated.pk}/archive")
    error_of(api("ha_head").get(f"/activities/{evaluated.pk}/archive"), 404, "not_found")
    response = api("ha_head").get(f"/activities/{evaluated.pk}/archive/download")
    assert response.status_code == 404


# --- a failure while archiving ------------------------------------------------------------------


def test_a_failure_while_archiving_leaves_no_file_and_no_status_change(
    user, evaluated: Activity, media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> str:
        raise RuntimeError("database went away")

    monkeypatch.setattr("campaigndesk.evaluation.services.activity_move", broken)
    with pytest.raises(RuntimeError):
        services.activity_archive(activity_id=evaluated.pk, by=user("hq_manager"))
    archives = media / "archives"
    assert not archives.exists() or list(archives.iterdir()) == []
    assert Activity.objects.get(pk=evaluated.pk).status == "evaluated"
    assert not Archive.objects.exists()
    assert not AuditEntry.objects.filter(activity_id=evaluated.pk, action="archive").exists()

    monkeypatch.undo()  # the next try succeeds
    services.activity_archive(activity_id=evaluated.pk, by=user("hq_manager"))
    assert len(list(archives.iterdir())) == 1


# --- verify_archives ----------------------------------------------------------------------------


def test_verify_archives_passes_intact_archives(user, evaluated: Activity, media: Path) -> None:
    services.activity_archive(activity_id=evaluated.pk, by=user("hq_manager"))
    out, err = verify()
    archive = Archive.objects.get(activity=evaluated)
    assert f"activity {evaluated.pk} {archive.sha256}" in out
    assert "1 archives checked, 0 altered or missing" in out
    assert err == ""


def test_verify_archives_catches_one_flipped_byte(user, evaluated: Activity, media: Path) -> None:
    other = walk(title="成都春季养生讲座", head="sc_head", until="evaluated")
    services.activity_archive(activity_id=evaluated.pk, by=user("hq_manager"))
    services.activity_archive(activity_id=other.pk, by=user("hq_manager"))
    path = stored_path(evaluated, media)
    data = bytearray(path.read_bytes())
    data[10] ^= 0x01  # the first entry's modification time: the zip still opens
    path.write_bytes(bytes(data))

    error, err = verify_failing()
    assert error.returncode != 0
    assert f"activity {evaluated.pk} " in err
    assert "sha256" in err
    assert f"activity {other.pk} " not in err  # the intact one is not blamed


def test_verify_archives_catches_a_changed_part_with_a_matching_manifest(
    user, evaluated: Activity, media: Path
) -> None:
    """Someone rewrites evaluation.json and its manifest entry: only the stored zip SHA-256
    catches it."""
    services.activity_archive(activity_id=evaluated.pk, by=user("hq_manager"))
    path = stored_path(evaluated, media)
    with zipfile.ZipFile(path) as original:
        parts = {name: original.read(name) for name in original.namelist()}
    parts["evaluation.json"] = parts["evaluation.json"].replace(b"93800.00", b"99800.00")
    manifest = json.loads(parts["manifest.json"])
    for entry in manifest["files"]:
        content = parts[entry["name"]]
        entry["size"], entry["sha256"] = len(content), hashlib.sha256(content).hexdigest()
    parts["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as forged:
        for name, content in parts.items():
            forged.writestr(name, content)

    _error, err = verify_failing()
    assert f"activity {evaluated.pk} " in err


def test_verify_archives_reports_a_missing_file(user, evaluated: Activity, media: Path) -> None:
    services.activity_archive(activity_id=evaluated.pk, by=user("hq_manager"))
    stored_path(evaluated, media).unlink()
    error, err = verify_failing()
    assert error.returncode != 0
    assert f"activity {evaluated.pk} " in err
    assert "missing" in err


def test_verify_archives_names_an_archive_whose_compressed_data_changed(
    user, evaluated: Activity, media: Path
) -> None:
    """A flipped byte inside a file's deflate stream no longer inflates: it is reported as an
    altered archive, by name, and the other archives are still checked."""
    other = walk(title="成都春季养生讲座", head="sc_head", until="evaluated")
    services.activity_archive(activity_id=evaluated.pk, by=user("hq_manager"))
    services.activity_archive(activity_id=other.pk, by=user("hq_manager"))
    path = stored_path(evaluated, media)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        first = archive.infolist()[0]
    name_length = int.from_bytes(
        data[first.header_offset + 26 : first.header_offset + 28], "little"
    )
    extra_length = int.from_bytes(
        data[first.header_offset + 28 : first.header_offset + 30], "little"
    )
    start = first.header_offset + 30 + name_length + extra_length
    data[start] |= 0b110  # the first deflate block's type becomes the reserved 11
    path.write_bytes(bytes(data))

    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError):
        call_command("verify_archives", stdout=out, stderr=err)
    assert f"activity {evaluated.pk} " in err.getvalue()
    assert f"ok  activity {other.pk} " in out.getvalue()


def first_central_entry(data: bytes) -> int:
    """Where the zip's central directory starts (its first entry)."""
    return data.index(b"PK\x01\x02")


def test_verify_archives_names_an_archive_whose_directory_flags_changed(
    user, evaluated: Activity, media: Path
) -> None:
    other = walk(title="成都春季养生讲座", head="sc_head", until="evaluated")
    services.activity_archive(activity_id=evaluated.pk, by=user("hq_manager"))
    services.activity_archive(activity_id=other.pk, by=user("hq_manager"))
    path = stored_path(evaluated, media)
    data = bytearray(path.read_bytes())
    data[first_central_entry(bytes(data)) + 8] ^= 0x01  # "encrypted" in the general flags
    path.write_bytes(bytes(data))

    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError):
        call_command("verify_archives", stdout=out, stderr=err)
    assert f"activity {evaluated.pk} " in err.getvalue()
    assert f"ok  activity {other.pk} " in out.getvalue()
