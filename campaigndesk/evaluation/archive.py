"""Building and checking the archive zip: the whole record of an activity as JSON files and a
readable HTML report, with a manifest of every file's SHA-256."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
import zlib
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation

from campaigndesk.activities.models import Activity, ActivityVersion
from campaigndesk.attachments.models import Attachment
from campaigndesk.core.models import AuditEntry
from campaigndesk.evaluation.models import Evaluation
from campaigndesk.onsite.models import DailyReport, Meeting, Summary
from campaigndesk.preparation.models import Material, SupportTeam
from campaigndesk.reviews.models import ReviewRound

# Fixed timestamps inside the zip: the same record always gives the same bytes.
ZIP_TIME = (2000, 1, 1, 0, 0, 0)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _username(user: Any) -> str | None:
    return user.username if user is not None else None


def record_of(activity: Activity) -> dict[str, Any]:
    """Everything the archive holds, as plain data."""
    versions = [
        {
            "version": v.version,
            "submitted_at": v.submitted_at,
            "submitted_by": _username(v.submitted_by),
            "proposal": v.snapshot,
        }
        for v in ActivityVersion.objects.filter(activity=activity).select_related("submitted_by")
    ]
    rounds = []
    for r in (
        ReviewRound.objects.filter(activity=activity)
        .prefetch_related(
            "departments",
            "opinions__items",
            "opinions__department",
            "opinions__given_by",
            "opinions__on_behalf_of",
        )
        .select_related("opened_by", "returned_by")
    ):
        rounds.append(
            {
                "round": r.number,
                "version": r.version,
                "meeting_at": r.meeting_at,
                "departments": [d.code for d in r.departments.all()],
                "summary": r.summary,
                "returned_at": r.returned_at,
                "opinions": [
                    {
                        "department": o.department.code,
                        "given_by": _username(o.given_by),
                        "on_behalf_of": _username(o.on_behalf_of),
                        "given_at": o.given_at,
                        "items": [
                            {
                                "section": i.section,
                                "comment": i.comment,
                                "required_change": i.required_change,
                                "response": i.response,
                            }
                            for i in o.items.all()
                        ],
                    }
                    for o in r.opinions.all()
                ],
            }
        )
    team = SupportTeam.objects.filter(activity=activity).select_related("lead").first()
    team_data = (
        None
        if team is None
        else {
            "name": team.name,
            "lead": _username(team.lead),
            "published_at": team.published_at,
            "members": [
                {
                    "username": m.user.username,
                    "role": m.role,
                    "duty": m.duty,
                    "depart_at": m.depart_at,
                    "return_at": m.return_at,
                }
                for m in team.members.select_related("user")
            ],
        }
    )
    materials = [
        {
            "name": m.name,
            "quantity": m.quantity,
            "unit": m.unit,
            "owner_department": m.owner_department.code,
            "due_date": m.due_date,
            "status": m.status,
            "tracking_no": m.tracking_no,
        }
        for m in Material.objects.filter(activity=activity).select_related("owner_department")
    ]
    meetings = [
        {
            "kind": m.kind,
            "held_at": m.held_at,
            "chair": _username(m.chair),
            "attendees": [u.username for u in m.attendees.all()],
            "topics": m.topics,
            "schedule": m.schedule,
            "notes": m.notes,
            "tasks": [
                {
                    "office": t.office.code if t.office else None,
                    "username": _username(t.assignee),
                    "task": t.text,
                    "due_date": t.due_date,
                }
                for t in m.tasks.all()
            ],
        }
        for m in Meeting.objects.filter(activity=activity)
        .select_related("chair")
        .prefetch_related("attendees", "tasks__office", "tasks__assignee")
    ]
    reports = [
        {
            "date": r.date,
            "visitors": r.visitors,
            "leads": r.leads,
            "sales": r.sales,
            "progress": r.progress,
            "public_relations": r.public_relations,
            "competitors": r.competitors,
            "issues": r.issues,
            "reported_by": _username(r.reported_by),
        }
        for r in DailyReport.objects.filter(activity=activity).select_related("reported_by")
    ]
    summaries = [
        {
            "kind": s.kind,
            "author": _username(s.author),
            "strengths": s.strengths,
            "weaknesses": s.weaknesses,
            "text": s.text,
        }
        for s in Summary.objects.filter(activity=activity).select_related("author")
    ]
    evaluation = Evaluation.objects.filter(activity=activity).prefetch_related("costs").first()
    from campaigndesk.evaluation.selectors import metrics_of

    evaluation_data = (
        None
        if evaluation is None
        else {
            "costs": [{"category": c.category, "amount": c.amount} for c in evaluation.costs.all()],
            "sales": evaluation.sales,
            "attendance": evaluation.attendance,
            "leads": evaluation.leads,
            "new_customers": evaluation.new_customers,
            "notes": evaluation.notes,
            "completed_at": evaluation.completed_at,
            "metrics": metrics_of(evaluation, activity),
        }
    )
    history = [
        {
            "at": e.at,
            "actor": _username(e.actor),
            "on_behalf_of": _username(e.on_behalf_of),
            "action": e.action,
            "from_status": e.from_status,
            "to_status": e.to_status,
            "note": e.note,
            "changes": e.changes,
        }
        for e in AuditEntry.objects.filter(activity_id=activity.pk)
        .select_related("actor", "on_behalf_of")
        .order_by("at", "id")
    ]
    return _plain(
        {
            "activity": {
                "id": activity.pk,
                "title": activity.title,
                "market": activity.market.code,
                "start_date": activity.start_date,
                "end_date": activity.end_date,
                "venue": activity.venue,
                "status": activity.status,
            },
            "versions": versions,
            "reviews": rounds,
            "team": team_data,
            "materials": materials,
            "meetings": meetings,
            "daily_reports": reports,
            "summaries": summaries,
            "evaluation": evaluation_data,
            "history": history,
        }
    )


def _attachment_files(activity: Activity) -> dict[str, bytes]:
    """The evidence (photos, sign-in sheets, receipts…) as `attachments/<id>-<name>`, with
    attachments.json listing what each is and the SHA-256 taken at upload."""
    files: dict[str, bytes] = {}
    index: list[dict[str, Any]] = []
    for a in Attachment.objects.filter(activity=activity).select_related("uploaded_by"):
        path = f"attachments/{a.pk}-{a.name.replace('/', '_')}"
        with a.file.open("rb") as stored:
            files[path] = stored.read()
        index.append(
            {
                "path": path,
                "kind": a.kind,
                "name": a.name,
                "content_type": a.content_type,
                "size": a.size,
                "sha256": a.sha256,
                "daily_report_id": a.daily_report_id,
                "meeting_id": a.meeting_id,
                "summary_id": a.summary_id,
                "cost_category": a.cost_category,
                "uploaded_by": a.uploaded_by.username,
                "created_at": _plain(a.created_at),
            }
        )
    files["attachments.json"] = json.dumps(
        sorted(index, key=lambda e: e["path"]), ensure_ascii=False, indent=2, sort_keys=True
    ).encode()
    return files


def build_zip(activity: Activity) -> bytes:
    """The archive's bytes: one JSON file a part, report.html, and manifest.json listing every
    other file with its size and SHA-256."""
    record = record_of(activity)
    files: dict[str, bytes] = {}
    for name in (
        "activity",
        "versions",
        "reviews",
        "team",
        "materials",
        "meetings",
        "daily_reports",
        "summaries",
        "evaluation",
        "history",
    ):
        files[f"{name}.json"] = json.dumps(
            record[name], ensure_ascii=False, indent=2, sort_keys=True
        ).encode()
    with translation.override("zh-hans"):
        files["report.html"] = render_to_string(
            "evaluation/archive_report.html", {"record": record}
        ).encode()
    files.update(_attachment_files(activity))
    manifest = {
        "files": [
            {"name": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            for name, data in sorted(files.items())
        ]
    }
    files["manifest.json"] = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, files[name])
    return buffer.getvalue()


def verify_bytes(data: bytes, expected_sha256: str) -> list[str]:
    """What is wrong with an archive's bytes: an empty list when it is intact."""
    problems = []
    if hashlib.sha256(data).hexdigest() != expected_sha256:
        problems.append("zip sha256 differs from the stored one")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            manifest = json.loads(archive.read("manifest.json"))
            for entry in manifest["files"]:
                content = archive.read(entry["name"])
                if hashlib.sha256(content).hexdigest() != entry["sha256"]:
                    problems.append(f"{entry['name']}: sha256 differs from the manifest")
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        KeyError,
        ValueError,
        OSError,
        RuntimeError,
        NotImplementedError,
    ) as error:
        # A changed byte inside compressed data fails to inflate: that is an altered file too.
        problems.append(f"unreadable: {error}")
    return problems
