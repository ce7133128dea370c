"""Who sees which people, and which of their fields (core/access.py, MISSION.md §3)."""

from __future__ import annotations

import datetime
from datetime import timedelta

import pytest
from django.utils import timezone

from ainet.care.models import (
    Basis,
    DisasterDeclaration,
    InformationAgreement,
    ListEntry,
    ListKind,
    Person,
    Supporter,
    SupporterKind,
    SupportTie,
)
from ainet.core import access
from ainet.core.access import FieldLevel
from tests.conftest import World

pytestmark = pytest.mark.django_db

DAY = datetime.date(2024, 4, 1)


def person(world: World, name: str, district: str = "a", **entry: object) -> Person:
    p = Person.objects.create(
        municipality=world.ward,
        name=name,
        district=world.district_a if district == "a" else world.district_b,
    )
    if entry:
        ListEntry.objects.create(person=p, joined_on=DAY, **entry)
    return p


def visible(world: World, persona: str) -> set[str]:
    user = world.users[persona]
    access.forget(user)
    return set(Person.objects.for_user(user).values_list("name", flat=True))


@pytest.fixture
def people(world: World) -> dict[str, Person]:
    return {
        "consented": person(
            world, "consented", list_kind=ListKind.EVACUATION, basis=Basis.CONSENT, consent_on=DAY
        ),
        "hand_raised": person(
            world, "hand_raised", list_kind=ListKind.EVACUATION, basis=Basis.HAND_RAISED
        ),
        "opt_out": person(world, "opt_out", list_kind=ListKind.EVACUATION, basis=Basis.OPT_OUT),
        "opted_out": person(
            world,
            "opted_out",
            list_kind=ListKind.EVACUATION,
            basis=Basis.OPT_OUT,
            removal_requested_on=DAY,
        ),
        "ward_only": person(
            world, "ward_only", list_kind=ListKind.EVACUATION, basis=Basis.WARD_ONLY
        ),
        "watched": person(world, "watched", list_kind=ListKind.WATCH, basis=Basis.WATCH_PROGRAMME),
        "other_district": person(
            world, "other_district", "b", list_kind=ListKind.EVACUATION, basis=Basis.CONSENT
        ),
    }


def sign_agreement(world: World) -> None:
    InformationAgreement.objects.create(
        organisation=world.organisation("矢向第一町内会（デモ）"),
        manager=world.users["association"],
        signed_on=DAY,
    )


def test_ward_administrator_sees_everyone(world: World, people: dict[str, Person]) -> None:
    assert visible(world, "ward_admin") == set(people)


def test_ward_staff_see_everyone_of_their_district_only(
    world: World, people: dict[str, Person]
) -> None:
    assert visible(world, "staff_a") == set(people) - {"other_district"}
    assert visible(world, "staff_b") == {"other_district"}


def test_commissioner_sees_the_watch_list_and_shareable_evacuation_entries(
    world: World, people: dict[str, Person]
) -> None:
    assert visible(world, "minsei") == {"consented", "hand_raised", "opt_out", "watched"}


def test_association_manager_without_agreement_sees_nobody(
    world: World, people: dict[str, Person]
) -> None:
    assert visible(world, "association") == set()


def test_association_manager_with_agreement_sees_consented_people_of_their_area(
    world: World, people: dict[str, Person]
) -> None:
    sign_agreement(world)
    assert visible(world, "association") == {"consented", "hand_raised", "opt_out"}
    level = access.person_access(world.users["association"], people["consented"])
    assert level is not None and level.level == FieldLevel.STANDARD


def test_volunteer_sees_only_people_assigned_to_them(
    world: World, people: dict[str, Person]
) -> None:
    assert visible(world, "volunteer") == set()
    supporter = Supporter.objects.create(
        municipality=world.ward,
        kind=SupporterKind.VOLUNTEER,
        name="v",
        user=world.users["volunteer"],
        district=world.district_a,
    )
    SupportTie.objects.create(person=people["watched"], supporter=supporter, since=DAY)
    SupportTie.objects.create(
        person=people["consented"], supporter=supporter, since=DAY, ended_on=DAY
    )
    assert visible(world, "volunteer") == {"watched"}
    level = access.person_access(world.users["volunteer"], people["watched"])
    assert level is not None and level.level == FieldLevel.MINIMAL


def test_partner_company_committee_and_auditor_see_nobody(
    world: World, people: dict[str, Person]
) -> None:
    for persona in ("partner", "committee", "auditor"):
        assert visible(world, persona) == set()
        assert access.person_access(world.users[persona], people["consented"]) is None


def test_disaster_mode_unlocks_non_consented_people_in_declared_districts_until_it_ends(
    world: World, people: dict[str, Person]
) -> None:
    sign_agreement(world)
    declaration = DisasterDeclaration.objects.create(
        municipality=world.ward,
        reason="test",
        declared_by=world.users["ward_admin"],
        expires_at=timezone.now() + timedelta(hours=1),
    )
    declaration.districts.set([world.district_a])
    evacuation = {"consented", "hand_raised", "opt_out", "opted_out", "ward_only"}
    assert visible(world, "association") == evacuation
    assert visible(world, "minsei") == evacuation | {"watched"}
    unlock = access.person_access(world.users["minsei"], people["ward_only"])
    assert unlock is not None and unlock.via_disaster_mode
    normal = access.person_access(world.users["minsei"], people["consented"])
    assert normal is not None and not normal.via_disaster_mode

    declaration.ended_at = timezone.now()
    declaration.save()
    assert visible(world, "minsei") == {"consented", "hand_raised", "opt_out", "watched"}


def test_disaster_mode_of_another_district_unlocks_nothing_here(
    world: World, people: dict[str, Person]
) -> None:
    declaration = DisasterDeclaration.objects.create(
        municipality=world.ward,
        reason="test",
        declared_by=world.users["ward_admin"],
        expires_at=timezone.now() + timedelta(hours=1),
    )
    declaration.districts.set([world.district_b])
    assert "ward_only" not in visible(world, "minsei")


def test_an_expired_declaration_unlocks_nothing(world: World, people: dict[str, Person]) -> None:
    DisasterDeclaration.objects.create(
        municipality=world.ward,
        reason="test",
        declared_by=world.users["ward_admin"],
        starts_at=timezone.now() - timedelta(hours=2),
        expires_at=timezone.now() - timedelta(hours=1),
    )
    assert "ward_only" not in visible(world, "minsei")


def test_special_care_fields_only_for_ward_and_care_plaza_staff(
    world: World, people: dict[str, Person]
) -> None:
    watched = people["watched"]
    levels = {}
    for persona in ("ward_admin", "staff_a", "care_plaza", "shakyo", "minsei"):
        result = access.person_access(world.users[persona], watched)
        assert result is not None, persona
        levels[persona] = result.level
    assert levels == {
        "ward_admin": FieldLevel.FULL,
        "staff_a": FieldLevel.FULL,
        "care_plaza": FieldLevel.FULL,
        "shakyo": FieldLevel.STANDARD,
        "minsei": FieldLevel.STANDARD,
    }


def test_ties_and_contacts_follow_the_people_they_are_about(
    world: World, people: dict[str, Person]
) -> None:
    supporter = Supporter.objects.create(
        municipality=world.ward, kind=SupporterKind.NEIGHBOUR, name="n", district=world.district_b
    )
    SupportTie.objects.create(person=people["other_district"], supporter=supporter, since=DAY)
    assert SupportTie.objects.for_user(world.users["staff_b"]).count() == 1
    assert SupportTie.objects.for_user(world.users["staff_a"]).count() == 0
