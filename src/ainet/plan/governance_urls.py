"""URLs for the committee, meetings, district plans, advisors and trainings.

Included by plan/urls.py under /staff/plan/ (namespace "plan").
"""

from django.urls import URLPattern, path

from ainet.plan import governance_views as views

urlpatterns: list[URLPattern] = [
    path("committee/", views.committee, name="committee"),
    path(
        "committee/<id:pk>/members/new/",
        views.committee_member_add,
        name="committee_member_add",
    ),
    path(
        "committee/members/<id:pk>/end/",
        views.committee_member_end,
        name="committee_member_end",
    ),
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<id:pk>/", views.meeting_detail, name="meeting_detail"),
    path("district-plans/", views.district_plan_list, name="district_plan_list"),
    path("district-plans/new/", views.district_plan_create, name="district_plan_create"),
    path("district-plans/<id:pk>/", views.district_plan_detail, name="district_plan_detail"),
    path(
        "district-plans/<id:pk>/stages/",
        views.district_plan_stage_add,
        name="district_plan_stage_add",
    ),
    path(
        "district-plans/<id:pk>/organisations/",
        views.district_organisation_add,
        name="district_organisation_add",
    ),
    path("advisors/", views.advisor_list, name="advisor_list"),
    path("advisors/new/", views.advisor_create, name="advisor_create"),
    path("trainings/", views.training_list, name="training_list"),
    path("trainings/new/", views.training_create, name="training_create"),
]
