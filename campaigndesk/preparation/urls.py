from django.urls import path

from campaigndesk.preparation import views

app_name = "preparation"

urlpatterns = [
    path("assignments/", views.my_assignments, name="assignments"),
    path("materials/overdue/", views.materials_overdue, name="overdue"),
    path("activities/<int:activity_id>/team/", views.team_form, name="team"),
    path("activities/<int:activity_id>/team/member-row/", views.member_row, name="member_row"),
    path("activities/<int:activity_id>/team/check/", views.team_check, name="team_check"),
    path("activities/<int:activity_id>/team/publish/", views.team_publish, name="publish"),
    path("activities/<int:activity_id>/materials/", views.material_add, name="material_add"),
    path(
        "activities/<int:activity_id>/materials/<int:material_id>/",
        views.material_update,
        name="material_update",
    ),
    path("activities/<int:activity_id>/start-onsite/", views.start_onsite, name="start_onsite"),
]
