from django.urls import path

from ainet.disaster import views

app_name = "disaster"

urlpatterns = [
    path("", views.home, name="home"),
    path("list/", views.evacuation_list, name="evacuation_list"),
    path("list/print/", views.evacuation_list_print, name="evacuation_list_print"),
    path("list/print.pdf", views.evacuation_list_pdf, name="evacuation_list_pdf"),
    path("list/export.csv", views.evacuation_list_csv, name="evacuation_list_csv"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/<id:person_pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<id:person_pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<id:person_pk>/history/", views.plan_history, name="plan_history"),
    path("plans/<id:person_pk>/print.pdf", views.plan_print, name="plan_print"),
    path(
        "plans/<id:person_pk>/supporters/<id:supporter_pk>/print.pdf",
        views.plan_print_supporter,
        name="plan_print_supporter",
    ),
    path("assign/", views.proposal, name="proposal"),
    path("assign/accept/", views.proposal_accept, name="proposal_accept"),
    path("shelters/", views.shelters, name="shelters"),
    path("mode/", views.declaration_list, name="declaration_list"),
    path("mode/declare/", views.declare, name="declare"),
    path("mode/<id:pk>/end/", views.declaration_end, name="declaration_end"),
]
