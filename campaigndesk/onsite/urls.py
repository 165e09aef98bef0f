from django.urls import path

from campaigndesk.onsite import views

app_name = "onsite"

urlpatterns = [
    path("tasks/", views.my_tasks, name="tasks"),
    path("competitors/", views.competitors, name="competitors"),
    path("activities/<int:activity_id>/meetings/new/", views.meeting_form, name="meeting"),
    path(
        "activities/<int:activity_id>/meetings/schedule-row/",
        views.schedule_row,
        name="schedule_row",
    ),
    path("activities/<int:activity_id>/meetings/task-row/", views.task_row, name="task_row"),
    path("activities/<int:activity_id>/reports/", views.reports, name="reports"),
    path("activities/<int:activity_id>/reports/new/", views.report_form, name="report_new"),
    path(
        "activities/<int:activity_id>/reports/<int:report_id>/",
        views.report_form,
        name="report_edit",
    ),
    path("activities/<int:activity_id>/summaries/<str:kind>/", views.summary_form, name="summary"),
    path("activities/<int:activity_id>/wrap-up/", views.wrap_up, name="wrap_up"),
]
