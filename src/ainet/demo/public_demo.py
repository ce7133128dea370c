"""Synthetic demo data for the facility map and the public pages: AEDs, evacuation sites and
welfare shelters placed on real town-block points (the facilities are invented and marked
synthetic), the two real ward-wide hubs at approximate points, a few public texts in residents'
languages, and upcoming events for the public calendar."""

from __future__ import annotations

import datetime

from ainet.community.models import Event, EventKind
from ainet.core.dates import today_tokyo
from ainet.core.models import District, Municipality, Town
from ainet.facilities.models import Dataset, EvacuationSite, Facility, FacilityKind
from ainet.public.models import PublicText

TEXTS = {
    ("home-welcome", "ja"): (
        "鶴見区の地域福祉保健計画「鶴見・あいねっと」は、区民・区役所・区社会福祉協議会・"
        "地域ケアプラザが力を合わせ、支援が必要な人に届くまちをめざしています。"
    ),
    ("home-welcome", "ja-easy"): (
        "鶴見区《つるみく》は　みんなで　助《たす》け合《あ》う　まちを　つくっています。\n\n"
        "困《こま》ったときは　区役所《くやくしょ》や　地域《ちいき》ケアプラザに　"
        "相談《そうだん》して　ください。"
    ),
    ("home-welcome", "en"): (
        "Tsurumi Ward's community welfare and health plan brings residents, the ward office, "
        "the ward social welfare council and the community care plazas together so that help "
        "reaches everyone who needs it."
    ),
    ("home-welcome", "zh-hans"): (
        "鹤见区的地区福利保健计划让居民、区政府、区社会福利协议会和社区护理中心携手合作，"
        "让需要帮助的人得到支援。"
    ),
    ("concern-guidance", "ja-easy"): (
        "近《ちか》くの　人《ひと》が　心配《しんぱい》な　ときは　区役所《くやくしょ》に　"
        "電話《でんわ》して　ください。\n\n"
        "新聞《しんぶん》が　たまっている、　長《なが》い　間《あいだ》　見《み》ない　など。"
    ),
    ("concern-guidance", "en"): (
        "If you are worried about a neighbour (newspapers or post piling up, washing left out "
        "for days, not seen for a long time), call the ward office or the community care plaza. "
        "You do not have to be sure."
    ),
}


def build_public_demo(ward: Municipality) -> None:
    towns = list(Town.objects.filter(municipality=ward).order_by("name", "koaza"))
    rows: list[Facility] = []
    for i, town in enumerate(towns[::5], start=1):
        rows.append(
            Facility(
                municipality=ward,
                kind=FacilityKind.AED,
                name=f"デモAED{i:02d}（架空） {town.name}",
                address=f"横浜市鶴見区{town.name}",
                lat=town.lat,
                lng=town.lng,
                district=town.district,
                dataset=Dataset.DEMO,
                details={"設置位置": "1階入口（架空）"},
                is_demo_name=True,
                is_synthetic=True,
            )
        )
    sites = []
    for i, town in enumerate(towns[2::9], start=1):
        welfare = i % 5 == 0
        facility = Facility(
            municipality=ward,
            kind=FacilityKind.WELFARE_SHELTER if welfare else FacilityKind.EVACUATION_SITE,
            name=(f"デモ福祉避難所{i:02d}（架空）" if welfare else f"デモ避難場所{i:02d}（架空）")
            + f" {town.name}",
            name_kana="でも",
            address=f"横浜市鶴見区{town.name}",
            lat=town.lat,
            lng=town.lng,
            district=town.district,
            capacity=40 if welfare else 300 + 50 * (i % 7),
            dataset=Dataset.DEMO,
            is_demo_name=True,
            is_synthetic=True,
        )
        rows.append(facility)
        sites.append((facility, i))
    district = District.objects.filter(municipality=ward, code="yako").first()
    centre = next((t for t in towns if t.name.startswith("鶴見中央")), towns[0] if towns else None)
    if centre is not None:
        for kind, name in (
            (FacilityKind.CIVIC_CENTRE, "鶴見区民活動支援センター"),
            (FacilityKind.INTERNATIONAL_LOUNGE, "鶴見国際交流ラウンジ"),
        ):
            rows.append(
                Facility(
                    municipality=ward,
                    kind=kind,
                    name=name,
                    address=f"横浜市鶴見区{centre.name}（位置は概略）",
                    lat=centre.lat,
                    lng=centre.lng,
                    district=centre.district or district,
                    dataset=Dataset.DEMO,
                    note="位置は町丁目の代表点（概略） / approximate point",
                    is_synthetic=True,
                )
            )
    Facility.objects.bulk_create(rows)
    for facility, i in sites:
        EvacuationSite.objects.create(
            facility=facility,
            earthquake=True,
            large_fire=True,
            flood=i % 2 == 0,
            tsunami=i % 3 == 0,
            storm_surge=i % 3 == 0,
            inland_flood=i % 4 == 0,
            is_designated_shelter=i % 2 == 1,
            target_associations="デモ町内会（架空）",
        )
    PublicText.objects.bulk_create(
        PublicText(municipality=ward, key=key, language=language, body=body)
        for (key, language), body in TEXTS.items()
    )


def build_upcoming_events(ward: Municipality) -> None:
    """A few synthetic events after today, so the public calendar and forum have something."""
    today = today_tokyo()
    districts = list(District.objects.filter(municipality=ward).order_by("sort_order")[:4])
    specs = [
        (EventKind.FORUM, "鶴見・あいねっと推進フォーラム（デモ）", None, 40, 300),
        (EventKind.DISTRICT_FORUM, "地区フォーラム（デモ）", 0, 12, 60),
        (EventKind.SALON, "ふれあいサロン（デモ）", 1, 5, 20),
        (EventKind.TRAINING, "認知症サポーター養成講座（デモ）", 2, 20, 30),
        (EventKind.FESTIVAL, "多文化交流まつり（デモ）", 3, 30, None),
    ]
    for kind, title, district_index, days, capacity in specs:
        district = districts[district_index] if district_index is not None and districts else None
        Event.objects.create(
            municipality=ward,
            kind=kind,
            title=(f"{district.name}" if district else "") + title,
            district=district,
            date=today + datetime.timedelta(days),
            start_time=datetime.time(13, 30),
            end_time=datetime.time(15, 30),
            place="地区センター（デモ）",
            capacity=capacity,
        )
