"""Migrations volunteers/0004 and community/0004 take the caravan mates over from
community.CaravanMate without changing a count, and can be reversed."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("volunteers", "0002_volunteer_volunteer_stock_idx"),
    ("community", "0003_caravanmate_caravan_mate_stock_idx"),
]
AFTER = [("volunteers", "0004_take_over_caravan_mates"), ("community", "0004_delete_caravanmate")]
D = datetime.date


def _migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def _latest() -> list[tuple[str, str]]:
    return list(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_caravan_mates_become_certificate_holders_and_counts_stay() -> None:
    old = _migrate(BEFORE)
    ward = old.get_model("core", "Municipality").objects.create(code="141011", name="鶴見区")
    yako = old.get_model("core", "District").objects.create(
        municipality=ward, code="yako", name="矢向"
    )
    people = old.get_model("volunteers", "Volunteer").objects
    people.create(municipality=ward, name="v1", district=yako, registered_on=D(2005, 4, 1))
    people.create(municipality=ward, name="v2", registered_on=D(2005, 4, 1), ended_on=D(2012, 1, 1))
    mates = old.get_model("community", "CaravanMate").objects
    mates.create(municipality=ward, name="m1", district=yako, registered_on=D(2008, 4, 1))
    mates.create(municipality=ward, name="m2", registered_on=D(2008, 4, 1), ended_on=D(2013, 1, 1))

    new = _migrate(AFTER)
    registered = new.get_model("volunteers", "Volunteer").objects.filter(
        registered_on__isnull=False
    )
    assert sorted(registered.values_list("name", "status")) == [
        ("v1", "active"),
        ("v2", "ended"),
    ]
    holdings = (
        new.get_model("volunteers", "VolunteerCertificate")
        .objects.filter(certificate__code="caravan_mate")
        .select_related("volunteer")
    )
    rows = sorted(
        (h.volunteer.name, h.volunteer.registered_on, h.obtained_on, h.ended_on) for h in holdings
    )
    assert rows == [
        ("m1", None, D(2008, 4, 1), None),
        ("m2", None, D(2008, 4, 1), D(2013, 1, 1)),
    ]
    assert {h.volunteer.name: h.volunteer.district_id for h in holdings} == {
        "m1": yako.pk,
        "m2": None,
    }

    back = _migrate(BEFORE)
    restored = back.get_model("community", "CaravanMate").objects
    assert sorted(restored.values_list("name", "ended_on")) == [
        ("m1", None),
        ("m2", D(2013, 1, 1)),
    ]
    assert back.get_model("volunteers", "Volunteer").objects.count() == 2
    _migrate(_latest())
