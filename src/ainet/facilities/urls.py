from django.urls import path

from ainet.facilities import views

app_name = "facilities"

urlpatterns = [
    path("", views.facility_list, name="list"),
    path("map/", views.facility_map, name="map"),
    path("import/", views.import_file, name="import"),
    path("export/<code:kind>.csv", views.export, name="export"),
]
