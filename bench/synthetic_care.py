"""A synthetic Tsurumi for the care benchmarks, built into the demo ward. Deterministic: the
same scale builds the same rows every time. ALL of it is synthetic (names, addresses, dates,
ties, contacts); only the town blocks and their points are real (the demo's Town rows).

At scale 1 (MISSION.md §4): a ward of ~300,000 residents — a population figure only, no rows —
of whom ~18,000 are listed people (Person + ListEntry rows of every basis, on real town-block
points with jitter), ~6,000 supporters, ~40,000 support ties (about 10% ended) and ~1,000,000
contact records over ten years.

    .venv/bin/python bench/synthetic_care.py --db-dir /tmp/ainet-bench-care          # build
    .venv/bin/python bench/synthetic_care.py --db-dir /tmp/ainet-bench-care --scale 0.1

From another bench (the bench directory is on sys.path when a bench runs):

    import synthetic_care
    ward = synthetic_care.setup()       # AINET_BENCH_DB_DIR / AINET_BENCH_SCALE, see below

Options (environment, as the other benches): AINET_BENCH_DB_DIR keeps the database between
runs (the first run builds into it, later runs reuse it; without it a temporary directory is
used and removed at exit); AINET_BENCH_CARE_SCALE=F (default 1.0) scales every row count;
AINET_BENCH_PG=1 uses AINET_DATABASE_URL (a SCRATCH PostgreSQL database) instead of SQLite.

Rows are marked: every synthetic ListEntry has `source = SOURCE`, every synthetic Supporter a
name starting with "合成", every synthetic person's notes say so. The build refuses a database
that holds any municipality but the demo ward.
"""

from __future__ import annotations

import argparse
import atexit
import datetime
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

SEED = 20260401
SOURCE = "synthetic bench data (合成データ)"
NOTE = "合成データ（ベンチマーク用、実在の人物ではありません）"
# A fixed "today" keeps the data the same whatever day it is built.
REFERENCE_DAY = datetime.date(2026, 11, 30)
CHUNK = 20_000

# Scale-1 figures.
RESIDENTS = 300_000
PEOPLE = 18_000
SUPPORTERS = 6_000
TIES = 40_000
CONTACTS = 1_000_000

SURNAMES = [
    ("佐藤", "サトウ"), ("鈴木", "スズキ"), ("高橋", "タカハシ"), ("田中", "タナカ"),
    ("伊藤", "イトウ"), ("渡辺", "ワタナベ"), ("山本", "ヤマモト"), ("中村", "ナカムラ"),
    ("小林", "コバヤシ"), ("加藤", "カトウ"), ("吉田", "ヨシダ"), ("山田", "ヤマダ"),
    ("佐々木", "ササキ"), ("山口", "ヤマグチ"), ("松本", "マツモト"), ("井上", "イノウエ"),
    ("木村", "キムラ"), ("林", "ハヤシ"), ("斎藤", "サイトウ"), ("清水", "シミズ"),
    ("山崎", "ヤマザキ"), ("森", "モリ"), ("池田", "イケダ"), ("橋本", "ハシモト"),
    ("阿部", "アベ"), ("石川", "イシカワ"), ("髙野", "タカノ"), ("前田", "マエダ"),
    ("藤田", "フジタ"), ("小川", "オガワ"), ("岡田", "オカダ"), ("後藤", "ゴトウ"),
]  # fmt: skip
GIVEN_FEMALE = [
    ("和子", "カズコ"), ("幸子", "サチコ"), ("節子", "セツコ"), ("洋子", "ヨウコ"),
    ("京子", "キョウコ"), ("恵子", "ケイコ"), ("美智子", "ミチコ"), ("久子", "ヒサコ"),
    ("照子", "テルコ"), ("文子", "フミコ"), ("トシ", "トシ"), ("ハナ", "ハナ"),
]  # fmt: skip
GIVEN_MALE = [
    ("清", "キヨシ"), ("茂", "シゲル"), ("勇", "イサム"), ("博", "ヒロシ"),
    ("実", "ミノル"), ("進", "ススム"), ("武", "タケシ"), ("正雄", "マサオ"),
    ("和夫", "カズオ"), ("健一", "ケンイチ"), ("昭", "アキラ"), ("三郎", "サブロウ"),
]  # fmt: skip
LANGUAGES = ["pt", "zh", "ko", "tl", "vi", "es"]
NOTICED = [
    "変わりなし",
    "元気そうだった",
    "足の具合が悪いとのこと",
    "郵便物がたまっていた",
    "食欲がないとのこと",
    "家族が来ていた",
    "通院の付き添いについて相談あり",
]

