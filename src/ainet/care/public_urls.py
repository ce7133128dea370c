"""Public (anonymous) care pages: the concern report form residents use."""

from django.urls import path

from ainet.care import concern_views as views

app_name = "care_public"

urlpatterns = [
    path("", views.public_report, name="concern_report"),
    path("received/", views.public_received, name="concern_received"),
]
