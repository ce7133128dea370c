from django.urls import path

from ainet.facilities import views

app_name = "facilities"

urlpatterns = [
    path("", views.facility_list, name="list"),
    path("map/", views.facility_map, name="map"),
    path("new/", views.facility_edit, name="create"),
    path("<id:pk>/", views.facility_detail, name="detail"),
    path("<id:pk>/edit/", views.facility_edit, name="edit"),
    path("import/", views.import_file, name="import"),
    path("export/<code:kind>.csv", views.export, name="export"),
]
