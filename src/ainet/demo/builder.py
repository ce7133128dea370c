"""The demo ward: Tsurumi (141011) with its real town blocks, 18 districts, its organisations and
one account per role. Deterministic: the same input builds the same ward every time.

Confirmed names (MISSION.md §4) are used as they are; every other district or care plaza name is
invented for the demo and flagged `is_demo_name`, which the UI shows as a badge.
"""

from __future__ import annotations

import datetime
import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from ainet.core import audit
from ainet.core.models import (
    District,
    Municipality,
    Organisation,
    OrganisationKind,
    RoleMembership,
    Town,
    User,
)
from ainet.core.roles import Role
from ainet.grants.demo import build_demo as build_grants_demo

TOWNS_FILE = Path(__file__).parent / "data" / "tsurumi_towns.json"
MUNICIPALITY_CODE = "141011"


@dataclass(frozen=True)
class DistrictSpec:
    code: str
    name: str
    kana: str
    english: str
    demo_name: bool
    # Town-block name prefixes that belong to the district; the longest matching prefix wins.
    prefixes: tuple[str, ...]


DISTRICTS: tuple[DistrictSpec, ...] = (
    DistrictSpec("yako", "矢向", "やこう", "Yako", False, ("矢向", "江ケ崎町", "尻手")),
    DistrictSpec("ichiba", "市場", "いちば", "Ichiba", False, ("市場",)),
    DistrictSpec("toyooka", "豊岡", "とよおか", "Toyooka", False, ("豊岡町", "佃野町")),
    DistrictSpec(
        "ushioda-seibu",
        "潮田西部",
        "うしおだせいぶ",
        "Ushioda West",
        False,
        ("本町通", "仲通", "潮田町一丁目", "潮田町二丁目"),
    ),
    DistrictSpec(
        "ushioda-tobu",
        "潮田東部",
        "うしおだとうぶ",
        "Ushioda East",
        False,
        (
            "潮田町三丁目",
            "潮田町四丁目",
            "向井町",
            "下野谷町",
            "汐入町",
            "浜町",
            "小野町",
            "弁天町",
        ),
    ),
    DistrictSpec(
        "terao",
        "寺尾",
        "てらお",
        "Terao",
        False,
        ("北寺尾", "東寺尾北台", "東寺尾中台", "東寺尾東台"),
    ),
    DistrictSpec("namamugi", "生麦", "なまむぎ", "Namamugi", False, ("生麦",)),
    DistrictSpec("komaoka", "駒岡", "こまおか", "Komaoka", False, ("駒岡", "上の宮")),
    DistrictSpec(
        "shimosueyoshi", "下末吉", "しもすえよし", "Shimosueyoshi", False, ("下末吉", "元宮")
    ),
    DistrictSpec(
        "tsurumi-chuo", "鶴見中央", "つるみちゅうおう", "Tsurumi-chuo", True, ("鶴見中央", "鶴見")
    ),
    DistrictSpec(
        "kamisueyoshi", "上末吉", "かみすえよし", "Kamisueyoshi", True, ("上末吉", "梶山")
    ),
    DistrictSpec(
        "shishigaya", "獅子ケ谷", "ししがや", "Shishigaya", True, ("獅子ケ谷", "三ツ池公園")
    ),
    DistrictSpec("baba", "馬場", "ばば", "Baba", True, ("馬場",)),
    DistrictSpec("higashi-terao", "東寺尾", "ひがしてらお", "Higashi-terao", True, ("東寺尾",)),
    DistrictSpec("kishiya", "岸谷", "きしや", "Kishiya", True, ("岸谷",)),
    DistrictSpec(
        "heian", "平安", "へいあん", "Heian", True, ("平安町", "栄町通", "菅沢町", "諏訪坂", "寺谷")
    ),
    DistrictSpec("asahi", "朝日", "あさひ", "Asahi", True, ("朝日町", "大東町", "寛政町")),
    DistrictSpec(
        "rinkai", "臨海", "りんかい", "Waterfront", True, ("大黒", "扇島", "末広町", "安善町")
    ),
)


@dataclass(frozen=True)
class CarePlazaSpec:
    name: str
    kana: str
    demo_name: bool
    opened_on: datetime.date
    districts: tuple[str, ...]


