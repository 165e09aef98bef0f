from django.urls import path

from campaigndesk.analytics import views

app_name = "analytics"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:chart>.xlsx", views.xlsx, name="xlsx"),
]
