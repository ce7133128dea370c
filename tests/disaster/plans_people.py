"""Builders the plans-side disaster tests share (the demo `world` has no care people of its
own for these tests; each test makes the people, supporters and plans it needs)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from ainet.care.models import (
    Basis,
    InformationAgreement,
    ListEntry,
    ListKind,
    Person,
    Supporter,
    SupporterKind,
)
from ainet.core.models import District
from ainet.disaster.models import EvacuationPlan, PlanStatus
from tests.conftest import World

DAY = datetime.date(2024, 4, 1)
# Near 矢向 (yako); a supporter 0.001° north is about 111 m away.
LAT, LNG = Decimal("35.540000"), Decimal("139.680000")


def person(
    world: World,
    name: str,
    district: District | None = None,
    *,
    basis: str = Basis.CONSENT,
    reason: str = "ひとり暮らし高齢者（架空）",
    consent_on: datetime.date | None = DAY,
    removal_requested_on: datetime.date | None = None,
    lat: Decimal | None = LAT,
    lng: Decimal | None = LNG,
    **fields: Any,
) -> Person:
    p = Person.objects.create(
        municipality=world.ward,
        name=name,
        name_kana="テスト",
        district=district or world.district_a,
        address="横浜市鶴見区（架空）1-2-3",
        phone="045-000-0000",
        lat=lat,
        lng=lng,
        **fields,
    )
    ListEntry.objects.create(
        person=p,
        list_kind=ListKind.EVACUATION,
        basis=basis,
        joined_on=DAY,
        reason=reason,
        consent_on=consent_on if basis == Basis.CONSENT else None,
        removal_requested_on=removal_requested_on,
    )
    return p


def supporter(
    world: World,
    name: str,
    district: District | None = None,
    *,
    north: float = 0.001,
    capacity: int = 1,
    languages: list[str] | None = None,
    **fields: Any,
) -> Supporter:
    return Supporter.objects.create(
        municipality=world.ward,
        kind=SupporterKind.NEIGHBOUR,
        name=name,
        district=district or world.district_a,
        lat=LAT + Decimal(str(north)),
        lng=LNG,
        languages=languages if languages is not None else ["ja"],
        evacuation_capacity=capacity,
        **fields,
    )


def plan(world: World, p: Person, primary: Supporter | None, **fields: Any) -> EvacuationPlan:
    fields.setdefault("status", PlanStatus.AGREED)
    fields.setdefault("consent_on", DAY)
    return EvacuationPlan.objects.create(
        municipality=world.ward,
        person=p,
        primary_supporter=primary,
        updated_by=world.users["ward_admin"],
        **fields,
    )


def sign_agreement(world: World) -> None:
    InformationAgreement.objects.create(
        organisation=world.organisation("矢向第一町内会（デモ）"),
        manager=world.users["association"],
        signed_on=DAY,
    )
