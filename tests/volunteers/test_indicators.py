"""The registered-volunteer and caravan-mate indicators count the volunteer centre's records."""

from __future__ import annotations

import datetime

from ainet.core.indicators import Span
from ainet.volunteers import indicators, services
from ainet.volunteers.models import VolunteerCertificate
from tests.conftest import World
from tests.volunteers.url_rules import certificate, make_volunteer, town_in


def _span(world: World) -> list[Span]:
    # FY2024: counted on 2025-04-01
    return [Span(1, 2024, 2024)]


def test_pending_registrations_are_not_counted_until_confirmed(world: World) -> None:
    make_volunteer(world, registered_on=datetime.date(2024, 5, 1))
    services.register_publicly(
        world.ward,
        name="申込者",
        town=town_in(world.district_a),
        contact_consent=True,
    )
    values = indicators.registered_volunteers(world.ward, _span(world), [])
    assert values[(1, None)] == 1


def test_caravan_mates_are_volunteers_holding_the_certificate(world: World) -> None:
    mate = make_volunteer(world, registered_on=None)
    VolunteerCertificate.objects.create(
        volunteer=mate, certificate=certificate(world), obtained_on=datetime.date(2024, 6, 1)
    )
    ended = make_volunteer(world)
    VolunteerCertificate.objects.create(
        volunteer=ended,
        certificate=certificate(world),
        obtained_on=datetime.date(2020, 6, 1),
        ended_on=datetime.date(2024, 12, 1),
    )
    values = indicators.caravan_mates(world.ward, _span(world), [world.district_a.pk])
    assert values[(1, None)] == 1
    assert values[(1, world.district_a.pk)] == 1
