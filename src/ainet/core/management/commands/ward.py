"""`ainet ward <action>`: set up a real ward — the municipality, its first ward
administrator, and its districts, town blocks and organisations from CSV.

    ainet ward create --code 141011 --name 横浜市鶴見区 [--name-kana …] [--name-en …]
        [--prefecture 神奈川県]
    ainet ward admin --municipality 141011 --username NAME [--display-name …]
        (the password is asked twice on a terminal, else read from the first line of stdin)
    ainet ward import districts|towns|organisations FILE --municipality 141011
        [--dry-run] [--format text|json]
    ainet ward export districts|towns|organisations --municipality 141011
        [--encoding utf-8|cp932] [--output FILE]

Import districts first, then town blocks and organisations (they name district codes).
An import checks every row first and writes nothing when any row has an error (exit code 2,
each problem with its row and column in Japanese and English); the formats are in
`ainet.core.geography` and the README. Exports are in the same format, UTF-8 with BOM
(Excel) unless `--encoding cp932`.
"""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from ainet.core import commandline, geography, services
from ainet.core.csvio import csv_bytes
from ainet.core.models import Municipality


def _invalid(exc: ValidationError) -> CommandError:
    with translation.override("ja"):
        ja = "; ".join(str(m) for m in exc.messages)
    with translation.override("en"):
        en = "; ".join(str(m) for m in exc.messages)
    return commandline.bad(f"登録できません: {ja}", f"Not registered: {en}")


class Command(BaseCommand):
    help = "Set up a ward: the municipality, its first administrator, and its reference data."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = actions.add_parser("create", help="Register a municipality (ward).")
        create.add_argument("--code", required=True, help="団体コード, e.g. 141011")
        create.add_argument("--name", required=True, help="e.g. 横浜市鶴見区")
        create.add_argument("--name-kana", default="")
        create.add_argument("--name-en", default="")
        create.add_argument("--prefecture", default="")
        admin = actions.add_parser("admin", help="Create a ward administrator account.")
        admin.add_argument("--username", required=True)
        admin.add_argument("--display-name", default="")
        imp = actions.add_parser("import", help="Import a CSV, all-or-nothing.")
        imp.add_argument("kind", choices=geography.KINDS)
        imp.add_argument("file")
        imp.add_argument("--dry-run", action="store_true", help="Check only; write nothing.")
        imp.add_argument("--format", choices=["text", "json"], default="text")
        exp = actions.add_parser("export", help="Export a CSV in the import's format.")
        exp.add_argument("kind", choices=geography.KINDS)
        exp.add_argument("--encoding", choices=["utf-8", "cp932"], default="utf-8")
        exp.add_argument("--output", help="file to write (default: standard output)")
        for sub in (admin, imp, exp):
            sub.add_argument("--municipality", required=True, help="団体コード, e.g. 141011")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            self._create(options)
        elif action == "admin":
            self._admin(commandline.municipality(options["municipality"]), options)
        elif action == "import":
            self._import(commandline.municipality(options["municipality"]), options)
        else:
            municipality = commandline.municipality(options["municipality"])
            kind = options["kind"]
            data = csv_bytes(
                geography.HEADERS[kind],
                geography.export_rows(municipality, kind),
                options["encoding"],
            )
            if options["output"]:
                Path(options["output"]).write_bytes(data)
            else:
                sys.stdout.buffer.write(data)

    def _create(self, options: dict[str, Any]) -> None:
        try:
            municipality = services.create_municipality(
                options["code"],
                options["name"],
                name_kana=options["name_kana"],
                name_en=options["name_en"],
                prefecture=options["prefecture"],
            )
        except ValidationError as exc:
            raise _invalid(exc) from None
        self.stdout.write(
            f"登録しました: {municipality.name}（{municipality.code}） / "
            f"registered: {municipality.name} ({municipality.code})"
        )

    def _admin(self, municipality: Municipality, options: dict[str, Any]) -> None:
        if sys.stdin.isatty():
            password = getpass.getpass("パスワード / Password: ")
            if getpass.getpass("もう一度 / Again: ") != password:
                raise commandline.bad("パスワードが一致しません。", "The passwords do not match.")
        else:
            password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise commandline.bad("パスワードがありません。", "No password was given.")
        try:
            user = services.create_ward_admin(
                municipality,
                username=options["username"],
                display_name=options["display_name"],
                password=password,
            )
        except ValidationError as exc:
            raise _invalid(exc) from None
        self.stdout.write(
            f"区役所管理者 {user.username} を作りました（{municipality.name}） / "
            f"created ward administrator {user.username} ({municipality.name})"
        )

    def _import(self, municipality: Municipality, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        report = geography.import_csv(
            None,
            municipality,
            commandline.read_input(path),
            options["kind"],
            dry_run=options["dry_run"],
            filename=path.name,
            command_line=True,
        )
        commandline.write_report(self, report, options["format"])