T = TypeVar("T")


@dataclass(frozen=True)
class Counts:
    people: int
    list_entries: int
    supporters: int
    ties: int
    ended_ties: int
    contacts: int

    def lines(self) -> list[str]:
        return [
            f"  people (listed)  {self.people:>10,}",
            f"  list entries     {self.list_entries:>10,}",
            f"  supporters       {self.supporters:>10,}",
            f"  support ties     {self.ties:>10,}  ({self.ended_ties:,} ended)",
            f"  contacts         {self.contacts:>10,}",
        ]


def chunks(items: Iterator[T], size: int = CHUNK) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def configure_django(db_dir: str | None = None) -> str:
    """Point Django at the bench database (a kept directory or a temporary one) and set it up.
    When Django is already set up (bench/run.py runs benches in one process), use its
    database as it is and return its data directory."""
    import django
    from django.apps import apps

    if apps.ready:
        from django.conf import settings

        return str(settings.DATA_DIR)
    keep_dir = db_dir or os.environ.get("AINET_BENCH_DB_DIR", "")
    if not os.environ.get("AINET_BENCH_PG"):
        os.environ.pop("AINET_DATABASE_URL", None)  # SQLite unless asked otherwise
    data_dir = keep_dir or tempfile.mkdtemp(prefix="ainet-bench-care-")
    if not keep_dir:
        atexit.register(shutil.rmtree, data_dir, ignore_errors=True)
    os.makedirs(data_dir, exist_ok=True)
    os.environ["AINET_DATA_DIR"] = data_dir  # never the working var/ database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ainet.settings")
    django.setup()
    return data_dir


def exists() -> bool:
    from ainet.care.models import ListEntry

    return ListEntry.objects.filter(source=SOURCE).exists()


def counts() -> Counts:
    from ainet.care.models import Contact, ListEntry, Person, Supporter, SupportTie

    people = Person.objects.filter(list_entries__source=SOURCE).distinct()
    ties = SupportTie.objects.filter(person__in=people)
    return Counts(
        people=people.count(),
        list_entries=ListEntry.objects.filter(source=SOURCE).count(),
        supporters=Supporter.objects.filter(name__startswith="合成").count(),
        ties=ties.count(),
        ended_ties=ties.filter(ended_on__isnull=False).count(),
        contacts=Contact.objects.filter(person__in=people).count(),
    )


def setup(
    db_dir: str | None = None,
    scale: float | None = None,
    progress: Callable[[str], None] = lambda step: print(f"  building: {step}", flush=True),
) -> Any:
    """Configure Django, migrate, build the demo ward and the synthetic care data if they are
    missing, and return the ward (a Municipality)."""
    configure_django(db_dir)
    from django.core.management import call_command
    from django.db import connection, transaction

    from ainet.core.models import Municipality
    from ainet.demo import builder

    if scale is None:
        scale = float(os.environ.get("AINET_BENCH_CARE_SCALE", "1"))
    db = connection.settings_dict
    print(f"database: {db['ENGINE'].rsplit('.', 1)[-1]} {db['NAME']}", flush=True)
    call_command("migrate", verbosity=0)
    if Municipality.objects.exclude(code=builder.MUNICIPALITY_CODE).exists():
        raise SystemExit("refused: this database holds real municipalities; use a scratch one")
    if not builder.demo_exists():
        with transaction.atomic():
            builder.build()
    ward = Municipality.objects.get(code=builder.MUNICIPALITY_CODE)
    if not exists():
        started = time.perf_counter()
        build(ward, scale=scale, progress=progress)
        print(f"built synthetic care data x{scale:g} in {time.perf_counter() - started:.0f} s")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    return ward


