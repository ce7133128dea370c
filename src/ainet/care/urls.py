from django.urls import path

from ainet.care import views

app_name = "care"

urlpatterns = [
    path("", views.person_list, name="person_list"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<id:pk>/", views.person_detail, name="person_detail"),
    path("people/<id:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<id:pk>/lists/new/", views.list_entry_add, name="list_entry_add"),
    path("people/<id:pk>/ties/new/", views.tie_create, name="tie_create"),
    path("people/<id:pk>/contacts/new/", views.contact_create, name="contact_create"),
    path("entries/<id:pk>/basis/", views.list_entry_change, name="list_entry_change"),
    path(
        "entries/<id:pk>/removal-request/",
        views.list_entry_removal_request,
        name="list_entry_removal_request",
    ),
    path("entries/<id:pk>/leave/", views.list_entry_leave, name="list_entry_leave"),
    path("ties/<id:pk>/end/", views.tie_end, name="tie_end"),
    path("contacts/<id:pk>/follow-up-done/", views.follow_up_done, name="follow_up_done"),
    path("needs/", views.need_kind_list, name="need_kind_list"),
    path("needs/new/", views.need_kind_create, name="need_kind_create"),
    path("supporters/", views.supporter_list, name="supporter_list"),
    path("supporters/new/", views.supporter_create, name="supporter_create"),
    path("supporters/<id:pk>/", views.supporter_detail, name="supporter_detail"),
    path("supporters/<id:pk>/edit/", views.supporter_edit, name="supporter_edit"),
    path(
        "supporters/<id:pk>/deactivate/",
        views.supporter_deactivate,
        name="supporter_deactivate",
    ),
    path(
        "supporters/<id:pk>/reactivate/",
        views.supporter_reactivate,
        name="supporter_reactivate",
    ),
    path("map/", views.support_map, name="support_map"),
    path("worklist/", views.worklist, name="worklist"),
    path("worklist.csv", views.worklist_csv, name="worklist_csv"),
    path("worklist/print/", views.worklist_print, name="worklist_print"),
    path("minsei/", views.minsei_figures, name="minsei_figures"),
    path("minsei.csv", views.minsei_figures_csv, name="minsei_figures_csv"),
]
