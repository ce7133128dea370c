"""CSV that opens correctly in Excel: UTF-8 with BOM by default, CP932 (Shift_JIS) on request."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse

ENCODINGS = {"utf-8": "utf-8-sig", "cp932": "cp932"}


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]], encoding: str) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
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
