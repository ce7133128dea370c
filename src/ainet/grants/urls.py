from django.urls import path

from ainet.grants import views

app_name = "grants"

urlpatterns = [
    path("", views.home, name="home"),
    path("programmes/", views.programme_list, name="programme_list"),
    path("programmes/new/", views.programme_create, name="programme_create"),
    path("programmes/<id:pk>/", views.programme_detail, name="programme_detail"),
    path("programmes/<id:pk>/edit/", views.programme_edit, name="programme_edit"),
    path("programmes/<id:pk>/rounds/new/", views.round_create, name="round_create"),
    path("rounds/<id:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<id:pk>/edit/", views.round_edit, name="round_edit"),
    path("rounds/<id:pk>/criteria/", views.criterion_add, name="criterion_add"),
    path("rounds/<id:pk>/reviewers/", views.reviewer_add, name="reviewer_add"),
    path("rounds/<id:pk>/meetings/new/", views.meeting_create, name="meeting_create"),
    path("applications/", views.application_list, name="application_list"),
    path("applications/<id:pk>/", views.application_detail, name="application_detail"),
    path("attachments/<id:pk>/", views.attachment_download, name="attachment_download"),
    path("reviews/", views.review_list, name="review_list"),
    path("reviews/<id:pk>/", views.review, name="review"),
    path("reviews/<id:pk>/conflict/", views.conflict_declare, name="conflict_declare"),
    path("meetings/<id:pk>/", views.meeting_detail, name="meeting_detail"),
    path(
        "meetings/<id:pk>/decisions/<id:application_pk>/",
        views.decision_record,
        name="decision_record",
    ),
    path("decisions/<id:pk>/letter.pdf", views.letter, name="letter"),
    path("projects/<id:pk>/", views.project_detail, name="project_detail"),
    path("projects/<id:pk>/payments/", views.payment_add, name="payment_add"),
    path("projects/<id:pk>/reports/", views.report_add, name="report_add"),
    path("projects/<id:pk>/advisors/", views.dispatch_add, name="dispatch_add"),
    path("funds/", views.fund_list, name="fund_list"),
    path("funds/new/", views.fund_create, name="fund_create"),
    path("funds/<id:pk>/", views.fund_detail, name="fund_detail"),
    path("funds/<id:pk>/donations/", views.donation_add, name="donation_add"),
    path(
        "funds/<id:pk>/entries/<id:entry_pk>/reverse/",
        views.entry_reverse,
        name="entry_reverse",
    ),
    path("funds/<id:pk>/statement/", views.statement, name="statement"),
]
