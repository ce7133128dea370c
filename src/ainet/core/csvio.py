"""CSV that opens correctly in Excel: UTF-8 with BOM by default, CP932 (Shift_JIS) on request;
and what the importers share to read it back (the encoding, tidied headers and cells, a
problem with one cell in Japanese and English).

Text cells that a spreadsheet would run as a formula (`=HYPERLINK(…)`, `+…`, `-…`, `@…`, or a
leading tab or carriage return: CSV injection) are written with a leading apostrophe, so data
that came from outside (a roster import, a concern report) is shown, never executed."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import quote

from django.http import HttpResponse

ENCODINGS = {"utf-8": "utf-8-sig", "cp932": "cp932"}

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")


def neutralise(value: Any) -> Any:
    """The cell as a spreadsheet will show it without running it (see the module docstring).
    Numbers, and text that is just a signed number, stay as they are."""
    if value is None:
        return ""
    if (
        isinstance(value, str)
        and value.startswith(_FORMULA_START)
        and not _PLAIN_NUMBER.fullmatch(value)
    ):
        return f"'{value}"
    return value


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]], encoding: str) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(value) for value in header])
    for row in rows:
        writer.writerow([neutralise(value) for value in row])
    # Characters CP932 cannot hold (e.g. 𠮷) become "?" rather than failing the whole export.
    return buffer.getvalue().encode(ENCODINGS[encoding], errors="replace")


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]], encoding: str
) -> HttpResponse:
    if encoding not in ENCODINGS:
        encoding = "utf-8"
    charset = "shift_jis" if encoding == "cp932" else "utf-8"
    response = HttpResponse(
        csv_bytes(header, rows, encoding), content_type=f"text/csv; charset={charset}"
    )
    ascii_name = filename.encode("ascii", "ignore").decode() or "export.csv"
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


# --- reading ---------------------------------------------------------------------------------


def norm_header(name: str) -> str:
    return unicodedata.normalize("NFKC", name.replace("\ufeff", "")).strip()


def norm_text(value: str) -> str:
    """NFKC (half-width kana to full width, full-width digits to ASCII) and trimmed, with runs
    of white space (U+3000 included) made single spaces."""
    return " ".join(unicodedata.normalize("NFKC", value).split())


@dataclass(frozen=True)
class Problem:
    """One problem with one cell (or the whole file, row 0), in Japanese and English."""

    row: int  # the spreadsheet row: the header is row 1
    column: str
    message_ja: str
    message_en: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "message_ja": self.message_ja,
            "message_en": self.message_en,
        }

    def __str__(self) -> str:
        where = f"{self.row}行目" + (f"「{self.column}」" if self.column else "")
        where_en = f"row {self.row}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message_ja} / {where_en}: {self.message_en}"


def decode(data: bytes) -> tuple[str, str]:
    """UTF-8 (with or without BOM) or CP932; raises UnicodeDecodeError for anything else."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data.decode("utf-8-sig"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp932"), "cp932"


@dataclass
class ImportReport:
    """What an all-or-nothing CSV import did, or would do on a dry run: nothing is written
    while `errors` holds anything."""

    kind: str
    municipality: str
    encoding: str = ""
    records: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int | None = None  # None: the importer does not tell these from updates
    dry_run: bool = False
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    # The name of `kind` in `as_dict` (JSON output of the commands).
    KIND_KEY: ClassVar[str] = "kind"

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        counts = {"created": self.created, "updated": self.updated}
        if self.unchanged is not None:
            counts["unchanged"] = self.unchanged
        return {
            self.KIND_KEY: self.kind,
            "municipality": self.municipality,
            "encoding": self.encoding,
            "records": self.records,
            **counts,
            "dry_run": self.dry_run,
            "ok": self.ok,
            "errors": [p.as_dict() for p in self.errors],
            "warnings": [p.as_dict() for p in self.warnings],
        }
