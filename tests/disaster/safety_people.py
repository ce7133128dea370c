"""Builders the safety-confirmation tests share: the `world` (the demo ward) has no care
people yet, so each test makes the listed people, supporters and campaign it needs."""

from __future__ import annotations

import datetime
from typing import Any

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
from ainet.core.models import District
from ainet.disaster.models import SafetyCampaign
from tests.conftest import World


def make_person(
    world: World,
    district: District | None = None,
    *,
    name: str = "",
    basis: str = Basis.CONSENT,
    list_kind: str = ListKind.EVACUATION,
    **fields: Any,
) -> Person:
    district = district or world.district_a
    person = Person.objects.create(
        municipality=world.ward,
        name=name or f"{district.name} 太郎（架空）",
        name_kana="テスト タロウ",
        district=district,
        address="横浜市鶴見区（架空）1-2-3",
        phone="045-000-0000",
        **fields,
    )
    ListEntry.objects.create(
        person=person,
        list_kind=list_kind,
        basis=basis,
        joined_on=datetime.date(2024, 4, 1),
        reason="ひとり暮らし高齢者",
    )
    return person


def make_campaign(
    world: World, districts: list[District] | None = None, title: str = "地震 安否確認（テスト）"
) -> SafetyCampaign:
    campaign = SafetyCampaign.objects.create(
        municipality=world.ward,
        title=title,
        opened_by=world.users["ward_admin"],
        opened_at=timezone.now() - datetime.timedelta(hours=1),
    )
    if districts:
        campaign.districts.set(districts)
    return campaign


def declare_disaster(world: World, districts: list[District] | None = None) -> DisasterDeclaration:
    declaration = DisasterDeclaration.objects.create(
        municipality=world.ward,
        reason="震度6強の地震（テスト）",
        declared_by=world.users["ward_admin"],
        starts_at=timezone.now() - datetime.timedelta(hours=1),
        expires_at=timezone.now() + datetime.timedelta(days=3),
    )
    if districts:
        declaration.districts.set(districts)
    return declaration


def sign_agreement(world: World) -> InformationAgreement:
    association = world.users["association"]
    return InformationAgreement.objects.create(
        organisation=world.organisation("矢向第一町内会（デモ）"),
        manager=association,
        signed_on=datetime.date(2024, 4, 1),
    )


def tie_volunteer(world: World, person: Person) -> Supporter:
    supporter = Supporter.objects.create(
        municipality=world.ward,
        kind=SupporterKind.VOLUNTEER,
        name="ボランティア 花子（架空）",
        user=world.users["volunteer"],
        district=person.district,
    )
    SupportTie.objects.create(person=person, supporter=supporter, since=datetime.date(2024, 4, 1))
    return supporter
