from django.urls import path

from ainet.core import account_views, audit_views, auth_views, views, ward_views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.login_view, name="login"),
    path("logout/", auth_views.logout_view, name="logout"),
    path("login/second-factor/", auth_views.otp_verify, name="otp_verify"),
    path("me/", auth_views.me, name="me"),
    path("me/tokens/", auth_views.token_create, name="token_create"),
    path("me/tokens/<id:pk>/revoke/", auth_views.token_revoke, name="token_revoke"),
    path("me/second-factor/", auth_views.otp_setup, name="otp_setup"),
    path("me/password/", auth_views.password_change_view, name="password_change"),
    path("districts/", views.district_list, name="district_list"),
    path("ward/", ward_views.ward_data, name="district_setup"),
    path("ward/<slug:kind>.csv", ward_views.ward_export, name="district_setup_export"),
    path("districts/<code:code>/", views.district_detail, name="district_detail"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/<id:pk>/", views.organisation_detail, name="organisation_detail"),
    path("accounts/", account_views.account_list, name="account_list"),
    path("accounts/new/", account_views.account_create, name="account_create"),
    path("accounts/policies/", account_views.role_policies, name="role_policies"),
    path("accounts/<id:pk>/", account_views.account_detail, name="account_detail"),
    path(
        "accounts/<id:pk>/roles/<id:membership_pk>/end/",
        account_views.membership_end,
        name="membership_end",
    ),
    path(
        "accounts/<id:pk>/<code:action>/",
        account_views.account_action,
        name="account_action",
    ),
    path("audit/", audit_views.audit_list, name="audit_list"),
    path("audit/export.csv", audit_views.audit_export, name="audit_export"),
]
