from django.urls import path

from campaigndesk.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("calendar/", views.calendar, name="calendar"),
    path("playbooks/", views.playbook_list, name="playbooks"),
    path("playbooks/<int:playbook_id>/", views.playbook_detail, name="playbook"),
    path("activities/<int:activity_id>/playbook/", views.playbook_mark, name="mark_playbook"),
]
