from django.urls import path

from ainet.public import staff_views

app_name = "public_staff"

urlpatterns = [
    path("texts/", staff_views.text_list, name="text_list"),
    path("texts/<code:key>/<code:language>/", staff_views.text_edit, name="text_edit"),
]
