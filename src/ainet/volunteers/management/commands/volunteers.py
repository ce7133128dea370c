"""`ainet volunteers <action>`: volunteer tools. Actions: `match` (batch matching).

    ainet volunteers match --input requests.json --output assignments.json [--format json]

Bad input (malformed JSON, missing or unknown fields, invalid values, duplicate ids) prints a
Japanese / English message naming the path and exits with code 2; the output file is then
neither created nor touched. Output is written atomically (temporary file + os.replace).
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ainet.volunteers import matching


def _bad(ja: str, en: str) -> CommandError:
    return CommandError(f"{ja} / {en}", returncode=2)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def write_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` via a temporary file in the same folder and os.replace."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


class Command(BaseCommand):
    help = "Volunteer tools. `match`: assign open requests to volunteers optimally (OR-Tools)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        match = actions.add_parser(
            "match",
            help="Batch matching: maximise served, then priority, then distance, then balance.",
        )
        match.add_argument("--input", required=True, help="instance JSON (UTF-8)")
        match.add_argument("--output", required=True, help="where to write the assignments")
        match.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "match":
            self._match(Path(options["input"]), Path(options["output"]), options["format"])

    def _match(self, source: Path, target: Path, fmt: str) -> None:
        started = time.perf_counter()
        try:
            text = source.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise _bad(
                f"入力ファイル {source} がありません", f"input file {source} does not exist"
            ) from None
        except UnicodeDecodeError:
            raise _bad(
                f"入力ファイル {source} は UTF-8 ではありません",
                f"input file {source} is not UTF-8",
            ) from None
        except OSError as exc:
            raise _bad(
                f"入力ファイル {source} を読めません（{exc.strerror}）",
                f"cannot read input file {source} ({exc.strerror})",
            ) from None
        try:
            data = json.loads(text, parse_constant=_reject_constant)
        except ValueError as exc:
            raise _bad(
                f"入力ファイル {source} の JSON が不正です（{exc}）",
                f"input file {source} is not valid JSON ({exc})",
            ) from None
        try:
            instance = matching.parse_instance(data)
        except matching.InstanceError as exc:
            raise CommandError(f"入力が不正です / invalid input — {exc}", returncode=2) from None
        if not target.parent.is_dir():
            raise _bad(
                f"出力先フォルダ {target.parent} がありません",
                f"output folder {target.parent} does not exist",
            )
        try:
            result = matching.solve(instance)
        except matching.InstanceError as exc:
            raise CommandError(f"入力が不正です / invalid input — {exc}", returncode=2) from None
        payload = json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n"
        try:
            write_atomically(target, payload)
        except OSError as exc:
            raise _bad(
                f"出力ファイル {target} を書けません（{exc.strerror}）",
                f"cannot write output file {target} ({exc.strerror})",
            ) from None
        seconds = time.perf_counter() - started
        total = len(instance.requests)
        if fmt == "json":
            summary = {
                "served": result.served,
                "requests": total,
                "total_distance_m": result.total_distance_m,
                "seconds": round(seconds, 3),
                "output": str(target),
            }
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
        else:
            self.stdout.write(
                f"割当 {result.served}/{total} 件, 総距離 {result.total_distance_m} m, "
                f"{seconds:.2f} 秒 / served {result.served}/{total}, "
                f"total distance {result.total_distance_m} m, {seconds:.2f} s → {target}"
            )
