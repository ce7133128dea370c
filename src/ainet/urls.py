from django.urls import include, path

from ainet.api.main import api
from ainet.core import views

urlpatterns = [
    path("", views.root, name="root"),
    path("about/", views.about, name="about"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("staff/", include("ainet.core.urls")),
    path("staff/plan/", include("ainet.plan.urls")),
    path("staff/community/", include("ainet.community.urls")),
    path("staff/care/roster/", include("ainet.care.roster_urls")),
    path("staff/care/", include("ainet.care.urls")),
    path("staff/volunteers/", include("ainet.volunteers.urls")),
    path("volunteer/", include("ainet.volunteers.public_urls")),
    path("staff/reports/", include("ainet.reports.urls")),
    path("staff/grants/", include("ainet.grants.urls")),
    path("grants/", include("ainet.grants.public_urls")),
    path("staff/disaster/safety/", include("ainet.disaster.safety_urls")),
    path("staff/disaster/", include("ainet.disaster.urls")),
    path("staff/care/concerns/", include("ainet.care.concern_urls")),
    path("staff/care/analysis/", include("ainet.care.isolation_urls")),
    path("concern/", include("ainet.care.public_urls")),
    path("api/v1/", api.urls),
]
