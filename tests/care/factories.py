"""Small builders the care tests share. The `world` is the demo ward without care records
(care_demo runs in `ainet demo` only), so each test makes the people it needs."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from ainet.care import kana
from ainet.care.models import (
    Basis,
    Contact,
    ContactMethod,
    InformationAgreement,
    ListEntry,
    ListKind,
    NeedKind,
    Person,
    Supporter,
    SupporterKind,
    SupportTie,
)
from ainet.core.models import District, Town
from tests.conftest import World

DAY = datetime.date(2024, 4, 1)


def town_in(district: District) -> Town:
    town = Town.objects.filter(district=district).order_by("name", "koaza").first()
    assert town is not None
    return town


def make_person(
    world: World,
    name: str = "試験 花子",
    district: District | None = None,
    *,
    list_kind: str | None = ListKind.EVACUATION,
    basis: str = Basis.CONSENT,
    **fields: Any,
) -> Person:
    district = district or world.district_a
    town = town_in(district)
    values: dict[str, Any] = {
        "name_kana": "しけん はなこ",
        "birth_date": datetime.date(1940, 5, 3),
        "address": f"横浜市鶴見区{town.name}1-2-3",
        "phone": "045-000-0000",
        "care_level": "care_2",
        "disability": "視覚障害（テスト）",
        "illness": "糖尿病（テスト）",
        "notes": "特記事項（テスト）",
        **fields,
    }
    person = Person.objects.create(
        municipality=world.ward,
        name=name,
        town=town,
        district=district,
        lat=town.lat,
        lng=town.lng,
        match_kana=kana.kana_key(values["name_kana"]),
        **values,
    )
    if list_kind:
        ListEntry.objects.create(
            person=person,
            list_kind=list_kind,
            basis=basis,
            joined_on=DAY,
            consent_on=DAY if basis == Basis.CONSENT else None,
        )
    return person


def sign_agreement(world: World) -> InformationAgreement:
    return InformationAgreement.objects.create(
        organisation=world.organisation("矢向第一町内会（デモ）"),
        manager=world.users["association"],
        signed_on=DAY,
    )


def supporter_for(
    world: World, persona: str | None = None, kind: str = SupporterKind.VOLUNTEER, **fields: Any
) -> Supporter:
    user = world.users[persona] if persona else None
    if user is not None:
        found = Supporter.objects.filter(user=user).first()
        if found is not None:
            return found
    town = town_in(world.district_a)
    values: dict[str, Any] = {
        "name": f"支援者（{persona or kind}）",
        "district": world.district_a,
        "lat": town.lat,
        "lng": town.lng,
        **fields,
    }
    return Supporter.objects.create(municipality=world.ward, kind=kind, user=user, **values)


def tie(person: Person, supporter: Supporter, **fields: Any) -> SupportTie:
    return SupportTie.objects.create(person=person, supporter=supporter, since=DAY, **fields)


def visible_to_everyone(world: World) -> Person:
    """A consented person in district A whom every care.view holder of district A sees: tied
    to the volunteer and the commissioner, and the association has signed its agreement."""
    person = make_person(world)
    sign_agreement(world)
    tie(person, supporter_for(world, "volunteer"))
    tie(person, supporter_for(world, "minsei", SupporterKind.MINSEI_IIN))
    return person


def contact(person: Person, **fields: Any) -> Contact:
    values: dict[str, Any] = {"at": timezone.now(), "method": ContactMethod.VISIT, **fields}
    return Contact.objects.create(person=person, **values)


def need(world: World, code: str = "alone-75", special: bool = False) -> NeedKind:
    made, _ = NeedKind.objects.get_or_create(
        municipality=world.ward,
        code=code,
        defaults={"name": f"ニーズ {code}", "is_special_care": special},
    )
    return made
