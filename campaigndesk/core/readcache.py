"""Hot API reads answered again from a short-lived copy while nothing was written.

The activity list, an activity, its history, its daily reports, its reference pack and search
are read far more often than anything is written, and by many people of the same scope (all HQ
sees the same list; a market's people see their market's). Such a read's JSON is kept a few
seconds under a key of everything it depends on:

- the path and the query string (the operation, ids, page, filters, words);
- the caller's scope (`scope(user)`, by default `policies.activity_scope`: HQ, one market, or
  nothing) — people of another scope never share a copy, and a changed role or market is a new
  key at once;
- the language;
- the data: the newest audit id (`core.audit.data_version`). Every write leaves an audit row in
  its transaction, so a committed write makes a new key at once; a copy is kept only when no
  other write was in progress, so it never stands for data it does not show.

What is written without an audit row (the Django admin, management commands) shows within the
copy's seconds. Errors (404, 403, 422) and answers over MAX_BYTES are never kept. Off in tests
unless a test turns it on (`READ_CACHE_SECONDS`): their rows are often written without an audit
row.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language
from ninja.responses import NinjaJSONEncoder

from campaigndesk.core.audit import data_version
from campaigndesk.org import policies

JSON = "application/json; charset=utf-8"
MAX_BYTES = 256 * 1024  # larger answers are not kept: each process's cache lives in its memory
AnyUser = AbstractBaseUser | AnonymousUser


def json_response(data: Any) -> HttpResponse:
    """The JSON ninja would render for `data`, without validating it again against the
    operation's response schema (ninja passes a returned HttpResponse through). For hot reads
    whose rows are built field by field to the schema: on a page of 20 activities the validation
    was ~40% of the request. The schema stays in `response=` for the OpenAPI, and the fuzz test
    (core/tests/test_fuzz_api.py) checks every response against it."""
    return HttpResponse(json.dumps(data, cls=NinjaJSONEncoder), content_type=JSON)


def cache_seconds(setting: str) -> int:
    """How long a short read cache keeps its copies: `settings.<setting>` (READ_CACHE_SECONDS
    here, OVERVIEW_CACHE_SECONDS, SEARCH_COUNT_CACHE_SECONDS); 10, none in tests: their rows
    are often written without an audit row."""
    default = 0 if getattr(settings, "TESTING", False) else 10
    return int(getattr(settings, setting, default))


def activity_scope_key(user: AnyUser) -> str:
    return str(policies.activity_scope(user))


def reuse(
    request: HttpRequest,
    compute: Callable[[], HttpResponse],
    *,
    scope: Callable[[AnyUser], str] = activity_scope_key,
) -> HttpResponse:
    """The answer `compute()` gives `request` (an API read returning its JSON through
    `json_response`), or the copy kept of it as described above; a 200 answer is kept. Called by
    the view itself (not a decorator: ninja reads the view's own signature and annotations)."""
    seconds = cache_seconds("READ_CACHE_SECONDS")
    if not seconds:
        return compute()
    version = data_version()
    user = getattr(request, "auth", None) or request.user
    raw = "\x1f".join(
        (
            request.path,
            request.GET.urlencode(),
            scope(user),
            get_language() or "",
            str(version.latest),
        )
    )
    key = "read:" + hashlib.sha256(raw.encode()).hexdigest()
    body = cache.get(key)
    if body is not None:
        return HttpResponse(body, content_type=JSON)
    response = compute()
    if version.settled and response.status_code == 200 and len(response.content) <= MAX_BYTES:
        cache.set(key, response.content, seconds)
    return response
