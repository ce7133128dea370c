from django.urls import reverse

from ainet.core import access
from ainet.core.models import AuditEvent, RoleMembership, User
from tests.conftest import World

NEW_ACCOUNT = {
    "username": "sato.hanako",
    "display_name": "佐藤 花子",
    "display_name_kana": "さとう はなこ",
    "email": "",
    "password": "a-long-and-unusual-passphrase-42",
}


def test_ward_admin_creates_an_account_and_gives_it_a_district_role(world: World) -> None:
    client = world.client_for("ward_admin")
    response = client.post(reverse("core:account_create"), NEW_ACCOUNT)
    assert response.status_code == 302
    user = User.objects.get(username="sato.hanako")
    response = client.post(
        reverse("core:account_detail", args=[user.pk]),
        {"role": "ward_staff", "districts": [world.district_b.pk]},
    )
    assert response.status_code == 302
    assert set(RoleMembership.objects.get(user=user).districts.values_list("code", flat=True)) == {
        "ichiba"
    }
    assert AuditEvent.objects.filter(action="account.created", object_id=str(user.pk)).exists()


def test_a_taken_or_malformed_user_name_is_refused_and_nothing_is_created(world: World) -> None:
    client = world.client_for("ward_admin")
    before = User.objects.count()
    for username in ["staff-yako", "STAFF-YAKO", "名前", "x" * 151, "a b"]:
        response = client.post(
            reverse("core:account_create"), {**NEW_ACCOUNT, "username": username}
        )
        assert response.status_code == 400, username
    assert User.objects.count() == before


def test_a_weak_initial_password_is_refused(world: World) -> None:
    response = world.client_for("ward_admin").post(
        reverse("core:account_create"), {**NEW_ACCOUNT, "password": "password"}
    )
    assert response.status_code == 400
    assert not User.objects.filter(username="sato.hanako").exists()


def test_a_role_with_reversed_dates_is_refused(world: World) -> None:
    response = world.client_for("ward_admin").post(
        reverse("core:account_detail", args=[world.users["staff_a"].pk]),
        {"role": "ward_staff", "starts_on": "2026-04-01", "ends_on": "令和7年4月1日"},
    )
    assert response.status_code == 400
    assert world.users["staff_a"].memberships.count() == 1


def test_ending_a_role_keeps_it_in_the_history_and_removes_access(world: World) -> None:
    user = world.users["staff_a"]
    membership = user.memberships.get()
    response = world.client_for("ward_admin").post(
        reverse("core:membership_end", args=[user.pk, membership.pk])
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.ends_on is not None
    access.forget(user)
    assert world.client_for("staff_a").get(reverse("core:district_list")).status_code == 403


def test_a_deactivated_account_can_no_longer_use_the_staff_pages(world: World) -> None:
    url = reverse("core:account_action", args=[world.users["staff_a"].pk, "deactivate"])
    assert world.client_for("ward_admin").post(url).status_code == 302
    assert world.client_for("staff_a").get(reverse("core:home")).status_code == 302


def test_an_admin_cannot_deactivate_themselves(world: World) -> None:
    admin = world.users["ward_admin"]
    url = reverse("core:account_action", args=[admin.pk, "deactivate"])
    world.client_for("ward_admin").post(url)
    admin.refresh_from_db()
    assert admin.is_active


def test_an_unknown_account_action_changes_nothing(world: World) -> None:
    url = reverse("core:account_action", args=[world.users["staff_a"].pk, "promote"])
    response = world.client_for("ward_admin").post(url)
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action="account.updated").exists()


def test_accounts_of_another_ward_are_not_found(world: World, other_ward: object) -> None:
    from ainet.core.models import Municipality

    stranger = User.objects.create_user("stranger", password="x")
    RoleMembership.objects.create(
        user=stranger, municipality=Municipality.objects.get(code="141020"), role="ward_staff"
    )
    client = world.client_for("ward_admin")
    assert client.get(reverse("core:account_detail", args=[stranger.pk])).status_code == 404
    assert (
        client.post(reverse("core:account_action", args=[stranger.pk, "deactivate"])).status_code
        == 404
    )


def test_requiring_a_second_factor_for_a_role_is_saved_and_audited(world: World) -> None:
    client = world.client_for("ward_admin")
    response = client.post(reverse("core:role_policies"), {"minsei_iin": "on"})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="policy.changed").exists()
    minsei = world.users["minsei"]
    access.forget(minsei)
    assert access.otp_required(minsei)
    assert not access.otp_required(world.users["staff_a"])