def build(ward: Any, scale: float = 1.0, progress: Callable[[str], None] = print) -> Counts:
    """Bulk-create the synthetic people, list entries, supporters, ties and contacts into
    `ward` in one transaction, and return what was built."""
    from django.db import connection, transaction

    from ainet.care import kana
    from ainet.care.models import (
        Basis,
        CareLevel,
        Contact,
        ContactCategory,
        ContactMethod,
        Frequency,
        HouseholdType,
        ListEntry,
        ListKind,
        Person,
        Sex,
        Supporter,
        SupporterKind,
        SupportTie,
        WatchLevel,
    )
    from ainet.core.dates import TOKYO
    from ainet.core.models import Town

    rng = random.Random(SEED)
    n_people = max(1, round(PEOPLE * scale))
    n_supporters = max(1, round(SUPPORTERS * scale))
    towns = list(Town.objects.filter(municipality=ward).select_related("district").order_by("pk"))
    # The waterfront blocks (大黒, 扇島, …) are industrial: few residents.
    weights = [0.05 if t.district and t.district.code == "rinkai" else 1.0 for t in towns]
    six = Decimal("0.000001")

    def place() -> tuple[Any, Decimal, Decimal]:
        town = rng.choices(towns, weights)[0]
        lat = float(town.lat) + rng.gauss(0, 0.0015)
        lng = float(town.lng) + rng.gauss(0, 0.0018)
        return town, Decimal(f"{lat:.6f}").quantize(six), Decimal(f"{lng:.6f}").quantize(six)

    start_day = REFERENCE_DAY - datetime.timedelta(days=3652)
    span_days = (REFERENCE_DAY - start_day).days

    def day_in_range(first: datetime.date, last: datetime.date) -> datetime.date:
        return first + datetime.timedelta(days=rng.randrange(max(1, (last - first).days)))

    with transaction.atomic():
        progress(f"{n_people:,} people (of a ward of {round(RESIDENTS * scale):,} residents)")
        people: list[Any] = []
        for i in range(n_people):
            female = rng.random() < 0.6
            surname, surname_kana = rng.choice(SURNAMES)
            given, given_kana = rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)
            town, lat, lng = place()
            age = min(104, 65 + int(rng.expovariate(1 / 12))) if rng.random() < 0.92 else 30
            if age == 30:
                age = rng.randint(20, 64)  # listed for a disability, not for age
            birth = REFERENCE_DAY.replace(year=REFERENCE_DAY.year - age) - datetime.timedelta(
                days=rng.randrange(365)
            )
            address = f"横浜市鶴見区{town.name}{rng.randint(1, 30)}番{rng.randint(1, 25)}号"
            name_kana = f"{surname_kana} {given_kana}"
            people.append(
                Person(
                    municipality=ward,
                    resident_number=f"8{i:011d}",  # synthetic 宛名番号
                    name=f"{surname} {given}",
                    name_kana=name_kana,
                    birth_date=birth,
                    sex=Sex.FEMALE if female else Sex.MALE,
                    postal_code=f"230-00{rng.randint(1, 78):02d}",
                    address=address,
                    address_detail=f"{rng.randint(1, 12)}0{rng.randint(1, 9)}号室"
                    if rng.random() < 0.35
                    else "",
                    town=town,
                    district=town.district,
                    lat=lat,
                    lng=lng,
                    phone=f"045-5{rng.randint(0, 99):02d}-{rng.randint(0, 9999):04d}",
                    household_type=rng.choices(
                        [
                            HouseholdType.LIVING_ALONE,
                            HouseholdType.ELDERLY_ONLY,
                            HouseholdType.WITH_FAMILY,
                        ],
                        [55, 25, 20],
                    )[0],
                    preferred_language="ja" if rng.random() < 0.96 else rng.choice(LANGUAGES),
                    watch_level=rng.choices(
                        [WatchLevel.HIGH, WatchLevel.MEDIUM, WatchLevel.LOW], [15, 60, 25]
                    )[0],
                    care_level=rng.choices([c.value for c in CareLevel], [50, 8, 8, 9, 8, 6, 6, 5])[
                        0
                    ],
                    disability="身体障害（合成）" if age < 65 else "",
                    notes=NOTE,
                    match_kana=kana.kana_key(name_kana),
                    match_address=kana.address_key(address),
                )
            )
        for batch in chunks(iter(people)):
            Person.objects.bulk_create(batch)
        assert all(p.pk is not None for p in people)

        progress("list entries (every basis)")

        def entries() -> Iterator[Any]:
            for person in people:
                roll = rng.random()
                on_evacuation = roll < 0.83 or person.birth_date.year > REFERENCE_DAY.year - 65
                on_watch = roll > 0.25 and person.household_type == HouseholdType.LIVING_ALONE
                if not (on_evacuation or on_watch):
                    on_evacuation = True
                if on_evacuation:
                    if person.disability and rng.random() < 0.3:
                        basis = Basis.WARD_ONLY
                    else:
                        basis = rng.choices(
                            [Basis.CONSENT, Basis.HAND_RAISED, Basis.OPT_OUT], [40, 15, 45]
                        )[0]
                    joined = day_in_range(start_day, REFERENCE_DAY)
                    if rng.random() < 0.08:  # an older entry on another basis, left
                        left = day_in_range(start_day, joined)
                        yield ListEntry(
                            person=person,
                            list_kind=ListKind.EVACUATION,
                            basis=Basis.OPT_OUT,
                            joined_on=start_day,
                            left_on=left,
                            source=SOURCE,
                        )
                    yield ListEntry(
                        person=person,
                        list_kind=ListKind.EVACUATION,
                        basis=basis,
                        consent_on=joined if basis == Basis.CONSENT else None,
                        consent_scope="避難支援等関係者への提供" if basis == Basis.CONSENT else "",
                        removal_requested_on=day_in_range(joined, REFERENCE_DAY)
                        if basis == Basis.OPT_OUT and rng.random() < 0.07
                        else None,
                        reason=rng.choice(["高齢", "要介護", "障害", "高齢（ひとり暮らし）"]),
                        joined_on=joined,
                        source=SOURCE,
                    )
                if on_watch:
                    basis = Basis.WATCH_PROGRAMME if rng.random() < 0.85 else Basis.CONSENT
                    joined = day_in_range(start_day, REFERENCE_DAY)
                    yield ListEntry(
                        person=person,
                        list_kind=ListKind.WATCH,
                        basis=basis,
                        consent_on=joined if basis == Basis.CONSENT else None,
                        reason="75歳以上ひとり暮らし",
                        joined_on=joined,
                        source=SOURCE,
                    )

        n_entries = 0
        for batch in chunks(entries()):
            ListEntry.objects.bulk_create(batch)
            n_entries += len(batch)

        progress(f"{n_supporters:,} supporters")
        kinds = [
            (SupporterKind.MINSEI_IIN, 0.055),
            (SupporterKind.NEIGHBOUR, 0.47),
            (SupporterKind.VOLUNTEER, 0.25),
            (SupporterKind.ASSOCIATION, 0.03),
            (SupporterKind.CARE_PLAZA, 0.005),
            (SupporterKind.FAMILY, 0.18),
            (SupporterKind.COMPANY, 0.01),
        ]
        supporters: list[Any] = []
        for i in range(n_supporters):
            kind = rng.choices([k for k, _ in kinds], [w for _, w in kinds])[0]
            town, lat, lng = place()
            surname, surname_kana = rng.choice(SURNAMES)
            supporters.append(
                Supporter(
                    municipality=ward,
                    kind=kind,
                    name=f"合成 {surname} {i:05d}",
                    name_kana=f"ゴウセイ {surname_kana}",
                    district=town.district,
                    phone=f"090-{rng.randint(0, 9999):04d}-{rng.randint(0, 9999):04d}",
                    lat=lat,
                    lng=lng,
                    languages=["ja"] if rng.random() < 0.9 else ["ja", rng.choice(LANGUAGES)],
                    evacuation_capacity=rng.choice([1, 1, 1, 2, 3]),
                    is_active=rng.random() > 0.03,
                )
            )
        Supporter.objects.bulk_create(supporters, batch_size=2_000)
        assert all(s.pk is not None for s in supporters)
        by_district: dict[int | None, dict[str, list[Any]]] = {}
        for s in supporters:
            by_district.setdefault(s.district_id, {}).setdefault(s.kind, []).append(s)
        everyone = supporters

        progress("support ties (some ended)")
        # ~2.2 ties per person: ~8% have none, ~20% one; commissioners carry the most.
        tie_weights = [8, 20, 30, 22, 12, 8]
        tie_kinds = [
            (SupporterKind.MINSEI_IIN, 30),
            (SupporterKind.NEIGHBOUR, 30),
            (SupporterKind.VOLUNTEER, 12),
            (SupporterKind.FAMILY, 18),
            (SupporterKind.ASSOCIATION, 5),
            (SupporterKind.CARE_PLAZA, 3),
            (SupporterKind.COMPANY, 2),
        ]
        target_ties = TIES / PEOPLE
        mean_draw = sum(n * w for n, w in enumerate(tie_weights)) / sum(tie_weights)
        extra = max(0.0, target_ties / mean_draw - 1.0)
        ties: list[Any] = []
        person_supporters: dict[int, list[int]] = {}
        for person in people:
            n = rng.choices(range(len(tie_weights)), tie_weights)[0]
            if n and rng.random() < extra:
                n += 1
            local = by_district.get(person.district_id, {})
            chosen: set[int] = set()
            for _ in range(n):
                kind = rng.choices([k for k, _ in tie_kinds], [w for _, w in tie_kinds])[0]
                pool = local.get(kind) or everyone
                supporter = rng.choice(pool)
                if supporter.pk in chosen:
                    continue
                chosen.add(supporter.pk)
                since = day_in_range(start_day - datetime.timedelta(days=1500), REFERENCE_DAY)
                ended = rng.random() < 0.1
                ties.append(
                    SupportTie(
                        person=person,
                        supporter=supporter,
                        since=since,
                        frequency=rng.choice(
                            [Frequency.WEEKLY, Frequency.MONTHLY, Frequency.OCCASIONALLY]
                        ),
                        is_evacuation_support=rng.random() < 0.3,
                        ended_on=day_in_range(since, REFERENCE_DAY) if ended else None,
                        end_reason="転居（合成）" if ended else "",
                    )
                )
            person_supporters[person.pk] = sorted(chosen)
        for batch in chunks(iter(ties)):
            SupportTie.objects.bulk_create(batch)

        n_contacts_target = CONTACTS * scale
        progress(f"~{round(n_contacts_target):,} contacts over ten years")
        per_level = {WatchLevel.HIGH: 3.0, WatchLevel.MEDIUM: 1.0, WatchLevel.LOW: 0.45}
        total_weight = sum(per_level[WatchLevel(p.watch_level)] for p in people)
        methods = [c.value for c in ContactMethod]
        categories = [c.value for c in ContactCategory]

        def contacts() -> Iterator[Any]:
            for person in people:
                expected = n_contacts_target * per_level[WatchLevel(person.watch_level)]
                expected /= total_weight
                n = max(0, round(rng.gauss(expected, expected / 4)))
                mine = person_supporters[person.pk]
                for _ in range(n):
                    at = datetime.datetime.combine(
                        start_day + datetime.timedelta(days=rng.randrange(span_days)),
                        datetime.time(9 + rng.randrange(9), rng.randrange(60)),
                        tzinfo=TOKYO,
                    )
                    follow = rng.random() < 0.05
                    yield Contact(
                        person_id=person.pk,
                        supporter_id=rng.choice(mine) if mine and rng.random() < 0.9 else None,
                        at=at,
                        method=rng.choices(methods, [55, 30, 8, 4, 3])[0],
                        category=rng.choices(categories, [70, 15, 10, 5])[0],
                        noticed=rng.choice(NOTICED) if rng.random() < 0.3 else "",
                        follow_up_needed=follow,
                        follow_up_done_on=at.date() + datetime.timedelta(days=rng.randint(1, 20))
                        if follow and rng.random() < 0.8
                        else None,
                    )

        n_contacts = 0
        for batch in chunks(contacts()):
            Contact.objects.bulk_create(batch)
            n_contacts += len(batch)
            if n_contacts % 200_000 < CHUNK:
                progress(f"  {n_contacts:,} contacts")

        progress("last contact per person")
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE care_person SET last_contact_at = (SELECT MAX(c.at) FROM care_contact c"
                " WHERE c.person_id = care_person.id) WHERE id IN"
                " (SELECT person_id FROM care_listentry WHERE source = %s)",
                [SOURCE],
            )
    return Counts(
        people=len(people),
        list_entries=n_entries,
        supporters=len(supporters),
        ties=len(ties),
        ended_ties=sum(1 for t in ties if t.ended_on),
        contacts=n_contacts,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db-dir", help="keep the database in this directory (else temporary)")
    parser.add_argument("--scale", type=float, default=None, help="row-count factor (1.0)")
    args = parser.parse_args(argv)
    setup(db_dir=args.db_dir, scale=args.scale)
    for line in counts().lines():
        print(line)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    raise SystemExit(main())
