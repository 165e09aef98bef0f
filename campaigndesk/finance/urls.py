from django.urls import path

from campaigndesk.finance import views

app_name = "finance"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("markets/<str:code>/", views.market_budget, name="market"),
    path("markets/<str:code>/edit/", views.budget_edit, name="edit"),
    path("activities/<int:activity_id>/signoff/", views.signoff, name="signoff"),
]
