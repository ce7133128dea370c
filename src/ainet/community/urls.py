from django.urls import path

from ainet.community import views

app_name = "community"

urlpatterns = [
    path("", views.home, name="home"),
    path("groups/", views.group_list, name="group_list"),
    path("groups/new/", views.group_create, name="group_create"),
    path("groups/<id:pk>/", views.group_detail, name="group_detail"),
    path("types/", views.activity_type_list, name="activity_type_list"),
    path("types/new/", views.activity_type_create, name="activity_type_create"),
    path("activities/", views.activity_list, name="activity_list"),
    path("activities/new/", views.activity_create, name="activity_create"),
    path("activities/<id:pk>/", views.activity_detail, name="activity_detail"),
    path("activities/<id:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("events/", views.event_list, name="event_list"),
    path("events/new/", views.event_create, name="event_create"),
    path("events/<id:pk>/", views.event_detail, name="event_detail"),
    path("events/<id:pk>/registrations/", views.registration_add, name="registration_add"),
    path(
        "events/<id:pk>/registrations/<id:registration_pk>/cancel/",
        views.registration_cancel,
        name="registration_cancel",
    ),
    path(
        "events/<id:pk>/registrations/<id:registration_pk>/attendance/",
        views.attendance_record,
        name="attendance_record",
    ),
    path("events/<id:pk>/walk-ins/", views.walk_ins_record, name="walk_ins_record"),
    path("forums/", views.forum_list, name="forum_list"),
]
