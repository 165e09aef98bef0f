from django.urls import path

from campaigndesk.briefings import views

app_name = "briefings"

urlpatterns = [
    path("", views.briefing_list, name="list"),
    path("<int:briefing_id>/", views.briefing_detail, name="detail"),
    path("<int:briefing_id>/publish/", views.briefing_publish, name="publish"),
    path("<int:briefing_id>/export.docx", views.briefing_export, name="export"),
]
