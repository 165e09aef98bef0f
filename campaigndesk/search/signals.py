"""Keeps the search index current on every write, in the writer's transaction.

Each indexed model re-indexes its document when saved and removes it when deleted. Two kinds of
document are also written in bulk, which sends no signal: opinion items (`bulk_create` by
`opinion_give`, `bulk_update` of the responses by `activity_resubmit`) and briefing entries
(`briefing_compile`, `briefing_update`). Those services, as every service, then write an audit
row, which re-indexes what was written: every audit row of a briefing re-indexes the briefing,
those of `OPINION_BULK_WRITES` their activity's opinion items (the tests walk each of them). A
new bulk write of an indexed model belongs there too; `manage.py reindex_search` mends the rest.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from campaigndesk.activities.models import Activity
from campaigndesk.briefings.models import Briefing, BriefingMarket
from campaigndesk.core.models import AuditEntry
from campaigndesk.evaluation.models import Lesson
from campaigndesk.onsite.models import DailyReport, Summary
from campaigndesk.reviews.models import OpinionItem
from campaigndesk.search import services
from campaigndesk.search.models import DocumentType

# Models whose row is one document of that type, filed under an activity.
ACTIVITY_PARTS: dict[type[Any], DocumentType] = {
    OpinionItem: DocumentType.OPINION,
    DailyReport: DocumentType.DAILY_REPORT,
    Summary: DocumentType.SUMMARY,
    Lesson: DocumentType.LESSON,
}
BRIEFING_TYPE = Briefing._meta.label_lower
# Audit rows (object type, action) that follow a bulk write of the activity's opinion items:
# opinion_give's `bulk_create`, and activity_resubmit's `bulk_update` of the responses.
OPINION_BULK_WRITES = frozenset(
    {("reviews.opinion", "opinion"), ("activities.activity", "resubmit")}
)


@receiver(post_save, sender=Activity, dispatch_uid="search_activity_saved")
def activity_saved(
    sender: type[Activity], instance: Activity, created: bool, raw: bool = False, **_: Any
) -> None:
    if not raw:
        services.search_index_proposal(activity=instance, created=created)


@receiver(post_delete, sender=Activity, dispatch_uid="search_activity_deleted")
def activity_deleted(sender: type[Activity], instance: Activity, **_: Any) -> None:
    services.search_remove_activity(activity_id=instance.pk)


def part_saved(sender: type[Any], instance: Any, raw: bool = False, **_: Any) -> None:
    if not raw:
        services.search_index_object(kind=ACTIVITY_PARTS[sender], object_id=instance.pk)


def part_deleted(sender: type[Any], instance: Any, **_: Any) -> None:
    services.search_remove_object(kind=ACTIVITY_PARTS[sender], object_id=instance.pk)


for model in ACTIVITY_PARTS:
    post_save.connect(part_saved, sender=model, dispatch_uid=f"search_{model.__name__}_saved")
    post_delete.connect(part_deleted, sender=model, dispatch_uid=f"search_{model.__name__}_deleted")


@receiver(post_save, sender=Briefing, dispatch_uid="search_briefing_saved")
def briefing_saved(sender: type[Briefing], instance: Briefing, raw: bool = False, **_: Any) -> None:
    if not raw:
        services.search_index_object(kind=DocumentType.BRIEFING, object_id=instance.pk)


@receiver(post_delete, sender=Briefing, dispatch_uid="search_briefing_deleted")
def briefing_deleted(sender: type[Briefing], instance: Briefing, **_: Any) -> None:
    services.search_remove_object(kind=DocumentType.BRIEFING, object_id=instance.pk)


@receiver(post_save, sender=BriefingMarket, dispatch_uid="search_briefing_entry_saved")
@receiver(post_delete, sender=BriefingMarket, dispatch_uid="search_briefing_entry_deleted")
def briefing_entry_changed(
    sender: type[BriefingMarket], instance: BriefingMarket, raw: bool = False, **_: Any
) -> None:
    # Also on delete: the briefing's document loses the entry (or goes, with its briefing).
    if not raw:
        services.search_index_object(kind=DocumentType.BRIEFING, object_id=instance.briefing_id)


@receiver(post_save, sender=AuditEntry, dispatch_uid="search_audit_written")
def audit_written(
    sender: type[AuditEntry], instance: AuditEntry, created: bool, raw: bool = False, **_: Any
) -> None:
    if raw or not created:
        return
    if instance.object_type == BRIEFING_TYPE and instance.object_id is not None:
        # Every write of a briefing: its entries are always written in bulk.
        services.search_index_object(kind=DocumentType.BRIEFING, object_id=instance.object_id)
        return
    if instance.activity_id is not None and (instance.object_type, instance.action) in (
        OPINION_BULK_WRITES
    ):
        services.search_index_activity(
            activity_id=instance.activity_id, kinds=[DocumentType.OPINION]
        )
