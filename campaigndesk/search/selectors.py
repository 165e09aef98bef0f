"""Search: the documents matching a query that the user may see, best first, a page at a time."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils.functional import Promise
from django.utils.safestring import SafeString

from campaigndesk.org import policies
from campaigndesk.search.highlight import marked, snippet
from campaigndesk.search.models import Audience, DocumentType, SearchDocument
from campaigndesk.search.segment import query_tokens

PAGE_SIZE = 20


@dataclass(frozen=True)
class Hit:
    kind: str
    object_id: int
    activity_id: int | None
    title: str
    snippet: SafeString
    title_marked: SafeString  # the title with the matched words in `<mark>`, for pages

    @property
    def kind_label(self) -> Promise | str:
        return DocumentType(self.kind).label if self.kind in DocumentType.values else self.kind


@dataclass(frozen=True)
class SearchResults:
    items: list[Hit]
    count: int
    page: int
    page_size: int
    terms: list[str]

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.count // self.page_size))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages


def search_scope(user: AbstractBaseUser | AnonymousUser) -> Q:
    """HQ gets every document; everyone else the documents of the activities they may see
    (`policies.activity_scope`) and published briefings, never a draft."""
    if policies.is_hq(user):
        return Q()
    return (Q(audience=Audience.MARKET) & policies.activity_scope(user)) | Q(
        audience=Audience.EVERYONE
    )


def _matching(terms: list[str]) -> QuerySet[SearchDocument]:
    """Documents holding every one of `terms`, annotated with `rank` (higher is better)."""
    documents = SearchDocument.objects.all()
    if connection.vendor == "postgresql":
        words = " ".join(terms)
        vector = "to_tsvector('simple', search_document.segmented)"
        return documents.extra(  # noqa: S610 - fixed SQL, the words are a parameter
            where=[f"{vector} @@ plainto_tsquery('simple', %s)"],
            params=[words],
            select={"rank": f"ts_rank({vector}, plainto_tsquery('simple', %s))"},
            select_params=[words],
        )
    if connection.vendor == "sqlite":
        # Each word quoted, so that FTS5 reads none as an operator; juxtaposed words are ANDed.
        match = " ".join('"{}"'.format(term.replace('"', '""')) for term in terms)
        return documents.extra(
            tables=["search_document_fts"],
            where=[
                "search_document_fts.rowid = search_document.id",
                "search_document_fts MATCH %s",
            ],
            params=[match],
            select={"rank": "-bm25(search_document_fts)"},
        )
    raise NotImplementedError(f"search on {connection.vendor}")


def search_results_for(
    *, user: AbstractBaseUser | AnonymousUser, query: str, page: int = 1
) -> SearchResults:
    """The page `page` of the documents `user` may see that hold every word of `query`, best
    ranked first, each with a snippet. Two queries (the count, the page), however many hits."""
    terms = query_tokens(query)
    if not terms:
        return SearchResults(items=[], count=0, page=page, page_size=PAGE_SIZE, terms=terms)
    hits = _matching(terms).filter(search_scope(user))
    count = hits.count()
    offset = (page - 1) * PAGE_SIZE
    rows: list[Any] = (
        list(
            hits.only("kind", "object_id", "activity_id", "title", "body").order_by("-rank", "-pk")[
                offset : offset + PAGE_SIZE
            ]
        )
        if offset < count
        else []
    )
    items = [
        Hit(
            kind=row.kind,
            object_id=row.object_id,
            activity_id=row.activity_id,
            title=row.title,
            snippet=snippet(row.body, terms),
            title_marked=marked(row.title, terms),
        )
        for row in rows
    ]
    return SearchResults(items=items, count=count, page=page, page_size=PAGE_SIZE, terms=terms)
