from django.urls import path

from ainet.disaster import safety_views as views

app_name = "safety"

urlpatterns = [
    path("", views.campaign_list, name="campaign_list"),
    path("open/", views.campaign_open, name="campaign_open"),
    path("<id:pk>/", views.campaign_detail, name="campaign_detail"),
    path("<id:pk>/close/", views.campaign_close, name="campaign_close"),
    path("<id:pk>/record/", views.record_page, name="record_page"),
    path("<id:pk>/record/post/", views.record_post, name="record_post"),
    path("<id:pk>/board/", views.board, name="board"),
    path("<id:pk>/board/live/", views.board_live, name="board_live"),
    path("<id:pk>/people/<id:person_pk>/", views.person_history, name="person_history"),
    path("<id:pk>/export.csv", views.export_csv, name="export_csv"),
    path("<id:pk>/print/", views.print_view, name="print"),
]
