# ruff: noqa: S608 - the SQL is assembled from fixed fragments; every value is a parameter
"""Search: the documents matching a query that the user may see, best first, a page at a time."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connection
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.safestring import SafeString

from campaigndesk.core.audit import data_version
from campaigndesk.core.readcache import cache_seconds
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


# Relevance is worked out for the newest RANK_WINDOW matching documents only: a common word
# matches a large share of ten years of documents, and ranking all of them (SQLite's bm25,
# PostgreSQL's ts_rank, which re-reads every text) costs time that grows with the archive. Those
# newest documents come best first; any older matches follow, newest first. The count stays
# exact, and both databases order the same way.
RANK_WINDOW = 1000
FIELDS = ("id", "kind", "object_id", "activity_id", "title", "body")


def _scope_sql(scope: Q) -> tuple[str, list[Any]] | None:
    """`scope` as a SQL condition on `search_document` (" AND …", or "" for everything), or
    None when it admits nothing."""
    query = SearchDocument.objects.filter(scope).query
    compiler = query.get_compiler(connection=connection)
    try:
        sql, params = compiler.compile(query.where)
    except EmptyResultSet:
        return None
    except FullResultSet:
        return "", []
    return (f" AND {sql}" if sql else ""), list(params)


def _queries(terms: list[str], scope: str) -> tuple[str, str, str, list[Any]]:
    """The SQL of the count, of a page within the ranked window, and of a page past it (each
    ending in LIMIT %s OFFSET %s but the count), and the parameters they start with."""
    columns = ", ".join(f"d.{name}" for name in FIELDS)
    plain = ", ".join(f"search_document.{name}" for name in FIELDS)
    if connection.vendor == "sqlite":
        # Each word quoted, so that FTS5 reads none as an operator; juxtaposed words are ANDed.
        match = " ".join('"{}"'.format(term.replace('"', '""')) for term in terms)
        # FTS5 hands its matches out in rowid order: the newest are read first and the window
        # stops the reading; bm25 is computed for the rows kept only. HQ (no scope) counts in
        # the full-text index alone.
        fts = "search_document_fts"
        source = f"{fts} JOIN search_document ON search_document.id = {fts}.rowid" if scope else fts
        where = f"{fts} MATCH %s{scope}"
        count = f"SELECT COUNT(*) FROM {source} WHERE {where}"
        # The window ranked and cut to the page first; the page's rows read after.
        ranked = (
            f"SELECT {columns} FROM (SELECT w.id, w.score FROM (SELECT {fts}.rowid AS id,"
            f" bm25({fts}) AS score FROM {source} WHERE {where} ORDER BY {fts}.rowid DESC"
            f" LIMIT {RANK_WINDOW}) AS w ORDER BY w.score, w.id DESC LIMIT %s OFFSET %s) AS c"
            " JOIN search_document d ON d.id = c.id ORDER BY c.score, c.id DESC"
        )
        rest = (
            f"SELECT {plain} FROM {fts} JOIN search_document ON search_document.id = {fts}.rowid"
            f" WHERE {where} ORDER BY {fts}.rowid DESC LIMIT %s OFFSET %s"
        )
        return count, ranked, rest, [match]
    if connection.vendor == "postgresql":
        # The GIN index on the stored vector (migration 0003) finds the matches; the window is
        # ranked on the same stored vector.
        query = "plainto_tsquery('simple', %s)"
        words = " ".join(terms)
        where = f"search_document.search_vector @@ {query}{scope}"
        count = f"SELECT COUNT(*) FROM search_document WHERE {where}"
        ranked = (
            f"SELECT {columns} FROM (SELECT w.id, ts_rank(w.search_vector, {query}) AS score"
            " FROM (SELECT search_document.id, search_document.search_vector FROM search_document"
            f" WHERE {where} ORDER BY search_document.id DESC LIMIT {RANK_WINDOW}) AS w"
            " ORDER BY score DESC, w.id DESC LIMIT %s OFFSET %s) AS c"
            " JOIN search_document d ON d.id = c.id ORDER BY c.score DESC, c.id DESC"
        )
        rest = (
            f"SELECT {plain} FROM search_document WHERE {where}"
            " ORDER BY search_document.id DESC LIMIT %s OFFSET %s"
        )
        return count, ranked, rest, [words]
    raise NotImplementedError(f"search on {connection.vendor}")


def _count(sql: str, params: list[Any]) -> int:
    """The number of matches. Counting a common word reads every matching row; paging through
    its hits would count again each time. So the count is kept a few seconds under a key made
    of the very SQL and parameters (the words and the scope) and of the newest audit id: every
    write leaves an audit row in the transaction that re-indexes what it wrote, so a write
    makes a new key at once; a count is kept only when no other write was in progress
    (`core.audit.data_version`)."""
    seconds = cache_seconds("SEARCH_COUNT_CACHE_SECONDS")
    key = ""
    if seconds:
        version = data_version()
        raw = json.dumps([connection.alias, sql, params, version.latest], default=str)
        key = "search-count:" + hashlib.sha256(raw.encode()).hexdigest()
        cached = cache.get(key)
        if cached is not None:
            return int(cached)
        if not version.settled:
            key = ""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        count = int(cursor.fetchone()[0])
    if key:
        cache.set(key, count, seconds)
    return count


def search_results_for(
    *, user: AbstractBaseUser | AnonymousUser, query: str, page: int = 1
) -> SearchResults:
    """The page `page` of the documents `user` may see that hold every word of `query`, best
    ranked first (see RANK_WINDOW), each with a snippet. Two queries (the count, the page),
    however many hits; with the count cache on, the newest audit id, and the count only when
    it is not kept."""
    terms = query_tokens(query)
    scope = _scope_sql(search_scope(user)) if terms else None
    if scope is None:
        return SearchResults(items=[], count=0, page=page, page_size=PAGE_SIZE, terms=terms)
    scope_sql, scope_params = scope
    count_sql, ranked_sql, rest_sql, params = _queries(terms, scope_sql)
    where_params = [*params, *scope_params]
    count = _count(count_sql, where_params)
    offset = (page - 1) * PAGE_SIZE
    rows: list[Any] = []
    if offset < count:
        if offset < RANK_WINDOW:
            sql = ranked_sql
            # PostgreSQL's ranked SQL names the words once more, first (the rank).
            page_params = (params if connection.vendor == "postgresql" else []) + where_params
        else:
            sql, page_params = rest_sql, where_params
        rows = list(SearchDocument.objects.raw(sql, [*page_params, PAGE_SIZE, offset]))
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
