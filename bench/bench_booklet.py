"""What the annual booklet costs per district: `build_booklet` for one district against all 18,
in the same run, on a throw-away copy of the demo ward with its FY2005–FY2014 history.

The reads are a constant number of queries whatever the number of districts; what grows is
WeasyPrint's layout and PDF writing, about one A4 page per district. Goal: 18 districts within
3x the time of one.

    make bench            # or: .venv/bin/python bench/run.py bench_booklet
    .venv/bin/python bench/bench_booklet.py --profile    # where the time of all 18 goes
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable

ROUNDS = 5
FISCAL_YEAR = 2014


def timed_pair(a: Callable[[], object], b: Callable[[], object]) -> dict[str, float]:
    """Median wall and CPU seconds of `a` and `b`, run alternately so that load from other
    processes falls on both alike. CPU time is the steadier figure on a shared machine."""
    samples: dict[str, list[float]] = {"a_wall": [], "a_cpu": [], "b_wall": [], "b_cpu": []}
    for _ in range(ROUNDS):
        for name, fn in (("a", a), ("b", b)):
            wall, cpu = time.perf_counter(), time.process_time()
            fn()
            samples[f"{name}_cpu"].append(time.process_time() - cpu)
            samples[f"{name}_wall"].append(time.perf_counter() - wall)
    return {key: statistics.median(values) for key, values in samples.items()}


def main() -> None:
    data_dir = tempfile.mkdtemp(prefix="ainet-bench-")
    os.environ["AINET_DATA_DIR"] = data_dir
    os.environ.pop("AINET_DATABASE_URL", None)  # always the throw-away SQLite copy
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ainet.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ainet.core.models import District
    from ainet.demo import builder
    from ainet.demo.history import build_history
    from ainet.reports.booklet import render_booklet

    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    ward = builder.build()
    build_history(ward)
    print(f"demo ward with history built in {time.perf_counter() - start:.1f} s ({data_dir})")
    districts = list(District.objects.filter(municipality=ward).order_by("sort_order"))
    one = districts[:1]

    render_booklet(ward, FISCAL_YEAR, one)  # warm up: imports, fonts, matplotlib
    pages: dict[str, int] = {}
    queries: dict[str, int] = {}
    for name, chosen in (("1", one), ("18", districts)):
        with CaptureQueriesContext(connection) as captured:
            pages[name] = render_booklet(ward, FISCAL_YEAR, chosen).pages
        queries[name] = len(captured)

    t = timed_pair(
        lambda: render_booklet(ward, FISCAL_YEAR, one),
        lambda: render_booklet(ward, FISCAL_YEAR, districts),
    )
    for label, key, name in (("1 district:  ", "a", "1"), ("18 districts:", "b", "18")):
        wall, cpu = t[f"{key}_wall"] * 1e3, t[f"{key}_cpu"] * 1e3
        print(
            f"booklet, {label} {wall:7.0f} ms wall {cpu:7.0f} ms CPU"
            f"  {pages[name]:3d} pages  {queries[name]:3d} queries  (median of {ROUNDS})"
        )
    for kind in ("wall", "cpu"):
        ratio = t[f"b_{kind}"] / t[f"a_{kind}"]
        verdict = "within" if ratio <= 3 else "ABOVE"
        print(f"ratio 18 / 1 ({kind}):{ratio:12.2f}x  ({verdict} the 3x goal)")
    per_page = (t["b_cpu"] - t["a_cpu"]) / (len(districts) - 1)
    fixed = t["a_cpu"] - per_page
    print(
        f"each further district page: {per_page * 1e3:.0f} ms CPU; fixed part: {fixed * 1e3:.0f} ms"
    )

    if "--profile" in sys.argv:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(render_booklet, ward, FISCAL_YEAR, districts)
        stats = pstats.Stats(profiler).sort_stats("cumulative")
        stats.print_stats(
            r"booklet|weasyprint/(document|layout/__init__|pdf/__init__|draw/__init__)"
        )


if __name__ == "__main__":
    main()
