from django.urls import path

from campaigndesk.org import views

app_name = "org"

urlpatterns = [
    path("people/", views.people, name="people"),
    path("people/<str:username>/edit/", views.person_edit, name="person_edit"),
    path("people/<str:username>/active/", views.person_active, name="person_active"),
    path("account/password/", views.password_change, name="password_change"),
]
