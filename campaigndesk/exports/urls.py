from django.urls import path

from campaigndesk.exports import views

app_name = "exports"

urlpatterns = [
    path("", views.jobs, name="jobs"),
    path("jobs/<int:job_id>/", views.job_row, name="job"),
    path("jobs/<int:job_id>/download", views.job_download, name="download"),
    path("activities/<int:activity_id>/proposal.docx", views.proposal, name="proposal"),
    path(
        "activities/<int:activity_id>/daily-reports.xlsx",
        views.daily_reports,
        name="daily_reports",
    ),
    path("activities/<int:activity_id>/evaluation.xlsx", views.evaluation, name="evaluation"),
]
