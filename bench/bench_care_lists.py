"""The person list and the contact worklist: p95 server time of the real views (through
Django's test client: middleware, session, access scope, rendering) against the raw SQL they
run (captured with CaptureQueriesContext, then executed directly on the same connection and
fetched), and the number of queries, at two sizes of data:

  small: the demo ward with its synthetic care records (care_demo, ~350 people);
  large: the same plus bench/synthetic_care.py (~18,000 listed people, ~40,000 ties,
         ~1,000,000 contacts at scale 1).

    .venv/bin/python bench/bench_care_lists.py                  # SQLite, temporary database
    AINET_BENCH_CARE_SCALE=0.2 .venv/bin/python bench/bench_care_lists.py
    AINET_BENCH_PG=1 AINET_DATABASE_URL=postgres://…/scratch \
        .venv/bin/python bench/bench_care_lists.py
    .venv/bin/python bench/run.py bench_care_lists

Goal (issue 4): view p95 ≤ 2× raw-SQL p95, and the query count the same at both sizes.
"""

from __future__ import annotations

import json
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import synthetic_care

ROUNDS = int(os.environ.get("AINET_BENCH_ROUNDS", "40"))
PERSONAS = ("ward-admin", "minsei-yako")


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def pages() -> dict[str, str]:
    from django.urls import reverse

    return {
        "person list": reverse("care:person_list"),
        "person search すずき": reverse("care:person_list") + "?q=%E3%81%99%E3%81%9A%E3%81%8D",
        "worklist": reverse("care:worklist"),
    }


def measure(client: Any, url: str) -> tuple[float, float, float, float, int]:
    """(median and p95 of the view, median and p95 of its raw SQL, number of queries)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assert client.get(url).status_code == 200  # warm caches and the session
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    statements = [q["sql"] for q in captured.captured_queries]

    def raw() -> None:
        with connection.cursor() as cursor:
            for sql in statements:
                if sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO")):
                    continue
                cursor.execute(sql)
                if cursor.description is not None:
                    cursor.fetchall()

    # Interleaved, so that both sides see the same machine load.
    view: list[float] = []
    sql_times: list[float] = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        client.get(url)
        view.append(time.perf_counter() - start)
        start = time.perf_counter()
        raw()
        sql_times.append(time.perf_counter() - start)
    return (
        statistics.median(view),
        p95(view),
        statistics.median(sql_times),
        p95(sql_times),
        len(statements),
    )


def run_size(label: str, clients: dict[str, Any]) -> dict[tuple[str, str], int]:
    from ainet.care.models import Contact, Person

    print(f"\n### {label}: {Person.objects.count():,} people, {Contact.objects.count():,} contacts")
    print(
        f"{'page':<22}{'persona':<13}{'view p50':>10}{'SQL p50':>10}{'ratio':>7}"
        f"{'view p95':>10}{'SQL p95':>10}{'ratio':>7}{'queries':>9}"
    )
    counts: dict[tuple[str, str], int] = {}
    for name, url in pages().items():
        for persona, client in clients.items():
            v50, v95, s50, s95, n = measure(client, url)
            counts[(name, persona)] = n
            print(
                f"{name:<22}{persona:<13}{v50 * 1e3:>8.1f}ms{s50 * 1e3:>8.1f}ms{v50 / s50:>6.2f}x"
                f"{v95 * 1e3:>8.1f}ms{s95 * 1e3:>8.1f}ms{v95 / s95:>6.2f}x{n:>9}"
            )
    return counts


def _demo_ward() -> Any:
    from django.core.management import call_command
    from django.db import transaction

    from ainet.core.models import Municipality
    from ainet.demo import builder

    call_command("migrate", verbosity=0)
    if not builder.demo_exists():
        with transaction.atomic():
            builder.build()
    return Municipality.objects.get(code=builder.MUNICIPALITY_CODE)


def _clients() -> dict[str, Any]:
    from django.test import Client

    from ainet.core.models import User

    made = {}
    for username in PERSONAS:
        client = Client(HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE="ja")
        client.force_login(User.objects.get(username=username))
        made[username] = client
    return made


def small_only() -> None:
    """The small size, in a fresh temporary database (the demo ward and its care records)."""
    os.environ.pop("AINET_BENCH_DB_DIR", None)
    synthetic_care.configure_django()
    from django.db import connection

    from ainet.care.models import Person
    from ainet.demo.care_demo import build_care

    ward = _demo_ward()
    # On PostgreSQL the small size shares the bench database: build the care records once.
    if not Person.objects.filter(municipality=ward, list_entries__source="デモ（架空）").exists():
        build_care(ward)
    print(f"database: {connection.vendor}, {ROUNDS} rounds per measurement")
    counts = run_size("small (demo)", _clients())
    print("COUNTS " + json.dumps({f"{page}|{persona}": n for (page, persona), n in counts.items()}))


def main() -> None:
    # The small size runs in its own process (and database), so that a kept large database
    # (AINET_BENCH_DB_DIR) can be reused between runs.
    child = subprocess.run(
        [sys.executable, __file__, "--small-only"],
        capture_output=True,
        text=True,
        check=True,
        env={k: v for k, v in os.environ.items() if k != "AINET_BENCH_DB_DIR"},
    )
    small: dict[str, int] = {}
    for line in child.stdout.splitlines():
        if line.startswith("COUNTS "):
            small = json.loads(line[len("COUNTS ") :])
        else:
            print(line)
    ward = synthetic_care.setup()
    from django.db import connection

    from ainet.care.models import Person
    from ainet.demo.care_demo import build_care

    if not Person.objects.filter(municipality=ward, list_entries__source="デモ（架空）").exists():
        build_care(ward)
    print(f"database: {connection.vendor}, {ROUNDS} rounds per measurement")
    large = run_size("large (demo + synthetic Tsurumi)", _clients())
    grew = {
        f"{page} / {persona}": (small.get(f"{page}|{persona}"), n)
        for (page, persona), n in large.items()
        if small.get(f"{page}|{persona}") != n
    }
    print(f"\nquery count the same at both sizes: {'yes' if not grew else f'NO {grew}'}")


if __name__ == "__main__":
    if "--small-only" in sys.argv:
        small_only()
    else:
        main()
