import datetime

import pytest
from django.core.exceptions import PermissionDenied

from ainet.core import access
from ainet.core.models import District, Organisation, RoleMembership, User
from ainet.core.roles import Role
from tests.conftest import World


def visible_codes(user: User) -> set[str]:
    return set(District.objects.for_user(user).values_list("code", flat=True))


def test_ward_admin_sees_every_district_of_the_ward(world: World) -> None:
    assert len(visible_codes(world.users["ward_admin"])) == 18


def test_district_staff_see_only_their_own_district(world: World) -> None:
    assert visible_codes(world.users["staff_a"]) == {"yako"}
    assert visible_codes(world.users["staff_b"]) == {"ichiba"}


@pytest.mark.parametrize("persona", ["volunteer", "partner", "committee", "auditor"])
def test_roles_without_district_work_see_no_district(world: World, persona: str) -> None:
    assert visible_codes(world.users[persona]) == set()


def test_anonymous_and_inactive_users_see_nothing(world: World) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert visible_codes(AnonymousUser()) == set()  # type: ignore[arg-type]
    admin = world.users["ward_admin"]
    admin.is_active = False
    admin.save()
    access.forget(admin)
    assert visible_codes(admin) == set()
    assert not access.can(admin, "core.manage_accounts")


def test_a_superuser_flag_grants_nothing_without_a_role(world: World) -> None:
    root = User.objects.create_superuser("root", password="x")
    assert visible_codes(root) == set()
    assert not access.can(root, "core.view_audit_log")


def test_an_ended_membership_grants_nothing(world: World) -> None:
    user = world.users["staff_a"]
    RoleMembership.objects.filter(user=user).update(
        ends_on=datetime.date.today() - datetime.timedelta(days=1)  # noqa: DTZ011
    )
    access.forget(user)
    assert visible_codes(user) == set()
    assert not access.can(user, "core.view_districts")


def test_a_membership_that_has_not_started_grants_nothing(world: World) -> None:
    user = world.users["staff_a"]
    RoleMembership.objects.filter(user=user).update(
        starts_on=datetime.date.today() + datetime.timedelta(days=3)  # noqa: DTZ011
    )
    access.forget(user)
    assert visible_codes(user) == set()


def test_an_unknown_capability_is_a_programming_error(world: World) -> None:
    with pytest.raises(KeyError):
        access.can(world.users["ward_admin"], "core.launch_rockets")


def test_organisations_are_scoped_to_the_districts_they_serve(world: World) -> None:
    names = set(
        Organisation.objects.for_user(world.users["staff_b"]).values_list("name", flat=True)
    )
    assert "市場地区社会福祉協議会" in names
    assert "矢向地区社会福祉協議会" not in names
    assert "鶴見区役所" in names  # serves the whole ward


def test_a_partner_company_sees_no_organisations(world: World) -> None:
    assert not Organisation.objects.for_user(world.users["partner"]).exists()


def test_staff_never_see_another_municipality(world: World, other_ward: object) -> None:
    assert "kanagawa-a" not in visible_codes(world.users["ward_admin"])


def test_a_ward_admin_cannot_grant_districts_of_another_ward(
    world: World, other_ward: object
) -> None:
    from ainet.core import services

    foreign = District.objects.get(code="kanagawa-a")
    with pytest.raises(PermissionDenied):
        services.add_membership(
            world.users["ward_admin"],
            world.users["staff_a"],
            world.ward,
            role=Role.WARD_STAFF,
            districts=[foreign],
        )
