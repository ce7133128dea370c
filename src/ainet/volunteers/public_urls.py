from django.urls import path

from ainet.volunteers import public_views

app_name = "volunteers_public"

urlpatterns = [
    path("register/", public_views.register, name="register"),
    path("register/thanks/", public_views.thanks, name="thanks"),
]
