"""The search page behind the header's search box."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from campaigndesk.core.http import PageRequest
from campaigndesk.search import selectors
from campaigndesk.search.schemas import MAX_QUERY_CHARS


def _page_number(value: str | None) -> int:
    try:
        return min(max(int(value or 1), 1), 100_000)
    except ValueError:
        return 1


@login_required
@require_GET
def results(request: PageRequest) -> HttpResponse:
    """The hits of `q` the user may see, 20 a page, with their type, title and snippet."""
    query = request.GET.get("q", "").strip()[:MAX_QUERY_CHARS]
    results = (
        selectors.search_results_for(
            user=request.user, query=query, page=_page_number(request.GET.get("page"))
        )
        if query
        else None
    )
    return render(request, "search/results.html", {"query": query, "results": results})
