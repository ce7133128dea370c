"""Run every bench/bench_*.py in turn. Benchmarks print side-by-side timings and ratios;
they never gate CI and `make test` never runs them."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

HERE = Path(__file__).parent


def main() -> int:
    selected = sys.argv[1:]
    for script in sorted(HERE.glob("bench_*.py")):
        if selected and script.stem not in selected:
            continue
        print(f"\n## {script.stem}")
        runpy.run_path(str(script), run_name="__main__")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