# Seven care plazas in April 2010, nine in April 2015: 生麦 opened 2012-01, 馬場 2015-02
# (months from the plan review; the days and the older plazas' dates are synthetic).
CARE_PLAZAS: tuple[CarePlazaSpec, ...] = (
    CarePlazaSpec(
        "鶴見中央地域ケアプラザ",
        "つるみちゅうおうちいきけあぷらざ",
        False,
        datetime.date(1996, 4, 1),
        ("tsurumi-chuo", "toyooka"),
    ),
    CarePlazaSpec(
        "矢向地域ケアプラザ",
        "やこうちいきけあぷらざ",
        False,
        datetime.date(1999, 4, 1),
        ("yako", "ichiba"),
    ),
    CarePlazaSpec(
        "潮田地域ケアプラザ",
        "うしおだちいきけあぷらざ",
        True,
        datetime.date(2001, 4, 1),
        ("ushioda-seibu", "ushioda-tobu"),
    ),
    CarePlazaSpec(
        "寺尾地域ケアプラザ",
        "てらおちいきけあぷらざ",
        True,
        datetime.date(2002, 4, 1),
        ("terao", "higashi-terao"),
    ),
    CarePlazaSpec(
        "下末吉地域ケアプラザ",
        "しもすえよしちいきけあぷらざ",
        True,
        datetime.date(2004, 4, 1),
        ("shimosueyoshi", "kamisueyoshi"),
    ),
    CarePlazaSpec(
        "駒岡地域ケアプラザ",
        "こまおかちいきけあぷらざ",
        True,
        datetime.date(2006, 4, 1),
        ("komaoka", "shishigaya"),
    ),
    CarePlazaSpec(
        "岸谷地域ケアプラザ",
        "きしやちいきけあぷらざ",
        True,
        datetime.date(2008, 4, 1),
        ("kishiya", "heian"),
    ),
    CarePlazaSpec(
        "生麦地域ケアプラザ",
        "なまむぎちいきけあぷらざ",
        False,
        datetime.date(2012, 1, 1),
        ("namamugi", "asahi", "rinkai"),
    ),
    CarePlazaSpec(
        "馬場地域ケアプラザ",
        "ばばちいきけあぷらざ",
        False,
        datetime.date(2015, 2, 1),
        ("baba",),
    ),
)


@dataclass(frozen=True)
class AccountSpec:
    username: str
    display_name: str
    role: Role
    districts: tuple[str, ...]
    organisation: str | None


ACCOUNTS: tuple[AccountSpec, ...] = (
    AccountSpec("ward-admin", "区役所 管理者（デモ）", Role.WARD_ADMIN, (), "鶴見区役所"),
    AccountSpec("staff-yako", "区役所 矢向担当（デモ）", Role.WARD_STAFF, ("yako",), "鶴見区役所"),
    AccountSpec(
        "staff-ichiba", "区役所 市場担当（デモ）", Role.WARD_STAFF, ("ichiba",), "鶴見区役所"
    ),
    AccountSpec(
        "shakyo-coordinator",
        "区社協 コーディネーター（デモ）",
        Role.SHAKYO_COORDINATOR,
        ("yako", "ichiba", "toyooka", "shimosueyoshi", "komaoka", "kamisueyoshi"),
        "鶴見区社会福祉協議会",
    ),
    AccountSpec(
        "careplaza-yako",
        "矢向地域ケアプラザ 職員（デモ）",
        Role.CARE_PLAZA_STAFF,
        ("yako", "ichiba"),
        "矢向地域ケアプラザ",
    ),
    AccountSpec(
        "minsei-yako",
        "民生委員 矢向（デモ）",
        Role.MINSEI_IIN,
        ("yako",),
        "矢向地区民生委員児童委員協議会",
    ),
    AccountSpec(
        "association-yako",
        "矢向町内会 情報管理者（デモ）",
        Role.ASSOCIATION_MANAGER,
        ("yako",),
        "矢向第一町内会（デモ）",
    ),
    AccountSpec("volunteer", "ボランティア（デモ）", Role.VOLUNTEER, ("yako",), None),
    AccountSpec(
        "partner-company",
        "新聞販売店（デモ）",
        Role.PARTNER_COMPANY,
        (),
        "つるみ新聞販売センター（デモ）",
    ),
    AccountSpec("committee-member", "推進委員（デモ）", Role.COMMITTEE_MEMBER, (), None),
    AccountSpec("auditor", "監査担当（デモ）", Role.AUDITOR, (), "鶴見区役所"),
)


def load_towns() -> list[dict[str, Any]]:
    towns: list[dict[str, Any]] = json.loads(TOWNS_FILE.read_text(encoding="utf-8"))
    return towns


def assign_towns(towns: Iterable[dict[str, Any]]) -> dict[str, str]:
    """Town name → district code: by the longest matching prefix, else the nearest district
    centre. The district areas are therefore approximations, and the UI says so."""
    prefixes = sorted(
        ((prefix, spec.code) for spec in DISTRICTS for prefix in spec.prefixes),
        key=lambda pair: -len(pair[0]),
    )
    matched: dict[str, str] = {}
    unmatched: list[dict[str, Any]] = []
    points: dict[str, list[tuple[float, float]]] = {}
    for town in towns:
        code = next((c for p, c in prefixes if town["town"].startswith(p)), None)
        if code is None:
            unmatched.append(town)
            continue
        matched[town["town"]] = code
        points.setdefault(code, []).append((town["lat"], town["lng"]))
    centres = {
        code: (sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts))
        for code, pts in points.items()
    }
    for town in unmatched:
        matched[town["town"]] = min(
            centres,
            key=lambda c: math.dist(centres[c], (town["lat"], town["lng"])),
        )
    return matched


