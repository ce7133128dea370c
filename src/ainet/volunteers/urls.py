from django.urls import path

from ainet.volunteers import views

app_name = "volunteers"

urlpatterns = [
    path("", views.home, name="home"),
    path("people/", views.volunteer_list, name="volunteer_list"),
    path("people/new/", views.volunteer_create, name="volunteer_create"),
    path("people/<id:pk>/", views.volunteer_detail, name="volunteer_detail"),
    path("people/<id:pk>/edit/", views.volunteer_edit, name="volunteer_edit"),
    path("people/<id:pk>/confirm/", views.volunteer_confirm, name="volunteer_confirm"),
    path("people/<id:pk>/status/", views.volunteer_status, name="volunteer_status"),
    path("people/<id:pk>/certificates/", views.volunteer_certificate, name="volunteer_certificate"),
    path("people/<id:pk>/hours/", views.volunteer_hours, name="volunteer_hours"),
    path("people/<id:pk>/events/", views.volunteer_attendance, name="volunteer_attendance"),
    path("vocabulary/<code:kind>/", views.vocabulary_list, name="vocabulary_list"),
    path("vocabulary/<code:kind>/<id:pk>/", views.vocabulary_edit, name="vocabulary_edit"),
    path("requests/", views.request_list, name="request_list"),
    path("requests/new/", views.request_create, name="request_create"),
    path("requests/<id:pk>/", views.request_detail, name="request_detail"),
    path("requests/<id:pk>/edit/", views.request_edit, name="request_edit"),
    path("requests/<id:pk>/transition/", views.request_transition, name="request_transition"),
    path("requests/<id:pk>/assign/", views.request_assign, name="request_assign"),
    path(
        "requests/<id:pk>/assignments/<id:assignment_pk>/end/",
        views.assignment_end,
        name="assignment_end",
    ),
    path("board/", views.board, name="board"),
    path("matching/", views.batch, name="batch"),
    path("matching/<id:pk>/", views.batch_run, name="batch_run"),
    path("matching/<id:pk>/apply/", views.batch_apply, name="batch_apply"),
    path("courses/", views.course_list, name="course_list"),
    path("courses/new/", views.course_create, name="course_create"),
    path("courses/<id:pk>/", views.course_detail, name="course_detail"),
    path("courses/<id:pk>/attendees/", views.course_attendee_add, name="course_attendee_add"),
    path(
        "courses/<id:pk>/attendees/<id:attendee_pk>/graduate/",
        views.course_graduate,
        name="course_graduate",
    ),
]
