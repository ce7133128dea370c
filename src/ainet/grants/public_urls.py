from django.urls import path

from ainet.grants import public_views

app_name = "grants_public"

urlpatterns = [
    path("", public_views.calls, name="calls"),
    path("rounds/<id:pk>/", public_views.round_detail, name="round"),
    path("rounds/<id:pk>/apply/", public_views.apply, name="apply"),
    path("applications/<slug:token>/", public_views.application, name="application"),
    path(
        "applications/<slug:token>/attachments/",
        public_views.attachment_add,
        name="attachment_add",
    ),
    path(
        "applications/<slug:token>/attachments/<id:attachment_pk>/remove/",
        public_views.attachment_remove,
        name="attachment_remove",
    ),
]
