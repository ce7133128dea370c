"""Support ties: recorded by managers, ended with a reason and never deleted."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from ainet.care import services
from ainet.care.models import SupporterKind, SupportTie
from tests.care.factories import make_person, supporter_for, tie
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_ending_a_tie_keeps_it_with_its_date_and_reason(world: World) -> None:
    person = make_person(world)
    made = tie(person, supporter_for(world, None, SupporterKind.NEIGHBOUR))
    response = world.client_for("staff_a").post(
        reverse("care:tie_end", kwargs={"pk": made.pk}),
        {"ended_on": "2024-07-01", "end_reason": "転居"},
    )
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.ended_on == datetime.date(2024, 7, 1) and made.end_reason == "転居"
    assert SupportTie.objects.count() == 1
    assert not SupportTie.objects.active_on(datetime.date(2024, 7, 2)).exists()


def test_a_tie_cannot_end_without_a_reason_or_before_it_began(world: World) -> None:
    made = tie(make_person(world), supporter_for(world, None, SupporterKind.NEIGHBOUR))
    with pytest.raises(ValidationError):
        services.end_tie(
            world.users["staff_a"], made, ended_on=datetime.date(2024, 7, 1), reason=" "
        )
    with pytest.raises(ValidationError):
        services.end_tie(
            world.users["staff_a"], made, ended_on=datetime.date(2020, 1, 1), reason="x"
        )
    made.refresh_from_db()
    assert made.ended_on is None


def test_ties_are_recorded_only_by_managers_for_people_they_see(world: World) -> None:
    person = make_person(world)
    neighbour = supporter_for(world, None, SupporterKind.NEIGHBOUR)
    for persona in ("minsei", "volunteer"):
        with pytest.raises(PermissionDenied):
            services.create_tie(
                world.users[persona], person, neighbour, since=datetime.date(2024, 1, 1)
            )
    with pytest.raises(PermissionDenied):
        services.create_tie(
            world.users["staff_b"], person, neighbour, since=datetime.date(2024, 1, 1)
        )
    made = services.create_tie(
        world.users["staff_a"], person, neighbour, since=datetime.date(2024, 1, 1)
    )
    with pytest.raises(ValidationError):
        services.create_tie(
            world.users["staff_a"], person, neighbour, since=datetime.date(2024, 1, 1)
        )
    assert list(SupportTie.objects.all()) == [made]


def test_the_tie_form_offers_only_supporters_the_user_may_see(world: World) -> None:
    person = make_person(world)
    supporter_for(world, None, SupporterKind.NEIGHBOUR, name="矢向の隣人")
    supporter_for(
        world, None, SupporterKind.NEIGHBOUR, name="市場の隣人", district=world.district_b
    )
    html = (
        world.client_for("staff_a")
        .get(reverse("care:tie_create", kwargs={"pk": person.pk}))
        .content.decode()
    )
    assert "矢向の隣人" in html and "市場の隣人" not in html
