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

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ainet.core import commandline
from ainet.core.csvio import csv_bytes
from ainet.core.models import Municipality
from ainet.facilities import opendata, services


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
        municipality = commandline.municipality(options["municipality"])
        if options["action"] == "export":
            self._export(municipality, options)
        else:
            self._import(municipality, options)

    def _import(self, municipality: Municipality, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        report = services.import_facilities(
            None,
            municipality,
            commandline.read_input(path),
            options["format_kind"],
            dry_run=options["dry_run"],
            filename=path.name,
            command_line=True,
        )
        commandline.write_report(self, report, options["format"])

    def _export(self, municipality: Municipality, options: dict[str, Any]) -> None:
        kind = options["format_kind"]
        data = csv_bytes(
            opendata.HEADERS[kind], services.export_rows(municipality, kind), options["encoding"]
        )
        if options["output"]:
            Path(options["output"]).write_bytes(data)
        else:
            sys.stdout.buffer.write(data)
