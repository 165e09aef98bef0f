from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from campaigndesk.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="core/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("activities/", include("campaigndesk.activities.urls")),
    path("reviews/", include("campaigndesk.reviews.urls")),
    path("preparation/", include("campaigndesk.preparation.urls")),
    path("onsite/", include("campaigndesk.onsite.urls")),
    path("evaluation/", include("campaigndesk.evaluation.urls")),
    path("briefings/", include("campaigndesk.briefings.urls")),
    path("dashboard/", include("campaigndesk.dashboard.urls")),
    path("search/", include("campaigndesk.search.urls")),
    path("exports/", include("campaigndesk.exports.urls")),
    path("analytics/", include("campaigndesk.analytics.urls")),
    path("inbox/", include("campaigndesk.notifications.urls")),
    path("finance/", include("campaigndesk.finance.urls")),
    path("attachments/", include("campaigndesk.attachments.urls")),
    path("", include("campaigndesk.org.urls")),
    path("", RedirectView.as_view(pattern_name="activities:list", permanent=False), name="home"),
]
