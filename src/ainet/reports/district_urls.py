"""URLs for the district year page and the annual booklet."""

from django.urls import URLPattern, path

from ainet.reports.district_views import add_team_note, booklet, district_index, district_year

urlpatterns: list[URLPattern] = [
    path("districts/", district_index, name="district_index"),
    path("districts/<code:code>/", district_year, name="district_year"),
    path("districts/<code:code>/notes/", add_team_note, name="add_team_note"),
    path("booklet/", booklet, name="booklet"),
]
