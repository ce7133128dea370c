"""`ainet facilities <action>`: the standard open-data files for facilities.

    ainet facilities import FILE --format-kind evacuation|care|childcare|aed \\
        --municipality 141011 [--dry-run] [--format text|json]
    ainet facilities export --format-kind aed --municipality 141011 \\
        [--encoding utf-8|cp932] [--output FILE]

An import checks every row first and writes nothing when any row has an error (exit code 2,
each problem with its row and column in Japanese and English). UTF-8 with or without BOM and
CP932 are read; exports are UTF-8 with BOM (Excel) unless `--encoding cp932`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ainet.core.csvio import csv_bytes
from ainet.core.models import Municipality
from ainet.facilities import opendata, services


def _bad(ja: str, en: str) -> CommandError:
    return CommandError(f"{ja} / {en}", returncode=2)


def _municipality(code: str) -> Municipality:
    try:
        return Municipality.objects.get(code=code)
    except Municipality.DoesNotExist:
        raise _bad(
            f"自治体 {code} は登録されていません。", f"Municipality {code} is not registered."
        ) from None


class Command(BaseCommand):
    help = "Import or export the standard open-data facility lists (CSV)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        imp = actions.add_parser("import", help="Import a standard CSV, all-or-nothing.")
        imp.add_argument("file")
        exp = actions.add_parser("export", help="Export a standard CSV.")
        for sub in (imp, exp):
            sub.add_argument("--format-kind", required=True, choices=opendata.FORMAT_KINDS)
            sub.add_argument("--municipality", required=True, help="団体コード, e.g. 141011")
        imp.add_argument("--dry-run", action="store_true", help="Check only; write nothing.")
        imp.add_argument("--format", choices=["text", "json"], default="text")
        exp.add_argument("--encoding", choices=["utf-8", "cp932"], default="utf-8")
        exp.add_argument("--output", help="file to write (default: standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        municipality = _municipality(options["municipality"])
        if options["action"] == "export":
            self._export(municipality, options)
        else:
            self._import(municipality, options)

    def _import(self, municipality: Municipality, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise _bad(
                f"ファイルを読めません: {path}（{exc.strerror}）",
                f"Cannot read the file: {path} ({exc.strerror})",
            ) from None
        report = services.import_facilities(
            None,
            municipality,
            data,
            options["format_kind"],
            dry_run=options["dry_run"],
            filename=path.name,
            command_line=True,
        )
        if options["format"] == "json":
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        else:
            for warning in report.warnings:
                self.stderr.write(f"注意 / warning: {warning}")
            for error in report.errors:
                self.stderr.write(f"誤り / error: {error}")
            if report.ok:
                verb = "確認のみ（書き込みなし）" if report.dry_run else "読み込みました"
                verb_en = "checked only, nothing written" if report.dry_run else "imported"
                self.stdout.write(
                    f"{verb}: {report.records}件（新規 {report.created}、更新 {report.updated}） / "
                    f"{verb_en}: {report.records} rows ({report.created} new, "
                    f"{report.updated} updated)"
                )
        if not report.ok:
            raise CommandError(
                f"{len(report.errors)}件の誤りがあるため、何も読み込んでいません。 / "
                f"{len(report.errors)} error(s): nothing was imported.",
                returncode=2,
            )

    def _export(self, municipality: Municipality, options: dict[str, Any]) -> None:
        kind = options["format_kind"]
        data = csv_bytes(
            opendata.HEADERS[kind], services.export_rows(municipality, kind), options["encoding"]
        )
        if options["output"]:
            Path(options["output"]).write_bytes(data)
        else:
            sys.stdout.buffer.write(data)
