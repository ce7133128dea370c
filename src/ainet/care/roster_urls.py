from django.urls import path

from ainet.care import roster_views as views

app_name = "care_roster"

urlpatterns = [
    path("", views.home, name="home"),
    path("upload/", views.upload, name="upload"),
    path("template.csv", views.template, name="template"),
    path("<id:pk>/", views.detail, name="detail"),
    path("<id:pk>/progress/", views.progress, name="progress"),
    path("<id:pk>/apply/", views.apply, name="apply"),
    path("<id:pk>/recheck/", views.recheck, name="recheck"),
    path("<id:pk>/discard/", views.discard, name="discard"),
]
