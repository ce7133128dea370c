"""Small builders for the concern-report and isolation tests (people, supporters, ties)."""

from __future__ import annotations

import datetime
from typing import Any

from ainet.care.models import ListEntry, ListKind, Person, Supporter, SupportTie
from ainet.core.models import District, Town
from tests.conftest import World


def town_in(district: District) -> Town:
    town = Town.objects.filter(district=district).order_by("name").first()
    assert town is not None
    return town


def person(world: World, district: District, name: str, **fields: Any) -> Person:
    town = town_in(district)
    p = Person.objects.create(
        municipality=world.ward,
        name=name,
        name_kana=fields.pop("name_kana", name),
        town=town,
        district=district,
        **fields,
    )
    ListEntry.objects.create(
        person=p,
        list_kind=fields.get("list_kind", ListKind.WATCH),
        basis="watch_programme",
        joined_on=datetime.date(2020, 4, 1),
    )
    return p


def supporter(world: World, district: District, name: str, **fields: Any) -> Supporter:
    return Supporter.objects.create(
        municipality=world.ward,
        kind=fields.pop("kind", "neighbour"),
        name=name,
        district=district,
        **fields,
    )


def tie(p: Person, s: Supporter, **fields: Any) -> SupportTie:
    return SupportTie.objects.create(
        person=p, supporter=s, since=fields.pop("since", datetime.date(2021, 1, 1)), **fields
    )
