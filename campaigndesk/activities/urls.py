from django.urls import path

from campaigndesk.activities import views

app_name = "activities"

urlpatterns = [
    path("", views.activity_list, name="list"),
    path("new/", views.activity_create, name="create"),
    path("budget-line/", views.budget_line_row, name="budget_line"),
    path("<int:activity_id>/", views.activity_detail, name="detail"),
    path("<int:activity_id>/edit/", views.activity_edit, name="edit"),
    path("<int:activity_id>/cancel/", views.activity_cancel, name="cancel"),
    path("<int:activity_id>/submit/", views.activity_submit, name="submit"),
    path(
        "<int:activity_id>/lead-time-exception/",
        views.lead_time_exception,
        name="lead_time_exception",
    ),
    path("<int:activity_id>/decision/", views.activity_decide, name="decide"),
    path("<int:activity_id>/versions/", views.activity_versions, name="versions"),
]
