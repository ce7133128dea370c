from django.urls import path

from ainet.plan import governance_urls, team_views, views

app_name = "plan"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("structure/<code:kind_name>/new/", views.item_new, name="item_new"),
    path("structure/<code:kind_name>/new/<id:parent_pk>/", views.item_new, name="item_new_under"),
    path("structure/<code:kind_name>/<id:pk>/edit/", views.item_edit, name="item_edit"),
    path("teams/", team_views.team_list, name="team_list"),
    path("teams/<code:code>/", team_views.team_detail, name="team_detail"),
    path(
        "teams/<code:code>/members/<id:pk>/end/",
        team_views.team_member_end,
        name="team_member_end",
    ),
    *governance_urls.urlpatterns,
]
