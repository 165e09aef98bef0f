"""What each searchable object contributes to the index: its title, its text, and who may see it.

Activity documents (the proposal, opinion items, daily reports, summaries, lessons) are seen by
HQ and the activity's market, as the activity itself (`policies.activity_scope`). A published
briefing is seen by every market's people, a draft only by HQ (`briefings_for`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

from django.db import models
from django.db.models import Prefetch

from campaigndesk.activities.models import Activity
from campaigndesk.briefings.models import Briefing, BriefingMarket, BriefingStatus
from campaigndesk.evaluation.models import Lesson
from campaigndesk.onsite.models import DailyReport, Summary
from campaigndesk.reviews.models import OpinionItem
from campaigndesk.search.models import Audience, DocumentType

TITLE_MAX = 300


@dataclass(frozen=True)
class Document:
    """One row of the index as built from its object, before segmentation."""

    kind: str
    object_id: int
    activity_id: int | None
    market_id: int | None
    audience: str
    title: str
    body: str
    # The proposal's and the briefing's title are their own words, found like their text; the
    # other documents' title names their activity, whose words are the proposal's, not theirs.
    title_searched: bool = False

    @property
    def searched_text(self) -> str:
        return _text(self.title, self.body) if self.title_searched else self.body

    @property
    def key(self) -> tuple[str, int]:
        return (self.kind, self.object_id)

    @property
    def fingerprint(self) -> str:
        source = json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(source.encode()).hexdigest()


def _text(*parts: Any) -> str:
    """The non-empty parts, one a line."""
    return "\n".join(s for s in (str(p or "").strip() for p in parts) if s)


def _of_activity(
    kind: DocumentType,
    object_id: int,
    activity: Activity,
    body: str,
    title: str = "",
    title_searched: bool = False,
) -> Document:
    return Document(
        kind=kind,
        object_id=object_id,
        activity_id=activity.pk,
        market_id=activity.market_id,
        audience=Audience.MARKET,
        title=(title or activity.title)[:TITLE_MAX],
        body=body,
        title_searched=title_searched,
    )


def proposal_document(activity: Activity) -> Document:
    # Sections by key: PostgreSQL's jsonb does not keep the order they were written in, and the
    # same activity must give the same text whether read back or just saved.
    sections = activity.sections if isinstance(activity.sections, dict) else {}
    body = _text(activity.venue, *(sections[key] for key in sorted(sections)))
    return _of_activity(DocumentType.PROPOSAL, activity.pk, activity, body, title_searched=True)


def proposal_documents(activities: models.QuerySet[Activity]) -> Iterator[Document]:
    for activity in activities:
        yield proposal_document(activity)


def opinion_documents(items: models.QuerySet[OpinionItem]) -> Iterator[Document]:
    for item in items.select_related("opinion__round__activity"):
        activity = item.opinion.round.activity
        yield _of_activity(
            DocumentType.OPINION, item.pk, activity, _text(item.comment, item.response)
        )


def daily_report_documents(reports: models.QuerySet[DailyReport]) -> Iterator[Document]:
    for r in reports.select_related("activity"):
        body = _text(r.progress, r.public_relations, r.competitors, r.issues)
        title = f"{r.activity.title} · {r.date:%Y-%m-%d}"
        yield _of_activity(DocumentType.DAILY_REPORT, r.pk, r.activity, body, title)


def summary_documents(summaries: models.QuerySet[Summary]) -> Iterator[Document]:
    for s in summaries.select_related("activity"):
        body = _text(s.strengths, s.weaknesses, s.text)
        yield _of_activity(DocumentType.SUMMARY, s.pk, s.activity, body)


def lesson_documents(lessons: models.QuerySet[Lesson]) -> Iterator[Document]:
    for lesson in lessons.select_related("activity"):
        items = lesson.items if isinstance(lesson.items, list) else []
        body = _text(lesson.text, *items)
        yield _of_activity(DocumentType.LESSON, lesson.pk, lesson.activity, body)


def briefing_documents(briefings: models.QuerySet[Briefing]) -> Iterator[Document]:
    """One document per briefing: its title, introduction and every market's entry."""
    entries = BriefingMarket.objects.select_related("market").order_by("market__code")
    for b in briefings.prefetch_related(Prefetch("entries", queryset=entries)):
        parts: list[str] = [b.intro]
        for entry in b.entries.all():
            if entry.highlights.strip() or entry.competitors.strip():
                parts += [entry.market.name, entry.highlights, entry.competitors]
        yield Document(
            kind=DocumentType.BRIEFING,
            object_id=b.pk,
            activity_id=None,
            market_id=None,
            audience=Audience.EVERYONE if b.status == BriefingStatus.PUBLISHED else Audience.HQ,
            title=b.title[:TITLE_MAX],
            body=_text(*parts),
            title_searched=True,
        )


@dataclass(frozen=True)
class Source:
    """Where documents of a kind come from; `activity_lookup` files them under an activity."""

    model: type[models.Model]
    build: Callable[[Any], Iterable[Document]]
    activity_lookup: str | None


SOURCES: dict[str, Source] = {
    DocumentType.PROPOSAL: Source(Activity, proposal_documents, "pk"),
    DocumentType.OPINION: Source(OpinionItem, opinion_documents, "opinion__round__activity_id"),
    DocumentType.DAILY_REPORT: Source(DailyReport, daily_report_documents, "activity_id"),
    DocumentType.SUMMARY: Source(Summary, summary_documents, "activity_id"),
    DocumentType.LESSON: Source(Lesson, lesson_documents, "activity_id"),
    DocumentType.BRIEFING: Source(Briefing, briefing_documents, None),
}
ACTIVITY_KINDS = tuple(kind for kind, source in SOURCES.items() if source.activity_lookup)


def documents_of_activity(activity_id: int, kinds: Iterable[str]) -> Iterator[Document]:
    """The documents of `kinds` filed under the activity (one query per kind)."""
    for kind in kinds:
        source = SOURCES[kind]
        if source.activity_lookup:
            rows = source.model._default_manager.filter(**{source.activity_lookup: activity_id})
            yield from source.build(rows)


def documents_of(kind: str, object_id: int) -> Iterator[Document]:
    """The document of one object (none when it is gone)."""
    source = SOURCES[kind]
    yield from source.build(source.model._default_manager.filter(pk=object_id))


def all_documents(kind: str, *, chunk: int = 500) -> Iterator[Document]:
    """Every document of a kind, read `chunk` objects at a time."""
    source = SOURCES[kind]
    manager = source.model._default_manager
    ids = list(manager.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), chunk):
        yield from source.build(manager.filter(pk__in=ids[start : start + chunk]))