def account_specs() -> list[dict[str, Any]]:
    return [
        {"username": a.username, "role": a.role.value, "districts": list(a.districts)}
        for a in ACCOUNTS
    ]


def demo_exists() -> bool:
    return Municipality.objects.filter(code=MUNICIPALITY_CODE).exists()


def build(progress: Callable[[str], None] = lambda step: None) -> Municipality:
    """Create the demo ward. Refuses to run twice: the caller checks `demo_exists()` first."""
    password = settings.AINET_DEMO_PASSWORD
    with transaction.atomic():
        progress("municipality")
        ward = Municipality(
            code=MUNICIPALITY_CODE,
            name="横浜市鶴見区",
            name_kana="よこはましつるみく",
            name_en="Tsurumi Ward, Yokohama",
            prefecture="神奈川県",
            is_demo=True,
        )
        ward.full_clean()
        ward.save()

        progress("districts")
        districts = {
            spec.code: District.objects.create(
                municipality=ward,
                code=spec.code,
                name=spec.name,
                name_kana=spec.kana,
                name_en=spec.english,
                is_demo_name=spec.demo_name,
                sort_order=order,
            )
            for order, spec in enumerate(DISTRICTS, start=1)
        }

        progress("town blocks")
        towns = load_towns()
        assignment = assign_towns(towns)
        Town.objects.bulk_create(
            Town(
                municipality=ward,
                district=districts[assignment[t["town"]]],
                name=t["town"],
                koaza=t["koaza"],
                lat=Decimal(str(t["lat"])).quantize(Decimal("0.000001")),
                lng=Decimal(str(t["lng"])).quantize(Decimal("0.000001")),
            )
            for t in towns
        )

        progress("organisations")
        organisations = _build_organisations(ward, districts)

        progress("accounts")
        for spec in ACCOUNTS:
            user = User(username=spec.username, display_name=spec.display_name, municipality=ward)
            user.set_password(password)
            user.save()
            membership = RoleMembership.objects.create(
                user=user,
                municipality=ward,
                role=spec.role,
                organisation=organisations.get(spec.organisation or ""),
            )
            membership.districts.set([districts[c] for c in spec.districts])
        # A small synthetic grants set: the donation fund, an open round, two applications.
        build_grants_demo(ward)
        audit.record(None, audit.Action.DEMO_BUILT, obj=ward, actor_username="ainet demo")
    return ward


def _build_organisations(
    ward: Municipality, districts: dict[str, District]
) -> dict[str, Organisation]:
    made: dict[str, Organisation] = {}

    def add(
        kind: OrganisationKind,
        name: str,
        kana: str = "",
        served: Iterable[str] = (),
        demo_name: bool = False,
        opened_on: datetime.date | None = None,
    ) -> None:
        organisation = Organisation.objects.create(
            municipality=ward,
            kind=kind,
            name=name,
            name_kana=kana,
            is_demo_name=demo_name,
            opened_on=opened_on,
        )
        organisation.districts.set([districts[c] for c in served])
        made[name] = organisation

    add(OrganisationKind.WARD_OFFICE, "鶴見区役所", "つるみくやくしょ")
    add(OrganisationKind.WARD_SHAKYO, "鶴見区社会福祉協議会", "つるみくしゃかいふくしきょうぎかい")
    for plaza in CARE_PLAZAS:
        add(
            OrganisationKind.CARE_PLAZA,
            plaza.name,
            plaza.kana,
            plaza.districts,
            plaza.demo_name,
            plaza.opened_on,
        )
    for spec in DISTRICTS:
        add(
            OrganisationKind.DISTRICT_SHAKYO,
            f"{spec.name}地区社会福祉協議会",
            f"{spec.kana}ちくしゃかいふくしきょうぎかい",
            (spec.code,),
            spec.demo_name,
        )
        add(
            OrganisationKind.MINSEI_COUNCIL,
            f"{spec.name}地区民生委員児童委員協議会",
            f"{spec.kana}ちくみんせいいいんじどういいんきょうぎかい",
            (spec.code,),
            spec.demo_name,
        )
    add(
        OrganisationKind.ASSOCIATION,
        "矢向第一町内会（デモ）",
        "やこうだいいちちょうないかい",
        ("yako",),
        True,
    )
    add(
        OrganisationKind.ASSOCIATION,
        "市場東町内会（デモ）",
        "いちばひがしちょうないかい",
        ("ichiba",),
        True,
    )
    add(
        OrganisationKind.PARTNER_COMPANY,
        "つるみ新聞販売センター（デモ）",
        "つるみしんぶんはんばいせんたー",
        demo_name=True,
    )
    add(
        OrganisationKind.GROUP,
        "NPO法人つるみ支えあいネット（デモ）",
        "つるみささえあいねっと",
        demo_name=True,
    )
    return made
