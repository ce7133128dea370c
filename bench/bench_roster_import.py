"""Roster import (名簿更新) of a 100,000-row CP932 file: `ainet.care.roster.import_roster`
(validate, normalise, match, diff, apply) against django-import-export importing the same
rows into the same table (Person) with a default ModelResource and its default settings.
Goal: at least 10x faster.

The existing people are the synthetic Tsurumi of bench/synthetic_care.py (18,000 listed
people at scale 1). The file (synthetic, deterministic) holds most of the people on the
evacuation-help list — some with a new phone number, some moved, a tenth without their 宛名番号
so that they are matched by furigana + date of birth + address — leaves some out (they leave
the list) and adds new people up to ROWS rows.

Each run happens inside an outer transaction that is rolled back afterwards, so both start
from the same database; the rollback is not timed.

    make bench            # or: .venv/bin/python bench/run.py bench_roster_import
    AINET_BENCH_DB_DIR=/tmp/ainet-bench-care .venv/bin/python bench/bench_roster_import.py
    .venv/bin/python bench/bench_roster_import.py --rows 20000     # a quicker look
    AINET_BENCH_ROSTER_ROWS=20000 make bench                         # the same through bench/run.py

Both read the same bytes; import-export gets them decoded from CP932 into a tablib Dataset
whose header is renamed to Person's field names (a default ModelResource knows no Japanese
headers) plus the municipality column it needs. import-export does less work: it neither
matches nor diffs, resolves no town block and writes no list entries or consent history.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

ROWS = 100_000
SEED = 4_100_011


class _Rollback(Exception):
    pass


def build_file(ward: Any, rows: int) -> tuple[bytes, dict[str, int]]:
    """The roster as the ward system would export it, in CP932."""
    from ainet.care.models import ListEntry, ListKind, Person
    from ainet.care.roster import canonical_header
    from ainet.core.models import Town

    rng = random.Random(SEED)
    towns = list(
        Town.objects.filter(municipality=ward).order_by("pk").values_list("name", flat=True)
    )
    listed = list(
        Person.objects.filter(
            pk__in=ListEntry.objects.filter(
                list_kind=ListKind.EVACUATION, left_on__isnull=True, person__municipality=ward
            ).values("person_id")
        )
        .order_by("pk")
        .values_list("resident_number", "name", "name_kana", "birth_date", "address", "phone")
    )
    figures = {
        "existing kept": 0,
        "phone changed": 0,
        "moved": 0,
        "without number": 0,
        "left out": 0,
    }
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(canonical_header())
    written = 0
    for number, name, kana, birth, address, phone in listed:
        if written >= rows:
            break
        if rng.random() < 0.05:
            figures["left out"] += 1
            continue
        if rng.random() < 0.05:
            phone = f"045-7{rng.randint(0, 99):02d}-{rng.randint(0, 9999):04d}"
            figures["phone changed"] += 1
        elif rng.random() < 0.02:
            address = f"横浜市鶴見区{rng.choice(towns)}{rng.randint(1, 30)}番{rng.randint(1, 25)}号"
            figures["moved"] += 1
        if rng.random() < 0.1:
            number = ""
            figures["without number"] += 1
        figures["existing kept"] += 1
        writer.writerow(
            [number, name, kana, birth.isoformat(), "女", "230-0051", address, "", phone,
             "単身", "ひとり暮らし高齢者", "同意", "2024-04-01"]
        )  # fmt: skip
        written += 1
    surnames = [
        ("佐藤", "サトウ"),
        ("鈴木", "スズキ"),
        ("髙橋", "タカハシ"),
        ("田中", "タナカ"),
        ("渡邊", "ワタナベ"),
    ]
    givens = [
        ("和子", "カズコ"),
        ("清", "キヨシ"),
        ("節子", "セツコ"),
        ("博", "ヒロシ"),
        ("ハナ", "ハナ"),
    ]
    new = 0
    while written < rows:
        surname, surname_kana = rng.choice(surnames)
        given, given_kana = rng.choice(givens)
        year = rng.randint(1925, 1960)
        writer.writerow(
            [f"7{new:011d}", f"{surname} {given}", f"{surname_kana} {given_kana}",
             f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
             rng.choice(["男", "女"]), f"230-00{rng.randint(10, 78)}",
             f"横浜市鶴見区{rng.choice(towns)}{rng.randint(1, 30)}番{rng.randint(1, 25)}号",
             "", f"045-6{rng.randint(0, 99):02d}-{rng.randint(0, 9999):04d}",
             rng.choice(["単身", "高齢者のみ", "同居"]), "ひとり暮らし高齢者",
             rng.choice(["同意", "手上げ", "情報共有"]), "2025-04-01"]
        )  # fmt: skip
        written += 1
        new += 1
    figures["new"] = new
    return out.getvalue().encode("cp932"), figures


def run_ainet(ward: Any, data: bytes) -> tuple[float, float, dict[str, Any], int]:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from ainet.care.roster import import_roster

    report: dict[str, Any] = {}
    seconds = cpu = 0.0
    connection.queries_log.clear()  # the build's queries would fill the capped log
    try:
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            started, cpu_started = time.perf_counter(), time.process_time()
            report = import_roster(None, ward, "evacuation", data, actor_username="bench")
            seconds = time.perf_counter() - started
            cpu = time.process_time() - cpu_started
            raise _Rollback
    except _Rollback:
        pass
    return seconds, cpu, report, len(queries)


def run_import_export(ward: Any, data: bytes) -> tuple[float, float, Any]:
    import tablib
    from django.db import transaction
    from import_export import resources

    from ainet.care.models import Person
    from ainet.care.roster import COLUMNS

    class PersonResource(resources.ModelResource):
        class Meta:
            model = Person

    result: Any = None
    seconds = cpu = 0.0
    try:
        with transaction.atomic():
            started, cpu_started = time.perf_counter(), time.process_time()
            text = data.decode("cp932")
            dataset = tablib.Dataset().load(text, format="csv")
            dataset.headers = [c.key for c in COLUMNS]
            dataset.append_col([ward.pk] * dataset.height, header="municipality")
            result = PersonResource().import_data(dataset, dry_run=False)
            seconds = time.perf_counter() - started
            cpu = time.process_time() - cpu_started
            raise _Rollback
    except _Rollback:
        pass
    return seconds, cpu, result


def _load() -> str:
    """The machine's load when a run ends: on a shared machine wall time follows it, so a
    wall-time ratio is read together with the CPU-time one."""
    one, five, _fifteen = os.getloadavg()
    return f"(load {one:.1f} / {five:.1f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--rows", type=int, default=int(os.environ.get("AINET_BENCH_ROSTER_ROWS", ROWS))
    )
    args, _rest = parser.parse_known_args()  # bench/run.py passes the bench names

    import synthetic_care

    ward = synthetic_care.setup()
    from django.conf import settings

    settings.DEBUG = False  # no query log growing with 100,000 rows in the timed part
    data, figures = build_file(ward, args.rows)
    print(
        f"roster file: {args.rows:,} rows, {len(data) / 1e6:.1f} MB CP932 — "
        + ", ".join(f"{k} {v:,}" for k, v in figures.items())
    )
    ours, ours_cpu, report, queries = run_ainet(ward, data)
    print(
        f"ainet roster import   {ours:8.1f} s wall {ours_cpu:8.1f} s CPU  "
        f"{args.rows / ours:8,.0f} rows/s  {queries:,} queries  "
        + " ".join(
            f"{k} {report[k]:,}" for k in ("new", "changed", "moved", "removed", "unchanged")
        )
        + f"  errors {len(report['errors'])}  {_load()}"
    )
    theirs, theirs_cpu, result = run_import_export(ward, data)
    totals = dict(result.totals) if result is not None else {}
    print(
        f"django-import-export  {theirs:8.1f} s wall {theirs_cpu:8.1f} s CPU  "
        f"{args.rows / theirs:8,.0f} rows/s  "
        f"(default ModelResource: {totals.get('new', 0):,} new, "
        f"{totals.get('error', 0) + totals.get('invalid', 0):,} errors; no matching, no diff)  "
        + _load()
    )
    print(
        f"ratio: ainet is {theirs / ours:.1f}x faster in wall time, "
        f"{theirs_cpu / ours_cpu:.1f}x in CPU time (goal: at least 10x)"
    )


if __name__ == "__main__":
    main()
