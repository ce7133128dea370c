"""Roster CSV files for the roster tests, written the way ward systems export them."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from ainet.care.roster import canonical_header

HEADER = canonical_header()


def row(
    number: str = "1000001",
    name: str = "鈴木 花子",
    kana: str = "スズキ ハナコ",
    born: str = "昭和15年4月1日",
    sex: str = "女",
    postal: str = "230-0001",
    address: str = "横浜市鶴見区矢向一丁目2番3号",
    detail: str = "",
    phone: str = "045-000-0001",
    household: str = "単身",
    reason: str = "ひとり暮らし高齢者",
    basis: str = "同意",
    consent_on: str = "令和5年4月1日",
) -> list[str]:
    return [
        number,
        name,
        kana,
        born,
        sex,
        postal,
        address,
        detail,
        phone,
        household,
        reason,
        basis,
        consent_on,
    ]


def roster_bytes(
    rows: Sequence[Sequence[str]],
    encoding: str = "utf-8-sig",
    header: Sequence[str] = HEADER,
) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)
