"""GET /search: full-text search over what the caller may see."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router

from campaigndesk.core.errors import ValidationFailed
from campaigndesk.core.http import ApiRequest
from campaigndesk.core.readcache import json_response, reuse
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
def search(request: ApiRequest, filters: Query[SearchFilters]) -> HttpResponse:
    if not filters.q.strip():
        raise ValidationFailed({"q": _("Enter the words to search for.")})

    def page() -> HttpResponse:
        results = selectors.search_results_for(
            user=request.auth, query=filters.q, page=filters.page
        )
        data = {
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
        return json_response(SearchPage.model_validate(data).model_dump())

    # The copy is shared by those who search the same documents (selectors.search_scope).
    return reuse(request, page, scope=lambda user: str(selectors.search_scope(user)))
