from django.urls import path

from ainet.reports import district_urls, indicator_views

app_name = "reports"

urlpatterns = [
    path("indicators/", indicator_views.dashboard, name="indicators"),
    path("indicators/export.csv", indicator_views.export_csv, name="indicators_csv"),
    *district_urls.urlpatterns,
]
