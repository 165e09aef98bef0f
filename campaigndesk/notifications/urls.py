from django.urls import path

from campaigndesk.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:notification_id>/open/", views.notification_open, name="open"),
    path("read-all/", views.read_all, name="read_all"),
    path("badge/", views.badge, name="badge"),
    path("settings/", views.settings_page, name="settings"),
    path("targets/", views.targets_page, name="targets"),
]
