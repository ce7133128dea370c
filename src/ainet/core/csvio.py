"""CSV that opens correctly in Excel: UTF-8 with BOM by default, CP932 (Shift_JIS) on request.

Text cells that a spreadsheet would run as a formula (`=HYPERLINK(…)`, `+…`, `-…`, `@…`, or a
leading tab or carriage return: CSV injection) are written with a leading apostrophe, so data
that came from outside (a roster import, a concern report) is shown, never executed."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any
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
