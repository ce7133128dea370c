"""Registering and editing people: permission, special-care fields, town blocks, audit."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from ainet.care import services
from ainet.care.models import Person
from ainet.core.models import AuditEvent
from tests.care.factories import make_person, need, town_in
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_the_town_block_decides_the_district_and_the_point(world: World) -> None:
    town = town_in(world.district_a)
    person = services.create_person(
        world.users["staff_a"], world.ward, name="新規 太郎", name_kana="シンキ タロウ", town=town
    )
    assert person.district == world.district_a
    assert (person.lat, person.lng) == (town.lat, town.lng)
    assert person.match_kana == "しんきたろう"
    assert AuditEvent.objects.filter(action="record.create", object_id=str(person.pk)).exists()


def test_people_cannot_be_registered_without_care_manage(world: World) -> None:
    for persona in ("minsei", "association", "volunteer", "partner"):
        with pytest.raises(PermissionDenied):
            services.create_person(
                world.users[persona], world.ward, name="x", town=town_in(world.district_a)
            )
    assert not Person.objects.exists()


def test_staff_cannot_register_people_in_a_district_they_do_not_hold(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.create_person(
            world.users["staff_b"], world.ward, name="x", town=town_in(world.district_a)
        )


def test_only_special_care_readers_write_special_care_fields(world: World) -> None:
    town = town_in(world.district_a)
    with pytest.raises(PermissionDenied):
        services.create_person(
            world.users["shakyo"], world.ward, name="x", town=town, disability="x"
        )
    with pytest.raises(PermissionDenied):
        services.create_person(
            world.users["shakyo"], world.ward, name="x", town=town, needs=[need(world, "d", True)]
        )
    person = make_person(world)
    with pytest.raises(PermissionDenied):
        services.update_person(world.users["shakyo"], person, illness="")


def test_an_edit_without_special_care_rights_keeps_special_needs(world: World) -> None:
    person = make_person(world)
    special, plain = need(world, "d", True), need(world)
    person.needs.add(special)
    changed = services.update_person(world.users["shakyo"], person, phone="045-1", needs=[plain])
    assert changed == ["phone", "needs"]
    assert set(person.needs.all()) == {special, plain}
    event = AuditEvent.objects.get(action="record.update", object_id=str(person.pk))
    assert event.details == {"fields": ["needs", "phone"]}  # names, never values


def test_a_town_block_of_another_district_than_the_one_chosen_is_refused(world: World) -> None:
    with pytest.raises(ValidationError):
        services.create_person(
            world.users["ward_admin"],
            world.ward,
            name="x",
            town=town_in(world.district_a),
            district=world.district_b,
        )


def test_the_edit_form_for_non_special_staff_has_no_special_care_fields(world: World) -> None:
    person = make_person(world)
    url = reverse("care:person_edit", kwargs={"pk": person.pk})
    html = world.client_for("shakyo").get(url).content.decode()
    assert 'name="disability"' not in html and "視覚障害" not in html
    html = world.client_for("staff_a").get(url).content.decode()
    assert 'name="disability"' in html


def test_registering_through_the_form_and_bad_input_answers_400(world: World) -> None:
    client = world.client_for("staff_a")
    town = town_in(world.district_a)
    base = {
        "name": "フォーム 花子",
        "sex": "female",
        "household_type": "living_alone",
        "preferred_language": "ja",
        "watch_level": "high",
        "town": town.pk,
    }
    bad = client.post(reverse("care:person_create"), {**base, "birth_date": "平成31年5月1日"})
    assert bad.status_code == 400
    assert not Person.objects.exists()
    ok = client.post(reverse("care:person_create"), {**base, "birth_date": "昭和15年5月3日"})
    assert ok.status_code == 302
    person = Person.objects.get()
    assert person.birth_date is not None and person.birth_date.year == 1940
