"""Synthetic people who need support for the demo ward: a few hundred people on real town-block
points (with jitter) across the districts, on both lists under every legal basis, with needs,
supporters, support ties and a few months of contacts; an information agreement for the demo
association manager; supporter profiles for the demo `volunteer` and `minsei-yako` accounts;
見守り協定 concern reports from the demo partner company and from residents in every state of
their loop (new, acknowledged, acted on, closed with an outcome, escalated, unrouted), made
through `care/concerns.py` so that its rules hold.

Every person here is invented: the names are drawn from a short list of common surnames and
given names, the birth dates, phones and addresses are random. Built by `ainet demo` after the
plan history — not by `builder.build()`, which the tests' `world` uses, so that the tests'
access rules start from a ward with nobody in it. Deterministic (fixed seed); bulk inserts keep
it well under a second.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from ainet.care import concerns, kana
from ainet.care.models import (
    Basis,
    CareLevel,
    ConcernReport,
    ConsentEvent,
    ConsentEventKind,
    Contact,
    ContactCategory,
    ContactMethod,
    Frequency,
    HouseholdType,
    InformationAgreement,
    ListEntry,
    ListKind,
    NeedKind,
    Person,
    Sex,
    Supporter,
    SupporterKind,
    SupportTie,
    Urgency,
    WatchLevel,
)
from ainet.core.dates import TOKYO, today_tokyo
from ainet.core.models import District, Municipality, Organisation, OrganisationKind, Town, User

SEED = 4
PEOPLE_PER_DISTRICT = 16
BIG_DISTRICTS = {"yako": 60, "ichiba": 40}

SURNAMES = (
    ("佐藤", "さとう"),
    ("鈴木", "すずき"),
    ("高橋", "たかはし"),
    ("田中", "たなか"),
    ("伊藤", "いとう"),
    ("渡辺", "わたなべ"),
    ("山本", "やまもと"),
    ("中村", "なかむら"),
    ("小林", "こばやし"),
    ("加藤", "かとう"),
    ("吉田", "よしだ"),
    ("山田", "やまだ"),
)
GIVEN = (
    ("花子", "はなこ", Sex.FEMALE),
    ("和子", "かずこ", Sex.FEMALE),
    ("幸子", "さちこ", Sex.FEMALE),
    ("節子", "せつこ", Sex.FEMALE),
    ("久子", "ひさこ", Sex.FEMALE),
    ("太郎", "たろう", Sex.MALE),
    ("清", "きよし", Sex.MALE),
    ("実", "みのる", Sex.MALE),
    ("茂", "しげる", Sex.MALE),
    ("勇", "いさむ", Sex.MALE),
)
# Kinds of need every ward starts with; staff add more on the needs page.
NEED_KINDS = (
    ("alone-75", "ひとり暮らし（75歳以上）", "Living alone, aged 75+", False),
    ("elderly-household", "高齢者のみ世帯", "Elderly-only household", False),
    ("language", "言語の支援", "Language help", False),
    ("mobility", "移動の支援", "Help getting about", False),
    ("care-certified", "要介護認定", "Certified care need", True),
    ("disability", "障害", "Disability", True),
    ("illness", "疾病・医療的ケア", "Illness or medical care", True),
)
# (list, basis, share of people)
BASES = (
    (ListKind.EVACUATION, Basis.CONSENT, 30),
    (ListKind.EVACUATION, Basis.HAND_RAISED, 12),
    (ListKind.EVACUATION, Basis.OPT_OUT, 20),
    (ListKind.EVACUATION, Basis.WARD_ONLY, 5),
    (ListKind.WATCH, Basis.WATCH_PROGRAMME, 28),
    (ListKind.WATCH, Basis.CONSENT, 5),
)
JITTER = 0.0012  # degrees, about 100 m
NOTICED = (
    "元気そうだった。",
    "新聞が2日分たまっていた。声かけで応答あり。",
    "足の痛みを訴えていた。ケアプラザに連絡。",
    "サロンへの参加を勧めた。",
    "不在。翌日電話で無事を確認。",
    "",
)


def _jitter(rng: random.Random, value: Decimal) -> Decimal:
    return (value + Decimal(str(rng.uniform(-JITTER, JITTER)))).quantize(Decimal("0.000001"))


def _birth_date(rng: random.Random, today: datetime.date) -> datetime.date:
    age = rng.randint(66, 97)
    return today.replace(year=today.year - age) - datetime.timedelta(days=rng.randrange(365))


def build_care(ward: Municipality, progress: Any = lambda step: None) -> dict[str, int]:
    """Create the synthetic care records; returns counts. Run once, on a new demo ward."""
    rng = random.Random(SEED)  # noqa: S311 - deterministic synthetic data, not security
    today = today_tokyo()
    now = timezone.now()
    progress("people who need support")
    with transaction.atomic():
        needs = {
            code: NeedKind.objects.create(
                municipality=ward,
                code=code,
                name=name,
                name_en=english,
                is_special_care=special,
                sort_order=order,
            )
            for order, (code, name, english, special) in enumerate(NEED_KINDS, start=1)
        }
        districts = list(District.objects.filter(municipality=ward).order_by("sort_order"))
        towns_by_district: dict[int, list[Town]] = {}
        for town in Town.objects.filter(municipality=ward):
            if town.district_id is not None:
                towns_by_district.setdefault(town.district_id, []).append(town)

        people: list[Person] = []
        for district in districts:
            towns = towns_by_district.get(district.pk, [])
            if not towns:
                continue
            for _ in range(BIG_DISTRICTS.get(district.code, PEOPLE_PER_DISTRICT)):
                surname, surname_kana = rng.choice(SURNAMES)
                given, given_kana, sex = rng.choice(GIVEN)
                town = rng.choice(towns)
                number = f"{rng.randint(1, 30)}-{rng.randint(1, 20)}"
                address = f"横浜市鶴見区{town.name}{town.koaza}{number}"
                name_kana = f"{surname_kana} {given_kana}"
                people.append(
                    Person(
                        municipality=ward,
                        resident_number=f"9{len(people) + 1:09d}",
                        name=f"{surname} {given}",
                        name_kana=name_kana,
                        birth_date=_birth_date(rng, today),
                        sex=sex,
                        postal_code="230-00" + f"{rng.randint(0, 99):02d}",
                        address=address,
                        town=town,
                        district=district,
                        lat=_jitter(rng, town.lat),
                        lng=_jitter(rng, town.lng),
                        phone=f"045-5{rng.randint(10, 99)}-{rng.randint(1000, 9999)}",
                        household_type=rng.choice(
                            [HouseholdType.LIVING_ALONE] * 3
                            + [HouseholdType.ELDERLY_ONLY, HouseholdType.WITH_FAMILY]
                        ),
                        emergency_contact_name=f"{surname} {rng.choice(GIVEN)[0]}",
                        emergency_contact_phone=f"090-{rng.randint(1000, 9999)}-"
                        f"{rng.randint(1000, 9999)}",
                        preferred_language=rng.choice(["ja"] * 12 + ["pt", "zh", "es"]),
                        watch_level=rng.choice(
                            [WatchLevel.HIGH, WatchLevel.MEDIUM, WatchLevel.MEDIUM, WatchLevel.LOW]
                        ),
                        care_level=rng.choice(
                            [CareLevel.NONE] * 3 + [CareLevel.SUPPORT_1, CareLevel.CARE_2]
                        ),
                        match_kana=kana.kana_key(name_kana),
                        match_address=kana.address_key(address),
                    )
                )
        Person.objects.bulk_create(people)

        entries: list[ListEntry] = []
        events: list[ConsentEvent] = []
        weights = [share for _l, _b, share in BASES]
        through = Person.needs.through
        person_needs = []
        for person in people:
            list_kind, basis, _share = rng.choices(BASES, weights)[0]
            joined = today - datetime.timedelta(days=rng.randint(60, 2000))
            consent_on = joined if basis == Basis.CONSENT else None
            removal = (
                joined + datetime.timedelta(days=30)
                if basis == Basis.OPT_OUT and rng.random() < 0.15
                else None
            )
            entries.append(
                ListEntry(
                    person=person,
                    list_kind=list_kind,
                    basis=basis,
                    consent_on=consent_on,
                    consent_scope="避難支援等関係者への提供" if consent_on else "",
                    removal_requested_on=removal,
                    reason="ひとり暮らし高齢者" if list_kind == ListKind.WATCH else "歩行が困難",
                    joined_on=joined,
                    source="デモ（架空）",
                )
            )
            events.append(
                ConsentEvent(
                    person=person,
                    list_kind=list_kind,
                    kind=ConsentEventKind.ADDED,
                    basis=basis,
                    on=joined,
                    note="デモ（架空）",
                )
            )
            if consent_on:
                events.append(
                    ConsentEvent(
                        person=person,
                        list_kind=list_kind,
                        kind=ConsentEventKind.CONSENT_GIVEN,
                        basis=basis,
                        on=consent_on,
                        scope="避難支援等関係者への提供",
                    )
                )
            if removal:
                events.append(
                    ConsentEvent(
                        person=person,
                        list_kind=list_kind,
                        kind=ConsentEventKind.REMOVAL_REQUESTED,
                        basis=basis,
                        on=removal,
                    )
                )
            if person.household_type == HouseholdType.LIVING_ALONE:
                person_needs.append(through(person_id=person.pk, needkind_id=needs["alone-75"].pk))
            if person.preferred_language != "ja":
                person_needs.append(through(person_id=person.pk, needkind_id=needs["language"].pk))
            if person.care_level:
                person_needs.append(
                    through(person_id=person.pk, needkind_id=needs["care-certified"].pk)
                )
        ListEntry.objects.bulk_create(entries)
        ConsentEvent.objects.bulk_create(events)
        through.objects.bulk_create(person_needs)

        supporters = _supporters(ward, rng, districts, towns_by_district)
        ties = _ties(rng, people, supporters, today)
        contacts = _contacts(rng, people, ties, now)
        _agreement(ward, today)
        reports = _concern_reports(ward, people, now)
    return {
        "people": len(people),
        "entries": len(entries),
        "supporters": sum(len(v) for v in supporters.values()),
        "ties": len(ties),
        "contacts": contacts,
        "concern_reports": reports,
    }


def _supporters(
    ward: Municipality,
    rng: random.Random,
    districts: list[District],
    towns_by_district: dict[int, list[Town]],
) -> dict[int, list[Supporter]]:
    """Per district: two 民生委員, two neighbours, a volunteer, the association and the care
    plaza. In 矢向 the first commissioner and the volunteer are the demo accounts."""
    made: dict[int, list[Supporter]] = {}
    users = {u.username: u for u in User.objects.filter(username__in=["minsei-yako", "volunteer"])}
    plazas = {
        d.pk: o
        for o in Organisation.objects.filter(
            municipality=ward, kind=OrganisationKind.CARE_PLAZA
        ).prefetch_related("districts")
        for d in o.districts.all()
    }
    for district in districts:
        towns = towns_by_district.get(district.pk, [])
        if not towns:
            continue
        plan = [
            (SupporterKind.MINSEI_IIN, f"{district.name} 民生委員A（デモ）", "minsei-yako"),
            (SupporterKind.MINSEI_IIN, f"{district.name} 民生委員B（デモ）", None),
            (SupporterKind.NEIGHBOUR, f"{district.name} 近隣住民A（デモ）", None),
            (SupporterKind.NEIGHBOUR, f"{district.name} 近隣住民B（デモ）", None),
            (SupporterKind.VOLUNTEER, f"{district.name} ボランティア（デモ）", "volunteer"),
            (SupporterKind.ASSOCIATION, f"{district.name} 町内会（デモ）", None),
            (SupporterKind.CARE_PLAZA, f"{district.name} 担当ケアプラザ（デモ）", None),
        ]
        rows = []
        for kind, name, username in plan:
            town = rng.choice(towns)
            user = users.get(username) if username and district.code == "yako" else None
            rows.append(
                Supporter(
                    municipality=ward,
                    kind=kind,
                    name=name,
                    user=user,
                    organisation=plazas.get(district.pk)
                    if kind == SupporterKind.CARE_PLAZA
                    else None,
                    district=district,
                    phone=f"045-6{rng.randint(10, 99)}-{rng.randint(1000, 9999)}",
                    lat=_jitter(rng, town.lat),
                    lng=_jitter(rng, town.lng),
                    languages=["ja", "pt"] if kind == SupporterKind.VOLUNTEER else ["ja"],
                    evacuation_capacity=2 if kind == SupporterKind.NEIGHBOUR else 1,
                )
            )
        made[district.pk] = Supporter.objects.bulk_create(rows)
    return made


def _ties(
    rng: random.Random,
    people: list[Person],
    supporters: dict[int, list[Supporter]],
    today: datetime.date,
) -> list[SupportTie]:
    ties: list[SupportTie] = []
    for person in people:
        pool = supporters.get(person.district_id or 0, [])
        if not pool:
            continue
        # About one in eight has nobody (isolated); most have one or two ties.
        count = rng.choices([0, 1, 2, 3], [12, 45, 33, 10])[0]
        for supporter in rng.sample(pool, min(count, len(pool))):
            since = today - datetime.timedelta(days=rng.randint(30, 1500))
            ended = rng.random() < 0.08
            ties.append(
                SupportTie(
                    person=person,
                    supporter=supporter,
                    since=since,
                    frequency=rng.choice(
                        [Frequency.WEEKLY, Frequency.MONTHLY, Frequency.MONTHLY, Frequency.DAILY]
                    ),
                    is_evacuation_support=supporter.kind
                    in (SupporterKind.NEIGHBOUR, SupporterKind.ASSOCIATION),
                    ended_on=today - datetime.timedelta(days=10) if ended else None,
                    end_reason="転居のため（デモ）" if ended else "",
                )
            )
    return SupportTie.objects.bulk_create(ties)


def _contacts(
    rng: random.Random, people: list[Person], ties: list[SupportTie], now: datetime.datetime
) -> int:
    """About four months of contacts by the tied supporters; keeps last_contact_at."""
    by_person: dict[int, list[SupportTie]] = {}
    for tie in ties:
        if tie.ended_on is None:
            by_person.setdefault(tie.person_id, []).append(tie)
    contacts: list[Contact] = []
    last: dict[int, datetime.datetime] = {}
    categories = [ContactCategory.VISIT_CONTACT] * 6 + [
        ContactCategory.CONSULTATION,
        ContactCategory.LIAISON,
        ContactCategory.OTHER_ACTIVITY,
    ]
    for person in people:
        for tie in by_person.get(person.pk, []):
            for _ in range(rng.randint(0, 5)):
                day = now.astimezone(TOKYO) - datetime.timedelta(
                    days=rng.randint(1, 120), hours=rng.randint(0, 6)
                )
                at = day.replace(hour=rng.randint(9, 17), minute=0, second=0, microsecond=0)
                follow = rng.random() < 0.07
                contacts.append(
                    Contact(
                        person=person,
                        supporter=tie.supporter,
                        at=at,
                        method=rng.choice(
                            [ContactMethod.VISIT, ContactMethod.VISIT, ContactMethod.PHONE]
                        ),
                        category=rng.choice(categories),
                        noticed=rng.choice(NOTICED),
                        follow_up_needed=follow,
                    )
                )
                if person.pk not in last or at > last[person.pk]:
                    last[person.pk] = at
    Contact.objects.bulk_create(contacts, batch_size=1000)
    for person in people:
        if person.pk in last:
            person.last_contact_at = last[person.pk]
    Person.objects.bulk_update(
        [p for p in people if p.pk in last], ["last_contact_at"], batch_size=500
    )
    return len(contacts)


def _agreement(ward: Municipality, today: datetime.date) -> None:
    manager = User.objects.filter(username="association-yako").first()
    organisation = Organisation.objects.filter(
        municipality=ward, name="矢向第一町内会（デモ）"
    ).first()
    if manager is not None and organisation is not None:
        InformationAgreement.objects.create(
            organisation=organisation,
            manager=manager,
            signed_on=today - datetime.timedelta(days=400),
        )


SYNTHETIC = "（デモ・架空）"


def _concern_reports(ward: Municipality, people: list[Person], now: datetime.datetime) -> int:
    """Concern reports (見守り協定) in every state of the loop, filed, acknowledged, acted on,
    linked, closed and escalated through `care/concerns.py`. Received times lie in the past;
    what staff did is stamped with the build time, as the services record it."""
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["partner-company", "staff-yako", "staff-ichiba", "ward-admin"]
        )
    }
    if len(users) < 4:
        return 0
    partner, staff_a, staff_b = users["partner-company"], users["staff-yako"], users["staff-ichiba"]
    towns = {
        code: Town.objects.filter(municipality=ward, district__code=code).order_by("pk").first()
        for code in ("yako", "ichiba")
    }
    in_yako = [p for p in people if p.district is not None and p.district.code == "yako"]
    hours = datetime.timedelta(hours=1)

    def file(
        actor: Any, noticed: str, where: str, urgency: str, town: Town | None, ago: Any, **who: str
    ) -> ConcernReport:
        data = concerns.ConcernInput(
            noticed=noticed + SYNTHETIC, where=where, urgency=urgency, town=town, **who
        )
        return concerns.file_concern(actor, ward, data, now=now - ago).report

    resident = {"reporter_name": "デモ 住民（架空）", "reporter_contact": "045-000-0000"}
    # New: awaiting acknowledgement, within the deadline.
    file(
        partner,
        "新聞が3日分たまっています。",
        "矢向の集合住宅1階",
        Urgency.SOON,
        towns["yako"],
        hours,
    )
    file(
        None,
        "夜になっても部屋の明かりが点いていません。",
        "矢向の戸建て住宅",
        Urgency.NORMAL,
        towns["yako"],
        2 * hours,
        **resident,
    )
    # Acknowledged by the district team, nothing done yet.
    report = file(
        partner,
        "ここ数日、配達時に応答がありません。",
        "矢向の団地3号棟",
        Urgency.NORMAL,
        towns["yako"],
        20 * hours,
    )
    concerns.acknowledge(staff_a, report)
    # Acted on: a visit recorded, the person identified.
    report = file(
        partner,
        "郵便受けに郵便物があふれています。",
        "矢向の木造アパート",
        Urgency.SOON,
        towns["yako"],
        30 * hours,
    )
    concerns.acknowledge(staff_a, report)
    concerns.add_action(staff_a, report, "民生委員と訪問。応答なし、家族に連絡中。" + SYNTHETIC)
    if in_yako:
        concerns.link_person(staff_a, report, in_yako[0])
    # Closed with an outcome.
    report = file(
        None,
        "ベランダの洗濯物が何日も干したままです。",
        "矢向の集合住宅",
        Urgency.NORMAL,
        towns["yako"],
        10 * 24 * hours,
        **resident,
    )
    concerns.add_action(staff_a, report, "地域ケアプラザの職員が訪問し、本人と面談。" + SYNTHETIC)
    if len(in_yako) > 1:
        concerns.link_person(staff_a, report, in_yako[1])
    concerns.close(
        staff_a, report, "体調を崩していたが回復。見守りの頻度を週1回に変更。" + SYNTHETIC
    )
    report = file(
        partner,
        "玄関先で座り込んでいる高齢の方がいました。",
        "矢向駅の近く",
        Urgency.URGENT,
        towns["yako"],
        20 * 24 * hours,
    )
    concerns.add_action(staff_a, report, "救急要請の後、家族に連絡。" + SYNTHETIC)
    concerns.close(staff_a, report, "入院。退院後の見守りを地区の支援チームで調整。" + SYNTHETIC)
    # Not acknowledged in time: escalated to the ward administrators.
    file(
        None,
        "ガスメーターが何日も動いていないようです。",
        "市場の集合住宅",
        Urgency.SOON,
        towns["ichiba"],
        3 * 24 * hours,
        **resident,
    )
    # No town block named: the ward administrators' queue routes it.
    file(
        partner,
        "公園のベンチで毎日同じ方が長時間過ごしています。",
        "鶴見駅の近くの公園",
        Urgency.NORMAL,
        None,
        3 * hours,
    )
    # staff_b handles their district's reports too; keep one acknowledged there.
    report = file(
        partner,
        "配達先の方の様子がいつもと違いました。",
        "市場の戸建て住宅",
        Urgency.NORMAL,
        towns["ichiba"],
        5 * hours,
    )
    concerns.acknowledge(staff_b, report)
    concerns.escalate_overdue(now, municipality_ids=[ward.pk])
    return ConcernReport.objects.filter(municipality=ward).count()
