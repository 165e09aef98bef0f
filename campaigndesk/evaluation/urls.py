from django.urls import path

from campaigndesk.evaluation import views

app_name = "evaluation"

urlpatterns = [
    path("activities/<int:activity_id>/evaluate/", views.evaluation_form, name="evaluate"),
    path("activities/<int:activity_id>/costs/", views.costs_form, name="costs"),
    path(
        "activities/<int:activity_id>/costs/<int:line_id>/verify/",
        views.cost_verify,
        name="verify_cost",
    ),
    path("activities/<int:activity_id>/archive/", views.archive, name="archive"),
    path("activities/<int:activity_id>/archive/download/", views.archive_download, name="download"),
    path("activities/<int:activity_id>/lessons/", views.lessons, name="lessons"),
    path("activities/<int:activity_id>/lessons/ack/", views.lessons_ack, name="ack"),
]
