"""`ainet roster <action>`: the roster import (名簿更新) from the ward system's CSV export.

    ainet roster import FILE --municipality 141011 --list evacuation|watch
        [--dry-run] [--format json]
    ainet roster template --list evacuation|watch [--output FILE] [--encoding utf-8|cp932]

`import` reads UTF-8 (with or without BOM) or CP932, checks every row, matches rows to people,
and applies the diff all-or-nothing. Exit codes: 0 applied (or a clean dry run), 1 invalid
rows (nothing applied; every problem with row, column and message), 2 unusable input (not a
CSV, required columns missing, undecodable bytes, unknown municipality). `--format json`
prints `{"new", "changed", "removed", "unchanged", "moved", "errors": [{"row", "column",
"message"}], …}`. A progress bar goes to the terminal (stderr) when it is one.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from ainet.care import roster
from ainet.care.models import ListKind
from ainet.core.csvio import csv_bytes
from ainet.core.models import Municipality

PHASES = {"read": "読み込み / reading", "match": "照合 / matching", "apply": "反映 / applying"}
CLI_ACTOR = "ainet roster (command line)"


def _bad(ja: str, en: str) -> CommandError:
    return CommandError(f"{ja} / {en}", returncode=2)


class _Bar:
    """One tqdm bar per phase; silent when stderr is not a terminal."""

    def __init__(self) -> None:
        self.phase = ""
        self.bar: tqdm[Any] | None = None

    def __call__(self, phase: str, done: int, total: int) -> None:
        if phase != self.phase:
            self.close()
            self.phase = phase
            self.bar = tqdm(total=total, desc=PHASES.get(phase, phase), unit="row", disable=None)
        if self.bar is not None:
            self.bar.total = total
            self.bar.n = done
            self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


class Command(BaseCommand):
    help = "Roster import (名簿更新): `import` a ward CSV export, or write its `template`."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        imp = actions.add_parser("import", help="check, match, diff and apply a roster CSV")
        imp.add_argument("file", help="the CSV file (UTF-8, UTF-8 with BOM or CP932)")
        imp.add_argument(
            "--municipality", required=True, help="全国地方公共団体コード, e.g. 141011"
        )
        imp.add_argument("--list", required=True, choices=ListKind.values, dest="list_kind")
        imp.add_argument("--dry-run", action="store_true", help="show the diff, change nothing")
        imp.add_argument("--format", choices=["text", "json"], default="text")
        tpl = actions.add_parser("template", help="write the canonical header row")
        tpl.add_argument("--list", required=True, choices=ListKind.values, dest="list_kind")
        tpl.add_argument("--output", help="file to write (default: standard output)")
        tpl.add_argument("--encoding", choices=["utf-8", "cp932"], default="utf-8")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "template":
            self._template(options["output"], options["encoding"])
        else:
            self._import(options)

    def _template(self, output: str | None, encoding: str) -> None:
        data = csv_bytes(roster.canonical_header(), [], encoding)
        if output is None:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
            return
        try:
            Path(output).write_bytes(data)
        except OSError as exc:
            raise _bad(
                f"{output} に書き込めません（{exc.strerror}）",
                f"cannot write {output} ({exc.strerror})",
            ) from None

    def _import(self, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        municipality = Municipality.objects.filter(code=options["municipality"]).first()
        if municipality is None:
            raise _bad(
                f"自治体コード {options['municipality']} は登録されていません",
                f"unknown municipality code {options['municipality']}",
            )
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise _bad(
                f"{path} を読めません（{exc.strerror}）", f"cannot read {path} ({exc.strerror})"
            ) from None
        bar = _Bar()
        try:
            report = roster.import_roster(
                None,
                municipality,
                options["list_kind"],
                data,
                dry_run=options["dry_run"],
                source=f"roster import {path.name}"[:100],
                progress=bar,
                actor_username=CLI_ACTOR,
            )
        except roster.RosterInputError as exc:
            raise CommandError(str(exc), returncode=2) from None
        finally:
            bar.close()
        if options["format"] == "json":
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
        else:
            self._print_text(report, dry_run=options["dry_run"])
        if report["errors"]:
            # Django prints a CommandError's message; the rows were already printed above.
            raise CommandError(
                f"{len(report['errors'])} 件の問題があるため、何も反映していません / "
                f"{len(report['errors'])} problems found; nothing was applied",
                returncode=1,
            )

    def _print_text(self, report: dict[str, Any], *, dry_run: bool) -> None:
        for problem in report["errors"]:
            column = f" {problem['column']}" if problem["column"] else ""
            self.stdout.write(
                f"{problem['row']} 行目 / row {problem['row']}{column}: {problem['message']}"
            )
        for problem in report["warnings"]:
            self.stdout.write(f"注意 / warning: row {problem['row']}: {problem['message']}")
        self.stdout.write(
            "新規 / new {new}  変更 / changed {changed}（転居 / moved {moved}）  "
            "名簿から外れる / removed {removed}  変更なし / unchanged {unchanged}".format(**report)
        )
        if report["applied"]:
            self.stdout.write("反映しました / applied")
        elif dry_run and not report["errors"]:
            self.stdout.write(
                "確認のみ（--dry-run）、何も変更していません / dry run, nothing changed"
            )
