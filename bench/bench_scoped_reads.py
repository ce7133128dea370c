"""What scoping costs: `Organisation.objects.for_user(user)` (membership lookup, district
scope, fail-closed filters) against the same rows fetched by a hand-written filter on known
district ids, in the same run, on a throw-away copy of the demo ward.

    make bench            # or: .venv/bin/python bench/run.py bench_scoped_reads
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable

ROUNDS = 300


def timed(fn: Callable[[], object], rounds: int = ROUNDS) -> float:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    data_dir = tempfile.mkdtemp(prefix="ainet-bench-")
    os.environ.setdefault("AINET_DATA_DIR", data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ainet.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Q

    from ainet.core import access
    from ainet.core.models import Organisation, User
    from ainet.demo import builder

    call_command("migrate", verbosity=0)
    if not builder.demo_exists():
        builder.build()
    user = User.objects.get(username="shakyo-coordinator")
    district_ids = sorted(access.visible_district_ids(user))

    def scoped() -> list[int]:
        access.forget(user)  # a new request computes the scope again
        return list(Organisation.objects.for_user(user).values_list("pk", flat=True))

    def hand_written() -> list[int]:
        q = Q(districts__isnull=True, municipality_id=user.municipality_id) | Q(
            districts__id__in=district_ids
        )
        return list(Organisation.objects.filter(q).distinct().values_list("pk", flat=True))

    assert sorted(scoped()) == sorted(hand_written())
    a, b = timed(scoped), timed(hand_written)
    print(f"scoped for_user (incl. scope lookup): {a * 1e3:8.3f} ms  (median of {ROUNDS})")
    print(f"hand-written filter on known ids:     {b * 1e3:8.3f} ms")
    print(f"ratio scoped / hand-written:          {a / b:8.2f}x")


if __name__ == "__main__":
    main()
