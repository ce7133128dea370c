"""What the outcome table costs at volume: the full table (every registered indicator, 3 plan
periods x 18 districts) against ONE hand-written SQL GROUP BY over the same records (forum
participations by period and participant district, the biggest single query the table needs),
in the same run, on the demo ward with its history scaled x100 (about 1.6 million
participation records).

    .venv/bin/python bench/bench_outcome_table.py       # or: make bench

Building the scaled history takes a few minutes. To keep the database between runs, point
AINET_BENCH_DB_DIR at a directory: the first run builds into it, later runs reuse it.

    AINET_BENCH_DB_DIR=/tmp/ainet-bench-x100 .venv/bin/python bench/bench_outcome_table.py

Options (environment):
    AINET_BENCH_SCALE=N   history volume multiplier (default 100; only matters when building)
    AINET_BENCH_ROUNDS=N  timed rounds (default 9; medians are printed)
    AINET_BENCH_PROFILE=1 also print the top of a cProfile of one full-table computation
    AINET_BENCH_PG=1      use AINET_DATABASE_URL (PostgreSQL) instead of a temp SQLite file.
                          It must point at a SCRATCH database: the bench migrates it and builds
                          the demo ward (x100) into it, and refuses one that holds any other
                          municipality. Never point it at a database you care about, nor at the
                          test suite's database. Without AINET_BENCH_PG, AINET_DATABASE_URL is
                          ignored and the bench runs on SQLite.

On SQLite the query runs inside this process, so the CPU-time column measures the work itself
and is far less disturbed by other load on the machine than wall-clock time; on PostgreSQL only
wall-clock time is shown. The bench never fails on a ratio: it prints the numbers.
"""

from __future__ import annotations

import atexit
import cProfile
import functools
import io
import os
import pstats
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

SCALE = int(os.environ.get("AINET_BENCH_SCALE", "100"))
ROUNDS = int(os.environ.get("AINET_BENCH_ROUNDS", "9"))

