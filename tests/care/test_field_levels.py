"""The per-row field level lists use agrees with `person_access` for every persona and person."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from ainet.care.models import Basis, DisasterDeclaration, ListKind, Person
from ainet.core import access
from tests.care.factories import make_person, sign_agreement, supporter_for, tie
from tests.conftest import PERSONAS, World

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("disaster", [False, True])
def test_row_levels_agree_with_person_access(world: World, disaster: bool) -> None:
    sign_agreement(world)
    people = [
        make_person(world, "同意"),
        make_person(world, "本人のみ", basis=Basis.WARD_ONLY),
        make_person(world, "見守り", list_kind=ListKind.WATCH, basis=Basis.WATCH_PROGRAMME),
        make_person(world, "市場", district=world.district_b),
    ]
    tie(people[1], supporter_for(world, "volunteer"))
    if disaster:
        declaration = DisasterDeclaration.objects.create(
            municipality=world.ward,
            reason="test",
            declared_by=world.users["ward_admin"],
            expires_at=timezone.now() + timedelta(hours=1),
        )
        declaration.districts.set([world.district_a])
    for persona, username in PERSONAS.items():
        if username is None:
            continue
        user = world.users[persona]
        access.forget(user)
        rows = dict(
            Person.objects.annotate(level=access.person_level_expression(user)).values_list(
                "pk", "level"
            )
        )
        normal = set(
            Person.objects.filter(access.person_normal_q(user)).values_list("pk", flat=True)
        )
        for person in people:
            seen = access.person_access(user, person)
            assert rows[person.pk] == (int(seen.level) if seen else 0), (persona, person.name)
            if seen:
                assert seen.via_disaster_mode == (person.pk not in normal), (persona, person.name)
