from django.urls import path

from campaigndesk.attachments import views

app_name = "attachments"

urlpatterns = [
    path("activities/<int:activity_id>/upload/", views.upload, name="upload"),
    path("<int:attachment_id>/download/", views.download, name="download"),
    path("<int:attachment_id>/thumbnail/", views.thumbnail, name="thumbnail"),
    path("<int:attachment_id>/delete/", views.delete, name="delete"),
]
