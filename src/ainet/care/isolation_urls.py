from django.urls import path

from ainet.care import isolation_views as views

app_name = "care_analysis"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("people/", views.people, name="people"),
    path("people.csv", views.people_csv, name="people_csv"),
    path("supporters/", views.supporters, name="supporters"),
    path("what-if/", views.what_if, name="what_if"),
]
