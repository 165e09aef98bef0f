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
]
