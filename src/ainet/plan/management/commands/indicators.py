"""`ainet indicators`: the plan's outcome table from records, as a table, CSV or JSON."""

from __future__ import annotations

import csv
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from ainet.core.codes import normalise_code
from ainet.core.models import District, Municipality
from ainet.plan.models import PlanPeriod
from ainet.plan.outcome import outcome_table


class Command(BaseCommand):
    help = "Print the plan's outcome table computed from records."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--municipality", required=True, help="local government code, e.g. 141011"
        )
        parser.add_argument("--periods", required=True, help="period numbers, e.g. 1,2")
        parser.add_argument("--district", help="district code for one district's table")
        parser.add_argument("--format", choices=["table", "csv", "json"], default="table")
        parser.add_argument("--lang", choices=["ja", "en"], default="ja", help="label language")

    def handle(self, *args: Any, **options: Any) -> None:
        translation.activate(options["lang"])
        code = normalise_code(options["municipality"])
        municipality = Municipality.objects.filter(code=code).first()
        if municipality is None:
            raise CommandError(
                f"団体コード {code} の自治体はありません / No municipality with code {code}.",
                returncode=2,
            )
        try:
            numbers = [int(n) for n in options["periods"].split(",") if n.strip()]
        except ValueError:
            numbers = []
        if not numbers:
            raise CommandError(
                "期の番号をカンマ区切りで指定してください（例: 1,2）/ "
                "Give period numbers separated by commas (e.g. 1,2).",
                returncode=2,
            )
        periods = {p.number: p for p in PlanPeriod.objects.filter(municipality=municipality)}
        missing = [n for n in numbers if n not in periods]
        if missing:
            known = ", ".join(str(n) for n in sorted(periods)) or "-"
            raise CommandError(
                f"第{missing[0]}期はありません（あるのは {known}）/ "
                f"Period {missing[0]} does not exist (known: {known}).",
                returncode=2,
            )
        district = None
        if options["district"]:
            district = District.objects.filter(
                municipality=municipality, code=options["district"]
            ).first()
            if district is None:
                raise CommandError(
                    f"{municipality.name}に地区 {options['district']} はありません / "
                    f"{municipality.name} has no district {options['district']}.",
                    returncode=2,
                )
        table = outcome_table(
            municipality, [periods[n] for n in numbers], by_district=district is not None
        )
        if district is not None:
            for row in table.rows:
                row.values = row.by_district[district.pk]
        self._write(table.as_json(), options["format"])

    def _write(self, data: dict[str, Any], fmt: str) -> None:
        if fmt == "json":
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        header = ["key", "label", *[p["label"] for p in data["periods"]]]
        rows = [
            [r["key"], r["label"], *["-" if v is None else v for v in r["values"]]]
            for r in data["rows"]
        ]
        if fmt == "csv":
            writer = csv.writer(self.stdout, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)
            return
        widths = [max(_width(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
        for row in [header, *rows]:
            cells = [_pad(str(cell), widths[i], right=i >= 2) for i, cell in enumerate(row)]
            self.stdout.write("  ".join(cells))


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, *, right: bool) -> str:
    space = " " * (width - _width(text))
    return space + text if right else text + space
