"""`ainet disaster <action>`: disaster mutual-aid tools. Actions: `match` (supporter assignment).

    ainet disaster match --input people.json --output assignments.json [--format json]
        [--previous assignments.json --unavailable s1,s2] [--time-limit SECONDS]

`--previous` re-plans: every previous assignment that is still valid stays, only the rest is
re-optimised (`--unavailable` names supporters who can no longer help).

Bad input (malformed JSON, missing or unknown fields, wrong types, negative capacities,
duplicate ids) prints a Japanese / English message naming the path and exits with code 2; the
output file is then neither created nor touched. Output is written atomically.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from ainet.disaster import matching
from ainet.volunteers.management.commands.volunteers import write_atomically


def _bad(ja: str, en: str) -> CommandError:
    return CommandError(f"{ja} / {en}", returncode=2)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _read_json(source: Path, what_ja: str, what_en: str) -> Any:
    try:
        text = source.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise _bad(
            f"{what_ja} {source} がありません", f"{what_en} {source} does not exist"
        ) from None
    except UnicodeDecodeError:
        raise _bad(
            f"{what_ja} {source} は UTF-8 ではありません", f"{what_en} {source} is not UTF-8"
        ) from None
    except OSError as exc:
        raise _bad(
            f"{what_ja} {source} を読めません（{exc.strerror}）",
            f"cannot read {what_en} {source} ({exc.strerror})",
        ) from None
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except ValueError as exc:
        raise _bad(
            f"{what_ja} {source} の JSON が不正です（{exc}）",
            f"{what_en} {source} is not valid JSON ({exc})",
        ) from None


# progress steps reported by the solver; search nodes, if any, follow
STEPS = ("candidates", "graph", "root", "repair")


class Command(BaseCommand):
    help = (
        "Disaster mutual-aid tools. `match`: propose evacuation supporters optimally "
        "(cover the most people, then the least walking distance)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        match = actions.add_parser(
            "match",
            help="Supporter assignment: maximise people covered, then minimise the total "
            "straight-line (haversine) distance.",
        )
        match.add_argument("--input", required=True, help="people and supporters JSON (UTF-8)")
        match.add_argument("--output", required=True, help="where to write the assignments")
        match.add_argument("--format", choices=["text", "json"], default="text")
        match.add_argument(
            "--previous", help="a previous output file: keep its still-valid assignments"
        )
        match.add_argument(
            "--unavailable",
            default="",
            help="comma-separated supporter ids who can no longer help (with --previous)",
        )
        match.add_argument(
            "--time-limit",
            type=float,
            default=matching.DEFAULT_TIME_LIMIT_S,
            help=(
                "seconds for the optimality search after the first solve (default "
                f"{matching.DEFAULT_TIME_LIMIT_S:g}); a search step that would not end in time "
                "is not started"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "match":
            self._match(options)

    def _match(self, options: dict[str, Any]) -> None:
        started = time.perf_counter()
        source, target = Path(options["input"]), Path(options["output"])
        fmt: str = options["format"]
        unavailable = [s.strip() for s in options["unavailable"].split(",") if s.strip()]
        if unavailable and not options["previous"]:
            raise _bad(
                "--unavailable は --previous と一緒に指定します",
                "--unavailable needs --previous",
            )
        if options["time_limit"] < 0:
            raise _bad("--time-limit は 0 以上です", "--time-limit must be at least 0")
        data = _read_json(source, "入力ファイル", "input file")
        try:
            instance = matching.parse_instance(data)
            previous: list[tuple[str, str]] | None = None
            if options["previous"]:
                previous = matching.parse_previous(
                    _read_json(Path(options["previous"]), "前回の割当ファイル", "previous file"),
                    instance,
                )
                known = {s.id for s in instance.supporters}
                for sid in unavailable:
                    if sid not in known:
                        raise matching.InstanceError(
                            "--unavailable",
                            f"入力にない支援者です（{sid!r}）",
                            f"is not a supporter of the input ({sid!r})",
                        )
        except matching.InstanceError as exc:
            raise CommandError(f"入力が不正です / invalid input — {exc}", returncode=2) from None
        if not target.parent.is_dir():
            raise _bad(
                f"出力先フォルダ {target.parent} がありません",
                f"output folder {target.parent} does not exist",
            )
        with tqdm(
            total=len(STEPS), desc="match", unit="step", file=sys.stderr, disable=fmt == "json"
        ) as bar:

            def progress(step: str) -> None:
                if bar.n >= bar.total:  # search nodes and re-planning rounds add steps
                    bar.total = bar.n + 1
                bar.set_postfix_str(step)
                bar.update(1)

            try:
                if previous is None:
                    result = matching.solve(
                        instance, time_limit_s=options["time_limit"], progress=progress
                    )
                else:
                    result = matching.replan(
                        instance,
                        previous,
                        unavailable,
                        time_limit_s=options["time_limit"],
                        progress=progress,
                    )
            except matching.InstanceError as exc:
                raise CommandError(
                    f"入力が不正です / invalid input — {exc}", returncode=2
                ) from None
            bar.update(bar.total - bar.n)  # no half-served people: the later steps are moot
        payload = json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n"
        try:
            write_atomically(target, payload)
        except OSError as exc:
            raise _bad(
                f"出力ファイル {target} を書けません（{exc.strerror}）",
                f"cannot write output file {target} ({exc.strerror})",
            ) from None
        self._report(result, len(instance.people), time.perf_counter() - started, target, fmt)

    def _report(
        self, result: matching.Result, total: int, seconds: float, target: Path, fmt: str
    ) -> None:
        if fmt == "json":
            summary = {
                "covered": result.covered,
                "people": total,
                "total_distance_m": result.total_distance_m,
                "covered_bound": result.covered_bound,
                "distance_bound_m": result.distance_bound,
                "proven_optimal": result.proven_optimal,
                "kept": result.kept,
                "released": len(result.released),
                "seconds": round(seconds, 3),
                "output": str(target),
            }
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
            return
        proof_ja = "最適性を証明済み" if result.proven_optimal else "探索を打ち切り"
        proof_en = "proven optimal" if result.proven_optimal else "search stopped"
        self.stdout.write(
            f"支援できる人 {result.covered}/{total} 人（上限 {result.covered_bound}）, "
            f"総距離 {result.total_distance_m} m, {proof_ja}, {seconds:.2f} 秒 / "
            f"covered {result.covered}/{total} (bound {result.covered_bound}), "
            f"total distance {result.total_distance_m} m, {proof_en}, {seconds:.2f} s → {target}"
        )
        if result.kept or result.released:
            self.stdout.write(
                f"前回の割当: 維持 {result.kept} 件, 解除 {len(result.released)} 件 / "
                f"previous plan: kept {result.kept}, released {len(result.released)}"
            )
