"""The isolation analysis for the whole ward (`care.isolation.analyse` as a ward
administrator: active ties per person by supporter kind, isolated / fragile counts, per-district
coverage, overloaded supporters) against ONE raw SQL aggregate that counts active ties per
person (GROUP BY person_id), side by side in the same run, on the synthetic Tsurumi of
bench/synthetic_care.py (18,000 listed people, 6,000 supporters, ~40,000 ties, ~1,000,000
contacts at scale 1). Requirement: analysis <= 3x the aggregate.

    .venv/bin/python bench/bench_isolation.py
    AINET_BENCH_DB_DIR=/tmp/ainet-bench-care .venv/bin/python bench/bench_isolation.py  # keep

Options (environment): AINET_BENCH_DB_DIR, AINET_BENCH_CARE_SCALE, AINET_BENCH_PG as in
synthetic_care.py; AINET_BENCH_ROUNDS=N timed rounds (default 9; medians are printed).
On SQLite the query runs inside this process, so CPU time is shown beside wall-clock time.
The bench never fails on a ratio: it prints the numbers.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synthetic_care

ROUNDS = int(os.environ.get("AINET_BENCH_ROUNDS", "9"))

# The anchor: active ties per person, by hand. The analysis needs at least this (plus which
# people are listed and visible, the supporter kinds and the districts).
ANCHOR_SQL = """
SELECT t.person_id, COUNT(*)
FROM care_supporttie t
JOIN care_supporter s ON s.id = t.supporter_id
WHERE (t.since IS NULL OR t.since <= %s) AND (t.ended_on IS NULL OR t.ended_on > %s)
  AND s.is_active = %s
GROUP BY t.person_id
"""


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    ward = synthetic_care.setup()
    from django.db import connection

    from ainet.care import isolation
    from ainet.core import access
    from ainet.core.dates import today_tokyo
    from ainet.core.models import User

    for line in synthetic_care.counts().lines():
        print(line)
    admin = User.objects.get(username="ward-admin", municipality=ward)
    day = today_tokyo()

    def anchor() -> list[tuple[Any, ...]]:
        with connection.cursor() as cursor:
            cursor.execute(ANCHOR_SQL, [day, day, True])
            rows: list[tuple[Any, ...]] = cursor.fetchall()
            return rows

    def analysis() -> isolation.WardAnalysis:
        access.forget(admin)  # every round pays for the user's scope, as a request would
        return isolation.analyse(admin, day)

    # Same figures from both sides: people with >= 1 and with exactly 1 active tie, and the
    # active ties of the listed people.
    result = analysis()
    counted = {person: n for person, n in anchor()}
    listed_ids = set(isolation.people_in_scope(admin, day).values_list("pk", flat=True))
    with_tie = sum(1 for p in listed_ids if counted.get(p, 0) >= 1)
    fragile = sum(1 for p in listed_ids if counted.get(p, 0) == 1)
    assert result.listed == len(listed_ids), (result.listed, len(listed_ids))
    assert result.listed - result.isolated == with_tie, (result.isolated, with_tie)
    assert result.fragile == fragile, (result.fragile, fragile)
    ties = sum(counted.get(p, 0) for p in listed_ids)  # no pair is tied twice in the data
    assert sum(result.by_kind.values()) == ties, (result.by_kind, ties)
    print(
        f"both sides agree: {result.listed:,} listed, {result.isolated:,} isolated, "
        f"{result.fragile:,} fragile, {ties:,} active ties, {len(result.overloaded)} "
        f"supporters over {isolation.DEFAULT_OVERLOAD} people"
    )

    runs: dict[str, Callable[[], object]] = {"anchor": anchor, "analysis": analysis}
    wall: dict[str, list[float]] = {n: [] for n in runs}
    cpu: dict[str, list[float]] = {n: [] for n in runs}
    for _ in range(ROUNDS):
        for name, fn in runs.items():
            w, c = timed(fn)
            wall[name].append(w)
            cpu[name].append(c)
    med = {n: statistics.median(v) for n, v in wall.items()}
    cpu_med = {n: statistics.median(v) for n, v in cpu.items()}
    in_process = connection.vendor == "sqlite"

    def line(label: str, name: str) -> str:
        text = f"  {label:<44} {med[name] * 1e3:8.1f} ms"
        return text + (f"   cpu {cpu_med[name] * 1e3:8.1f} ms" if in_process else "")

    print(f"\nwhole-ward isolation analysis, medians of {ROUNDS} rounds:")
    print(line("(a) isolation.analyse(ward administrator)", "analysis"))
    print(line("(b) one raw SQL GROUP BY of ties per person", "anchor"))
    ratio = f"  {'ratio a / b (requirement: <= 3x)':<44} {med['analysis'] / med['anchor']:8.2f}x"
    if in_process:
        ratio += f"      cpu {cpu_med['analysis'] / cpu_med['anchor']:8.2f}x"
    print(ratio)
    per_round = statistics.median(
        a / b for a, b in zip(wall["analysis"], wall["anchor"], strict=True)
    )
    print(f"  {'median of the per-round ratios':<44} {per_round:8.2f}x")


if __name__ == "__main__":
    main()
