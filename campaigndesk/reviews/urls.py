from django.urls import path

from campaigndesk.reviews import views

app_name = "reviews"

urlpatterns = [
    path("mine/", views.my_reviews, name="mine"),
    path("delegation/", views.delegation, name="delegation"),
    path("activities/<int:activity_id>/review/", views.review_open, name="open"),
    path("activities/<int:activity_id>/return/", views.review_return, name="return"),
    path("activities/<int:activity_id>/opinion/", views.opinion_form, name="opinion"),
    path("activities/<int:activity_id>/opinion-item/", views.opinion_item_row, name="opinion_item"),
    path("activities/<int:activity_id>/resubmit/", views.resubmit_form, name="resubmit"),
    path("activities/<int:activity_id>/staffing-row/", views.staffing_row, name="staffing_row"),
]
