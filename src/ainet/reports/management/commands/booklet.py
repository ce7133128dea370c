"""`ainet booklet`: the annual booklet (年間活動まとめ冊子) of one 年度 as a PDF file."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from ainet.core.codes import normalise_code
from ainet.core.dates import parse_fiscal_year
from ainet.core.models import District, Municipality
from ainet.reports.booklet import (
    STEPS,
    BookletError,
    BookletUnavailable,
    render_booklet,
    resolve_period,
)


class Command(BaseCommand):
    help = "Write the annual booklet of one fiscal year as an A4 PDF in Japanese."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--municipality", required=True, help="local government code, e.g. 141011"
        )
        parser.add_argument(
            "--fiscal-year", required=True, help="fiscal year, e.g. 2014, FY2014 or 平成26年度"
        )
        parser.add_argument("--output", required=True, help="the PDF file to write")
        parser.add_argument(
            "--district",
            action="append",
            default=[],
            help="only this district's page (code, e.g. yako); repeat for several",
        )
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        code = normalise_code(options["municipality"])
        municipality = Municipality.objects.filter(code=code).first()
        if municipality is None:
            raise CommandError(
                f"団体コード {code} の自治体はありません / No municipality with code {code}.",
                returncode=2,
            )
        try:
            fiscal_year = parse_fiscal_year(options["fiscal_year"])
        except ValueError as exc:
            raise CommandError(str(exc), returncode=2) from None
        try:
            resolve_period(municipality, fiscal_year)
        except BookletError as exc:
            raise CommandError(str(exc), returncode=2) from None
        districts = None
        if options["district"]:
            found = {
                d.code: d
                for d in District.objects.filter(
                    municipality=municipality, code__in=options["district"]
                )
            }
            missing = [c for c in options["district"] if c not in found]
            if missing:
                raise CommandError(
                    f"{municipality.name}に地区 {missing[0]} はありません / "
                    f"{municipality.name} has no district {missing[0]}.",
                    returncode=2,
                )
            districts = sorted(found.values(), key=lambda d: d.sort_order)

        output = Path(options["output"])
        as_json = options["format"] == "json"
        with tqdm(total=len(STEPS), desc="booklet", unit="step", file=sys.stderr) as bar:
            begun: list[str] = []

            def progress(step: str) -> None:  # a step begins: the one before it is done
                if begun:
                    bar.update(1)
                begun.append(step)
                bar.set_postfix_str(step)

            try:
                booklet = render_booklet(municipality, fiscal_year, districts, progress=progress)
            except BookletUnavailable as exc:
                raise CommandError(str(exc)) from None
            bar.update(1)
        try:
            output.write_bytes(booklet.pdf)
        except OSError as exc:
            raise CommandError(
                f"{output} に書き込めません / Cannot write {output}: {exc.strerror}", returncode=2
            ) from None
        if as_json:
            self.stdout.write(
                json.dumps(
                    {"output": str(output), "pages": booklet.pages, "bytes": len(booklet.pdf)}
                )
            )
        else:
            size = f"{booklet.pages}ページ / {booklet.pages} pages, {len(booklet.pdf):,} bytes"
            self.stdout.write(f"{output}: {size}")
