"""Actual costs with receipts: a cost line above RECEIPT_REQUIRED_ABOVE needs a receipt before
the evaluation completes; finance verifies each line; the archive carries the evidence."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from campaigndesk.activities.models import Activity
from campaigndesk.attachments.samples import sample_image
from campaigndesk.attachments.services import attachment_upload
from campaigndesk.core.errors import Forbidden, Incomplete
from campaigndesk.core.models import AuditEntry
from campaigndesk.evaluation import services
from campaigndesk.evaluation.models import Archive, EvaluationCost
from campaigndesk.evaluation.tests.builders import error_of, ok, people, walk


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def bare(demo: None, media: Path) -> Activity:
    """Wrapped up, no receipt attached yet."""
    return walk(title="无票据", until="wrapped_up", receipts=False)


def receipt(activity: Activity, category: str, by: str = "finance_reviewer") -> None:
    attachment_upload(
        activity_id=activity.pk,
        by=people()[by],
        file=sample_image(label=category),
        name="receipt.jpg",
        kind="receipt",
        cost_category=category,
    )


def complete(api, activity: Activity, costs: list[dict[str, str]]):  # type: ignore[no-untyped-def]
    return api("hq_manager").post(
        f"/activities/{activity.pk}/evaluation",
        {"costs": costs, "sales": "1000.00", "attendance": 10, "leads": 1, "new_customers": 0},
    )


@pytest.mark.parametrize(
    ("amount", "needs"), [("1000.00", False), ("1000.01", True), ("999.99", False)]
)
def test_a_receipt_is_needed_above_the_threshold_only(
    api, bare: Activity, amount: str, needs: bool
) -> None:
    response = complete(api, bare, [{"category": "venue", "amount": amount}])
    if needs:
        error = error_of(response, 422, "incomplete")
        assert error["details"]["missing"] == ["receipt:venue"]
        bare.refresh_from_db()
        assert bare.status == "wrapped_up"
    else:
        ok(response, 201)


def test_with_a_receipt_the_evaluation_completes(api, bare: Activity, settings) -> None:  # type: ignore[no-untyped-def]
    costs = [{"category": "venue", "amount": "5000.00"}, {"category": "travel", "amount": "800.00"}]
    error = error_of(complete(api, bare, costs), 422, "incomplete")
    assert error["details"]["missing"] == ["receipt:venue"]
    receipt(bare, "venue")
    ok(complete(api, bare, costs), 201)
    # The threshold is a setting.
    settings.RECEIPT_REQUIRED_ABOVE = Decimal("100000.00")
    other = walk(title="阈值", until="wrapped_up", receipts=False)
    ok(complete(api, other, costs), 201)


def test_finance_verifies_a_line_and_a_changed_amount_loses_it(api, bare: Activity) -> None:
    receipt(bare, "venue")
    finance = api("finance_reviewer")
    costs = [{"category": "venue", "amount": "5000.00"}, {"category": "travel", "amount": "300.00"}]
    body = ok(finance.put(f"/activities/{bare.pk}/evaluation/costs", {"costs": costs}))
    venue, travel = body["costs"]
    assert venue["receipts"] == 1 and not venue["verified"]
    error_of(
        api("hq_manager").post(f"/activities/{bare.pk}/evaluation/costs/{venue['id']}/verify"),
        403,
        "forbidden",
    )
    body = ok(finance.post(f"/activities/{bare.pk}/evaluation/costs/{venue['id']}/verify"))
    assert body["costs"][0]["verified"] and body["costs"][0]["verified_by"] == "finance_reviewer"
    assert AuditEntry.objects.filter(action="cost_verify", activity_id=bare.pk).count() == 1
    ok(finance.post(f"/activities/{bare.pk}/evaluation/costs/{travel['id']}/verify"))
    # Same venue amount: verified still; a changed travel amount: checked again.
    costs[1]["amount"] = "350.00"
    body = ok(finance.put(f"/activities/{bare.pk}/evaluation/costs", {"costs": costs}))
    assert [c["verified"] for c in body["costs"]] == [True, False]
    # Another market's line id through this activity: not found.
    error_of(
        finance.post(f"/activities/{bare.pk}/evaluation/costs/999999/verify"), 404, "not_found"
    )


def test_a_line_above_the_threshold_without_receipt_is_not_verified(bare: Activity) -> None:
    finance = people()["finance_reviewer"]
    services.evaluation_costs_set(
        activity_id=bare.pk, by=finance, costs=[{"category": "promotion", "amount": "2000.00"}]
    )
    line = EvaluationCost.objects.get(evaluation__activity=bare)
    with pytest.raises(Incomplete) as raised:
        services.evaluation_cost_verify(activity_id=bare.pk, line_id=line.pk, by=finance)
    assert raised.value.details["missing"] == ["receipt:promotion"]
    with pytest.raises(Forbidden):
        services.evaluation_cost_verify(
            activity_id=bare.pk, line_id=line.pk, by=people()["sn_head"]
        )


def test_the_archive_holds_the_attachments_with_their_sha256(demo: None, media: Path) -> None:
    activity = walk(title="归档附件", until="archived")
    archive = Archive.objects.get(activity=activity)
    with zipfile.ZipFile(io.BytesIO(archive.file.open("rb").read())) as z:
        manifest = {e["name"]: e for e in json.loads(z.read("manifest.json"))["files"]}
        index = json.loads(z.read("attachments.json"))
        assert len(index) == 3  # the receipts of venue, promotion, materials
        for entry in index:
            data = z.read(entry["path"])
            assert hashlib.sha256(data).hexdigest() == entry["sha256"]
            assert manifest[entry["path"]]["sha256"] == entry["sha256"]
            assert manifest[entry["path"]]["size"] == entry["size"] == len(data)
        assert {e["cost_category"] for e in index} == {"venue", "promotion", "materials"}
    from campaigndesk.evaluation.archive import build_zip, verify_bytes

    # Deterministic: the same record gives the same bytes, and the stored zip verifies.
    assert build_zip(activity) == build_zip(activity)
    assert verify_bytes(archive.file.open("rb").read(), archive.sha256) == []