# Anchor: the forum-participants GROUP BY written by hand; {whens} is one WHEN per period.
# Grouping by district first is the faster order on SQLite (about 15% over span first).
ANCHOR_SQL = """
SELECT CASE {whens} END AS span, p.district_id, COUNT(*)
FROM community_participation p
JOIN community_event e ON e.id = p.event_id
WHERE e.municipality_id = %s AND e.kind = %s AND e.date BETWEEN %s AND %s
GROUP BY p.district_id, span
"""


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    """Wall-clock and this process's CPU seconds for one call. On SQLite the query runs in this
    process, so CPU time is the work itself, much less disturbed by a busy machine."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    keep_dir = os.environ.get("AINET_BENCH_DB_DIR", "")
    if not os.environ.get("AINET_BENCH_PG"):
        os.environ.pop("AINET_DATABASE_URL", None)  # SQLite unless asked otherwise
    data_dir = keep_dir or tempfile.mkdtemp(prefix="ainet-bench-outcome-")
    if not keep_dir:  # at exit, so later benches in the same `bench/run.py` process still work
        atexit.register(shutil.rmtree, data_dir, ignore_errors=True)
    os.makedirs(data_dir, exist_ok=True)
    os.environ["AINET_DATA_DIR"] = data_dir  # never the working var/ database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ainet.settings")
    import django
    from django.conf import settings

    django.setup()
    if Path(settings.DATA_DIR).resolve() != Path(data_dir).resolve():
        # Another bench configured Django first (bench/run.py runs them in one process): its
        # database is not ours to fill with a million rows.
        print(f"skipped: Django is already set up with AINET_DATA_DIR={settings.DATA_DIR}")
        return
    from django.core.management import call_command
    from django.db import connection, transaction

    from ainet.community.models import Activity, EventKind, Participation
    from ainet.core.indicators import Span, discover
    from ainet.core.models import District, Municipality
    from ainet.demo import builder
    from ainet.demo.history import build_history
    from ainet.grants.models import FundedProject
    from ainet.plan import outcome
    from ainet.plan.models import Meeting, PlanPeriod
    from ainet.volunteers.models import Volunteer

    db = connection.settings_dict
    print(f"database: {db['ENGINE'].rsplit('.', 1)[-1]} {db['NAME']}")
    call_command("migrate", verbosity=0)
    if Municipality.objects.exists() and not builder.demo_exists():
        print("skipped: this database holds real municipalities; the bench needs a scratch one")
        return
    if not builder.demo_exists():
        started = time.perf_counter()
        with transaction.atomic():
            ward = builder.build()
            build_history(ward, scale=SCALE, progress=lambda step: print(f"  building: {step}"))
        print(f"built demo ward + history x{SCALE} in {time.perf_counter() - started:.0f} s")
    ward = Municipality.objects.get(code=builder.MUNICIPALITY_CODE)
    if not PlanPeriod.objects.filter(municipality=ward).exists():
        # The ward exists without history (e.g. another bench built it first in this run).
        started = time.perf_counter()
        build_history(ward, scale=SCALE)
        print(f"built history x{SCALE} in {time.perf_counter() - started:.0f} s")
    if connection.vendor == "postgresql":  # as autovacuum would have; SQLite gets no ANALYZE,
        with connection.cursor() as cursor:  # as ainet never runs one
            cursor.execute("ANALYZE")

    counts = {
        "Participation": Participation.objects.count(),
        "Meeting": Meeting.objects.count(),
        "Activity": Activity.objects.count(),
        "FundedProject": FundedProject.objects.count(),
        "Volunteer": Volunteer.objects.count(),
    }
    for name, n in counts.items():
        print(f"  {name:<14} {n:>10,}")
    print(f"  activity + participation: {counts['Activity'] + counts['Participation']:,}")
    # 2,488 volunteers per unit of scale: tells which scale an existing database was built at.
    print(f"  (history scale of this database: x{counts['Volunteer'] // 2488})")

    periods = list(PlanPeriod.objects.filter(municipality=ward, number__in=[1, 2, 3]))
    periods.sort(key=lambda p: p.number)
    columns = outcome.period_columns(periods)
    spans = [Span(c.number, c.first_fy, c.last_fy) for c in columns]
    district_ids = list(
        District.objects.filter(municipality=ward).values_list("pk", flat=True).order_by("pk")
    )
    assert len(columns) == 3 and len(district_ids) == 18, (len(columns), len(district_ids))

    whens = " ".join(f"WHEN e.date BETWEEN %s AND %s THEN {s.number}" for s in spans)
    sql = ANCHOR_SQL.format(whens=whens)
    params: list[Any] = [d for s in spans for d in (s.period.start, s.period.end)]
    params += [
        ward.pk,
        EventKind.FORUM.value,
        min(s.period.start for s in spans),
        max(s.period.end for s in spans),
    ]

    def anchor() -> list[tuple[Any, ...]]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows: list[tuple[Any, ...]] = cursor.fetchall()
            return rows

    def table() -> outcome.OutcomeTable:
        return outcome.compute(ward, columns, by_district=True)

    # Same numbers from both sides (the anchor is the forum_participants row, per district).
    result = table()
    forum = next(r for r in result.rows if r.key == "forum_participants")
    by_span: dict[int, int] = {}
    by_cell: dict[tuple[int, int], int] = {}
    for span, district, n in anchor():
        by_span[span] = by_span.get(span, 0) + n
        by_cell[(span, district)] = n
    assert forum.values == [by_span.get(s.number, 0) for s in spans], (forum.values, by_span)
    for d in district_ids:
        assert forum.by_district[d] == [by_cell.get((s.number, d), 0) for s in spans]
    print(f"forum participants by period (both sides agree): {forum.values}")

    # Every round times the anchor, the full table and each indicator alone, in turn, so load
    # from elsewhere on the machine hits every side alike; medians over the rounds.
    indicators = discover()
    runs: dict[str, Callable[[], object]] = {"anchor": anchor, "table": table}
    for key, indicator in indicators.items():
        runs[key] = functools.partial(indicator.compute, ward, spans, district_ids)
    wall: dict[str, list[float]] = {name: [] for name in runs}
    cpu: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(ROUNDS):
        for name, fn in runs.items():
            w, c = timed(fn)
            wall[name].append(w)
            cpu[name].append(c)
    med = {name: statistics.median(values) for name, values in wall.items()}
    cpu_med = {name: statistics.median(values) for name, values in cpu.items()}
    a, b = med["table"], med["anchor"]
    in_process = connection.vendor == "sqlite"  # else the server's work is not in our CPU time

    def line(label: str, name: str) -> str:
        text = f"  {label:<38} {med[name] * 1e3:8.1f} ms"
        return text + (f"   cpu {cpu_med[name] * 1e3:8.1f} ms" if in_process else "")

    print(f"\nfull outcome table ({len(result.rows)} indicators x 3 periods x 18 districts),")
    print(f"medians of {ROUNDS} rounds:")
    print(line("(a) outcome.compute(by_district=True)", "table"))
    print(line("(b) one hand-written SQL GROUP BY", "anchor"))
    ratio = f"  {'ratio a / b (requirement: <= 2x)':<38} {a / b:8.2f}x"
    if in_process:
        ratio += f"      cpu {cpu_med['table'] / cpu_med['anchor']:8.2f}x"
    print(ratio)
    per_round = statistics.median(t / n for t, n in zip(wall["table"], wall["anchor"], strict=True))
    print(f"  {'median of the per-round ratios':<38} {per_round:8.2f}x")

    print("\nper indicator, timed alone in the same rounds (x anchor, wall):")
    for key in sorted(indicators, key=lambda k: -med[k]):
        print(f"{line(key, key)}   {med[key] / b:5.2f}x")
    total = sum(med[key] for key in indicators)
    print(f"  {'sum of indicators':<38} {total * 1e3:8.1f} ms   {total / b:5.2f}x (wall)")

    if os.environ.get("AINET_BENCH_PROFILE"):
        profiler = cProfile.Profile()
        profiler.runcall(table)
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
        print(out.getvalue())


if __name__ == "__main__":
    main()
