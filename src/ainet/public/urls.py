from django.urls import path

from ainet.public import opendata_views, views

app_name = "public"

# The public home is the site root ("root" in ainet/urls.py).
urlpatterns = [
    path("plan/", views.plan, name="plan"),
    path("calendar/", views.calendar_page, name="calendar"),
    path("calendar.ics", views.calendar_ics, name="calendar_ics"),
    path("events/<id:pk>/", views.event_detail, name="event_detail"),
    path("forum/", views.forum, name="forum"),
    path("map/", views.facility_map, name="map"),
    # /concern/ itself is the care capability's report form (care_public:concern_report).
    path("neighbour/", views.concern, name="concern"),
    path("open-data/", opendata_views.index, name="open_data"),
    path("open-data/<code:dataset>.<code:fmt>", opendata_views.download, name="open_data_file"),
    path("open-data/standard/<code:kind>.csv", opendata_views.standard, name="open_data_standard"),
]
