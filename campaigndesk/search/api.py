"""GET /search: full-text search over what the caller may see."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from ninja import Query, Router

from campaigndesk.core.errors import ValidationFailed
from campaigndesk.core.http import ApiRequest
from campaigndesk.org.schemas import ErrorOut
from campaigndesk.search import selectors
from campaigndesk.search.schemas import SearchFilters, SearchPage

router = Router(tags=["search"])


@router.get(
    "/search",
    response={200: SearchPage, 401: ErrorOut, 422: ErrorOut},
    summary="Proposals, opinions, daily reports, summaries, lessons and briefings matching every "
    "word of q, best first, 20 a page",
)
def search(request: ApiRequest, filters: Query[SearchFilters]) -> dict[str, Any]:
    if not filters.q.strip():
        raise ValidationFailed({"q": _("Enter the words to search for.")})
    results = selectors.search_results_for(user=request.auth, query=filters.q, page=filters.page)
    return {
        "items": [
            {
                "type": hit.kind,
                "id": hit.object_id,
                "activity_id": hit.activity_id,
                "title": hit.title,
                "snippet": hit.snippet,
            }
            for hit in results.items
        ],
        "count": results.count,
        "page": results.page,
        "page_size": results.page_size,
    }
