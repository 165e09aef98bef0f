"""`generate_scale` at a tiny scale (on whichever database the suite runs: SQLite or
PostgreSQL): the rows keep the proportions of issue 11, satisfy the models' rules, and the pages
and endpoints the benchmark measures work on them. Its speed is the benchmark's business."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q
from django.utils import timezone

from campaigndesk.activities.models import Activity
from campaigndesk.activities.workflow import Status
from campaigndesk.core.models import AuditEntry
from campaigndesk.core.scale import FULL, targets
from campaigndesk.notifications.models import Notification
from campaigndesk.onsite.models import DailyReport, Meeting, Summary
from campaigndesk.reviews.models import Opinion
from campaigndesk.search.documents import all_documents
from campaigndesk.search.models import DocumentType, SearchDocument

MARKETS, YEARS, SCALE = 3, 2, 0.5


@pytest.fixture
def generated(demo: None) -> dict[str, int]:
    before = Activity.objects.count()
    out = StringIO()
    call_command(
        "generate_scale",
        markets=MARKETS,
        years=YEARS,
        scale=SCALE,
        stdout=out,
    )
    assert "done in" in out.getvalue()
    return {"demo_activities": before}


@pytest.mark.django_db(transaction=False)
def test_rows_keep_the_proportions_of_the_issue(generated: dict[str, int]) -> None:
    want = targets(markets=MARKETS, years=YEARS, scale=SCALE)
    generated_activities = Activity.objects.filter(market__code__startswith="G")
    n = generated_activities.count()
    # The planned activities, plus one campaign on site now in every market.
    assert n == want["activities"] + MARKETS
    per_activity = {
        "opinions": Opinion.objects.count(),
        "daily_reports": DailyReport.objects.count(),
        "meetings": Meeting.objects.count(),
        "summaries": Summary.objects.count(),
        "audit": AuditEntry.objects.filter(activity_id__in=generated_activities).count(),
        "notifications": Notification.objects.count(),
    }
    for key, count in per_activity.items():
        expected = FULL[key] / FULL["activities"]
        assert 0.6 * expected <= count / n <= 1.4 * expected, (key, count / n, expected)
    # Every status of the lifecycle is there.
    statuses = set(generated_activities.values_list("status", flat=True))
    assert statuses == set(Status.values)


@pytest.mark.django_db(transaction=False)
def test_generated_rows_follow_the_rules(generated: dict[str, int]) -> None:
    # Reports only on the activity's days, one a day (the constraint would have refused more).
    outside = Q(date__lt=F("activity__start_date")) | Q(date__gt=F("activity__end_date"))
    assert not DailyReport.objects.filter(outside).exists()
    # Only the activities that went on site have reports; only those wrapped up, summaries.
    early = {Status.DRAFT, Status.SUBMITTED, Status.IN_REVIEW, Status.APPROVED}
    assert not DailyReport.objects.filter(activity__status__in=early).exists()
    wrapped = Summary.objects.values_list("activity__status", flat=True).distinct()
    assert set(wrapped) <= {Status.WRAPPED_UP, Status.EVALUATED, Status.ARCHIVED}
    # The search index is what a re-index would write: nothing stale, nothing missing.
    for kind in (DocumentType.PROPOSAL, DocumentType.DAILY_REPORT, DocumentType.SUMMARY):
        stored = dict(
            SearchDocument.objects.filter(kind=kind).values_list("object_id", "fingerprint")
        )
        built = {d.object_id: d.fingerprint for d in all_documents(kind)}
        assert stored == built, kind


@pytest.mark.django_db(transaction=False)
def test_the_benchmarked_pages_work_on_the_generated_data(generated, api, client) -> None:  # type: ignore[no-untyped-def]
    hq = api("hq_manager")
    listed = hq.get("/activities")
    assert listed.status_code == 200
    assert listed.json()["count"] == Activity.objects.count()
    archived = (
        Activity.objects.filter(market__code="G01", status=Status.ARCHIVED)
        .annotate(n=Count("daily_reports"))
        .order_by("-n")
        .first()
    )
    assert archived is not None
    for path in ("", "/history", "/daily-reports", "/reference-pack", "/opinions"):
        response = hq.get(f"/activities/{archived.pk}{path}")
        assert response.status_code == 200, (path, response.content[:300])
    reports = hq.get(f"/activities/{archived.pk}/daily-reports").json()
    assert len(reports["items"]) == archived.n > 0
    pack = hq.get(f"/activities/{archived.pk}/reference-pack").json()
    assert pack["previous"] is not None  # ten years of the market's evaluated activities
    found = hq.get("/search", params={"q": "专家讲座"})
    assert found.status_code == 200 and found.json()["count"] > 0
    # A generated market head logs in with the demo password and posts today's report.
    head = api("g01_head")
    on_site = Activity.objects.filter(market__code="G01", status=Status.ON_SITE).latest("end_date")
    day = timezone.localdate() + timedelta(days=1)
    posted = head.post(
        f"/activities/{on_site.pk}/daily-reports",
        {"date": day.isoformat(), "visitors": 10, "leads": 1, "sales": "100.00", "progress": "好"},
    )
    assert posted.status_code == 201, posted.content
    assert client.login(username="hq_manager", password="campaign-demo")
    assert client.get("/dashboard/").status_code == 200
