"""The one NinjaAPI, at /api/v1/: every app contributes a router."""

from __future__ import annotations

from django.http import HttpRequest

from campaigndesk.activities.api import router as activities_router
from campaigndesk.analytics.api import router as analytics_router
from campaigndesk.attachments.api import router as attachments_router
from campaigndesk.briefings.api import router as briefings_router
from campaigndesk.core.api_errors import DocumentedErrorsAPI, install_error_handlers
from campaigndesk.dashboard.api import router as dashboard_router
from campaigndesk.evaluation.api import router as evaluation_router
from campaigndesk.exports.api import router as exports_router
from campaigndesk.finance.api import router as finance_router
from campaigndesk.notifications.api import router as notifications_router
from campaigndesk.onsite.api import router as onsite_router
from campaigndesk.org.api import router as org_router
from campaigndesk.org.auth import BearerToken
from campaigndesk.preparation.api import router as preparation_router
from campaigndesk.reviews.api import router as reviews_router
from campaigndesk.search.api import router as search_router

# Every operation's error responses are added to the OpenAPI document (core.api_errors).
api = DocumentedErrorsAPI(
    title="CampaignDesk API",
    version="1",
    description=(
        "REST API of CampaignDesk (推广活动协同平台). Get a token from `POST /auth/token`, then "
        'send `Authorization: Bearer <token>`. Errors: `{"error": {code, message, details}}`; '
        "messages follow `Accept-Language` (zh-hans by default, or en)."
    ),
    auth=BearerToken(),
    urls_namespace="api",
)
install_error_handlers(api)


@api.get("/health", auth=None, tags=["system"], summary="Liveness check (no database)")
def health(request: HttpRequest) -> dict[str, str]:
    return {"status": "ok"}


api.add_router("", org_router)
api.add_router("", activities_router)
api.add_router("", reviews_router)
api.add_router("", preparation_router)
api.add_router("", onsite_router)
api.add_router("", evaluation_router)
api.add_router("", briefings_router)
api.add_router("", dashboard_router)
api.add_router("", search_router)
api.add_router("", exports_router)
api.add_router("", analytics_router)
api.add_router("", notifications_router)
api.add_router("", finance_router)
api.add_router("", attachments_router)
