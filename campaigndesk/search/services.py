"""Keeping the search index in step with the objects it covers.

These run inside the transaction of the write that calls them (through `signals`), so a document
and its index row are committed or rolled back together. They are maintenance, not user actions:
no policy check here; who may *get* a row is decided at query time (`selectors.search_scope`).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import QuerySet

from campaigndesk.activities.models import Activity
from campaigndesk.search.documents import (
    ACTIVITY_KINDS,
    SOURCES,
    Document,
    all_documents,
    documents_of,
    documents_of_activity,
    proposal_document,
)
from campaigndesk.search.models import DocumentType, SearchDocument
from campaigndesk.search.segment import segmented

BATCH = 500
UPDATED_FIELDS = [
    "activity_id",
    "market_id",
    "audience",
    "title",
    "body",
    "segmented",
    "fingerprint",
    "indexed_at",
]


def _row(document: Document) -> SearchDocument:
    return SearchDocument(
        kind=document.kind,
        object_id=document.object_id,
        activity_id=document.activity_id,
        market_id=document.market_id,
        audience=document.audience,
        title=document.title,
        body=document.body,
        segmented=segmented(document.searched_text),
        fingerprint=document.fingerprint,
    )


def _upsert(rows: list[SearchDocument]) -> None:
    # One statement for new and changed rows; on SQLite the FTS triggers follow both.
    SearchDocument.objects.bulk_create(
        rows,
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["kind", "object_id"],
        update_fields=UPDATED_FIELDS,
    )


def _sync(documents: Iterable[Document], existing: QuerySet[SearchDocument]) -> int:
    """Makes the rows of `existing` exactly `documents`: writes the new and the changed ones
    (segmenting only those), deletes the rest. Returns the number of rows written or deleted."""
    current = {
        (kind, object_id): (pk, fingerprint)
        for pk, kind, object_id, fingerprint in existing.values_list(
            "pk", "kind", "object_id", "fingerprint"
        )
    }
    seen: set[tuple[str, int]] = set()
    changed: list[SearchDocument] = []
    for document in documents:
        seen.add(document.key)
        row = current.get(document.key)
        if row is None or row[1] != document.fingerprint:
            changed.append(_row(document))
    stale = [pk for key, (pk, _) in current.items() if key not in seen]
    if stale:
        SearchDocument.objects.filter(pk__in=stale).delete()
    if changed:
        _upsert(changed)
    return len(changed) + len(stale)


@transaction.atomic(savepoint=False)
def search_index_activity(*, activity_id: int, kinds: Iterable[str] = ACTIVITY_KINDS) -> int:
    """Brings the documents of `kinds` filed under the activity (by default all: its proposal,
    opinion items, daily reports, summaries, lessons) in step with their objects: new and
    changed ones are (re)written, those of deleted objects removed, unchanged ones left alone.
    A deleted activity leaves no row behind."""
    kinds = tuple(kinds)
    return _sync(
        documents_of_activity(activity_id, kinds),
        SearchDocument.objects.filter(activity_id=activity_id, kind__in=kinds),
    )


@transaction.atomic(savepoint=False)
def search_index_proposal(*, activity: Activity, created: bool = False) -> int:
    """Re-indexes the proposal of a saved activity; and every document filed under it when its
    title (which heads theirs) or its market (which decides who sees them) changed, or when it
    was not indexed yet. A new activity has nothing filed under it: one statement; a save that
    changes neither: one query."""
    document = proposal_document(activity)
    if created:
        _upsert([_row(document)])
        return 1
    row = (
        SearchDocument.objects.filter(kind=document.kind, object_id=document.object_id)
        .values("fingerprint", "title", "market_id")
        .first()
    )
    if row is not None and row["fingerprint"] == document.fingerprint:
        return 0
    if row is None or (row["title"], row["market_id"]) != (document.title, document.market_id):
        return search_index_activity(activity_id=activity.pk)
    _upsert([_row(document)])
    return 1


@transaction.atomic(savepoint=False)
def search_index_object(*, kind: str, object_id: int) -> int:
    """Brings the one document of an object in step with it (removed when the object is gone).
    A briefing's document holds its entries, so an entry's change re-indexes its briefing."""
    if kind not in SOURCES:
        raise ValueError(kind)
    return _sync(
        documents_of(kind, object_id),
        SearchDocument.objects.filter(kind=kind, object_id=object_id),
    )


def search_remove_activity(*, activity_id: int) -> int:
    """Removes every document filed under a deleted activity."""
    deleted, _ = SearchDocument.objects.filter(activity_id=activity_id).delete()
    return deleted


def search_remove_object(*, kind: str, object_id: int) -> int:
    """Removes the document of a deleted object."""
    deleted, _ = SearchDocument.objects.filter(kind=kind, object_id=object_id).delete()
    return deleted


@transaction.atomic
def search_rebuild() -> int:
    """Rebuilds the whole index from the objects (after a restore, a bulk import, or a change of
    the segmentation); returns the number of documents indexed."""
    SearchDocument.objects.all().delete()
    count = 0
    for kind in DocumentType.values:
        batch: list[SearchDocument] = []
        for document in all_documents(kind):
            batch.append(_row(document))
            if len(batch) >= BATCH:
                _upsert(batch)
                count += len(batch)
                batch = []
        if batch:
            _upsert(batch)
            count += len(batch)
    if connection.vendor == "sqlite":
        # The triggers kept it in step; a rebuild also mends an FTS table that drifted.
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO search_document_fts(search_document_fts) VALUES ('rebuild')"
            )
    return count
