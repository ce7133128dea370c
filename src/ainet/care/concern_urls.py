from django.urls import path

from ainet.care import concern_views as views

app_name = "care_concerns"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("mine/", views.my_reports, name="mine"),
    path("new/", views.report_create, name="create"),
    path("<id:pk>/", views.detail, name="detail"),
    path("<id:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("<id:pk>/actions/", views.add_action, name="add_action"),
    path("<id:pk>/person/", views.link_person, name="link_person"),
    path("<id:pk>/close/", views.close, name="close"),
]
