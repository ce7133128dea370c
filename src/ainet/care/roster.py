"""Roster import (名簿更新): read the ward system's export of the evacuation-help list or the
watch-over list, match its rows to the people ainet knows, show the difference, and apply it
all-or-nothing.

Three steps, each usable alone:

1. `parse_roster(data)` reads the bytes (UTF-8 with or without BOM, or CP932), finds the
   columns by their Japanese headers (and the variants ward systems export), and checks every
   cell. It needs no database. Unusable input (not a CSV, missing required columns,
   undecodable bytes) raises `RosterInputError`; problems in rows are collected as
   `RowProblem`s with row (the header is row 1), column and a Japanese and English message.
2. `plan_roster(municipality, list_kind, parsed)` matches the rows to people — by 宛名番号,
   else by furigana + date of birth + address (`Person.match_kana` / `match_address`, see
   `care/kana.py`) — with one query per key kind, and computes the diff: new, changed (which
   fields), moved (the address key or the district changed), unchanged, and the current list
   entries the file no longer holds (removed: `left_on` is set, nothing is deleted).
3. `apply_plan(actor, plan)` writes it in one transaction with bulk inserts and updates in
   chunks (executemany; COPY on PostgreSQL), records ConsentEvents for basis changes and an
   audit event.

`import_roster` runs the three steps with the cyclic garbage collector paused (`gc_paused`);
the command `ainet roster import` calls it, the web pages' background jobs (`roster_jobs.py`)
call the steps themselves. The 同意区分 mapping is `BASIS_WORDS` (documented in
docs/architecture.md, "Roster import").
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import functools
import gc
import hashlib
import io
import operator
import re
import threading
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from ainet.care.kana import address_key, kana_key, tidy, town_keys
from ainet.care.models import (
    Basis,
    ConsentEvent,
    ConsentEventKind,
    HouseholdType,
    ListEntry,
    ListKind,
    Person,
    Sex,
)
from ainet.core import audit
from ainet.core.dates import parse_date, today_tokyo
from ainet.core.models import Municipality, Town

__all__ = [
    "BASIS_WORDS",
    "COLUMNS",
    "ParsedRoster",
    "RosterInputError",
    "RosterPlan",
    "RosterRow",
    "RowProblem",
    "apply_plan",
    "canonical_header",
    "gc_paused",
    "import_roster",
    "parse_roster",
    "plan_roster",
]

# The csv module refuses a field longer than this (a 10 MB cell is a row error, not a hang or
# a 10 MB value in memory per cell); the longest column we store is 300 characters.
FIELD_SIZE_LIMIT = 64 * 1024
CHUNK = 2000  # rows per bulk insert/update and per `__in` query

# (phase, done, total): "read" rows parsed, "match" rows matched, "apply" rows written.
Progress = Callable[[str, int, int], None]


class RosterInputError(Exception):
    """Input that cannot be read as a roster at all (exit code 2): nothing was checked."""

    def __init__(self, ja: str, en: str) -> None:
        super().__init__(f"{ja} / {en}")
        self.ja = ja
        self.en = en


@dataclass(frozen=True)
class RowProblem:
    row: int  # the header is row 1
    column: str  # the canonical Japanese header; "" for the whole row
    message: str  # "日本語 / English"

    def as_json(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass(frozen=True)
class Column:
    key: str  # Person / ListEntry attribute it fills
    header: str  # canonical header, as ward systems export it
    required: bool
    aliases: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column("resident_number", "宛名番号", False, ("宛名コード", "宛名no", "住民番号")),
    Column("name", "氏名", True, ("名前", "漢字氏名", "氏名漢字", "氏名(漢字)")),
    Column(
        "name_kana",
        "氏名カナ",
        True,
        ("カナ氏名", "フリガナ", "ふりがな", "氏名フリガナ", "氏名(カナ)", "カナ", "よみがな"),
    ),
    Column("birth_date", "生年月日", True, ("誕生日",)),
    Column("sex", "性別", False),
    Column("postal_code", "郵便番号", False, ("〒",)),
    Column("address", "住所", True, ("現住所", "住所地")),
    Column("address_detail", "方書", False, ("方書き", "建物名", "アパート名")),
    Column("phone", "電話番号", False, ("電話", "tel", "連絡先", "連絡先電話番号")),
    Column("household_type", "世帯区分", False, ("世帯", "世帯状況", "世帯構成")),
    Column("reason", "要援護理由", False, ("支援理由", "要支援理由", "要援護事由", "理由")),
    Column("basis", "同意区分", True, ("同意", "登録区分", "同意の有無", "収集区分")),
    Column("consent_on", "同意日", False, ("同意年月日", "登録日", "同意日付")),
)
_COLUMN_BY_KEY = {column.key: column for column in COLUMNS}


def canonical_header() -> list[str]:
    return [column.header for column in COLUMNS]


def _header_key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"[\s()\[\]【】「」・:：]", "", text)


_HEADER_INDEX: dict[str, str] = {}
for _column in COLUMNS:
    for _name in (_column.header, _column.key, *_column.aliases):
        _HEADER_INDEX[_header_key(_name)] = _column.key

# 同意区分 (how the ward came to list the person) → (basis, the date column means …).
# "consent": 同意日 is the consent date (required); "removal": the date the person asked to be
# left out of information sharing (required); "joined": optional, kept as the consent date.
BASIS_WORDS: dict[str, tuple[Basis, str]] = {
    **dict.fromkeys(
        ("同意", "同意あり", "同意済", "同意済み", "consent"), (Basis.CONSENT, "consent")
    ),
    **dict.fromkeys(
        ("手上げ", "手挙げ", "手上げ方式", "hand_raised"), (Basis.HAND_RAISED, "joined")
    ),
    **dict.fromkeys(("情報共有", "情報共有方式", "情報提供", "opt_out"), (Basis.OPT_OUT, "joined")),
    **dict.fromkeys(
        ("情報共有拒否", "提供拒否", "拒否", "情報共有(拒否)", "opt_out_removed"),
        (Basis.OPT_OUT, "removal"),
    ),
    **dict.fromkeys(
        ("見守り", "見守り事業", "地域で見守り", "watch_programme"),
        (Basis.WATCH_PROGRAMME, "joined"),
    ),
    **dict.fromkeys(
        ("区のみ", "区限り", "区役所のみ", "区保有", "ward_only"), (Basis.WARD_ONLY, "joined")
    ),
}
_BASIS_INDEX = {_header_key(word): value for word, value in BASIS_WORDS.items()}

SEX_WORDS: dict[str, Sex] = {
    **dict.fromkeys(("女", "女性", "f", "female", "2"), Sex.FEMALE),
    **dict.fromkeys(("男", "男性", "m", "male", "1"), Sex.MALE),
    **dict.fromkeys(("その他", "other", "3"), Sex.OTHER),
    **dict.fromkeys(("", "不明", "unknown", "9", "0"), Sex.UNKNOWN),
}
HOUSEHOLD_WORDS: dict[str, HouseholdType] = {
    **dict.fromkeys(
        ("単身", "ひとり暮らし", "一人暮らし", "独居", "単身世帯", "living_alone"),
        HouseholdType.LIVING_ALONE,
    ),
    **dict.fromkeys(
        ("高齢者のみ", "高齢者世帯", "高齢者のみ世帯", "高齢夫婦", "elderly_only"),
        HouseholdType.ELDERLY_ONLY,
    ),
    **dict.fromkeys(("同居", "家族同居", "家族と同居", "with_family"), HouseholdType.WITH_FAMILY),
    **dict.fromkeys(("その他", "other"), HouseholdType.OTHER),
    **dict.fromkeys(("", "不明", "unknown"), HouseholdType.UNKNOWN),
}
_SEX_INDEX = {_header_key(word): value for word, value in SEX_WORDS.items()}
_HOUSEHOLD_INDEX = {_header_key(word): value for word, value in HOUSEHOLD_WORDS.items()}

_MAX_LENGTH = {
    "resident_number": 20,
    "name": 100,
    "name_kana": 200,
    "address": 300,
    "address_detail": 200,
    "phone": 30,
    "reason": 300,
}
_RESIDENT_NUMBER = re.compile(r"[0-9A-Za-z-]+")
_POSTAL_CODE = re.compile(r"(\d{3})-?(\d{4})")
_PHONE = re.compile(r"[0-9+() -]+")
_KANA = re.compile(r"[\u3041-\u309f\u30a0-\u30ff ー]+")
_OLDEST_BIRTH = datetime.date(1880, 1, 1)


@dataclass
class RosterRow:
    """One valid data row, values tidied (NFKC, spaces) and typed."""

    row: int
    name: str
    name_kana: str
    birth_date: datetime.date
    address: str
    basis: Basis
    resident_number: str = ""
    sex: Sex = Sex.UNKNOWN
    postal_code: str = ""
    address_detail: str = ""
    phone: str = ""
    household_type: HouseholdType = HouseholdType.UNKNOWN
    reason: str = ""
    consent_on: datetime.date | None = None
    removal_requested_on: datetime.date | None = None
    # The matching keys; worked out from name_kana and address when not given.
    match_kana: str = ""
    match_address: str = ""

    def __post_init__(self) -> None:
        if not self.match_kana:
            self.match_kana = kana_key(self.name_kana)
        if not self.match_address:
            self.match_address = address_key(self.address)


@dataclass
class ParsedRoster:
    rows: list[RosterRow]
    errors: list[RowProblem]
    columns: frozenset[str]  # keys of the columns the file has
    ignored_headers: list[str]
    encoding: str


# --- Reading ------------------------------------------------------------------------------


def decode_roster(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was in: UTF-8 with BOM, UTF-8, or CP932 (Shift_JIS as
    Windows writes it). Bytes that none of them reads are unusable input."""
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise RosterInputError(
            "Excel のファイルです。CSV 形式で保存し直してください",
            "This is an Excel workbook; save it as CSV first",
        )
    if data.startswith(b"\xef\xbb\xbf"):
        candidates: tuple[tuple[str, str], ...] = (("utf-8-sig", "utf-8-sig"),)
    else:
        candidates = (("utf-8", "utf-8"), ("cp932", "cp932"))
    first_failure: UnicodeDecodeError | None = None
    for codec, label in candidates:
        try:
            return data.decode(codec), label
        except UnicodeDecodeError as exc:
            first_failure = first_failure or exc
    position = first_failure.start if first_failure else 0
    raise RosterInputError(
        f"文字コードを判別できません（{position} バイト目）。UTF-8 か Shift_JIS (CP932) で"
        "保存してください",
        f"Cannot decode the file (byte {position}); save it as UTF-8 or Shift_JIS (CP932)",
    )


def _records(text: str) -> Iterator[list[str]]:
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    csv.field_size_limit(FIELD_SIZE_LIMIT)
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)


def _map_header(cells: Sequence[str]) -> tuple[dict[int, str], list[str]]:
    positions: dict[int, str] = {}
    seen: dict[str, str] = {}
    ignored: list[str] = []
    for index, cell in enumerate(cells):
        key = _HEADER_INDEX.get(_header_key(cell))
        if key is None:
            if cell.strip():
                ignored.append(cell.strip())
            continue
        if key in seen:
            header = _COLUMN_BY_KEY[key].header
            raise RosterInputError(
                f"見出し「{header}」の列が二つあります（「{seen[key]}」と「{cell.strip()}」）",
                f"Two columns are headed {header} ({seen[key]!r} and {cell.strip()!r})",
            )
        seen[key] = cell.strip()
        positions[index] = key
    if not positions:
        raise RosterInputError(
            "名簿の CSV ではありません。1 行目に見出し（宛名番号, 氏名, …）が必要です",
            "This is not a roster CSV: row 1 must be the header (宛名番号, 氏名, …)",
        )
    missing = [c.header for c in COLUMNS if c.required and c.key not in seen]
    if missing:
        names = "、".join(missing)
        raise RosterInputError(
            f"必須の列がありません: {names}", f"Required columns are missing: {', '.join(missing)}"
        )
    return positions, ignored


def _problem(row: int, key: str, ja: str, en: str) -> RowProblem:
    header = _COLUMN_BY_KEY[key].header if key else ""
    return RowProblem(row, header, f"{ja} / {en}")


class _Memo(dict[str, Any]):
    """`memo[text]` is `fn(text)`, worked out once per file: a roster repeats most of its
    cells (性別, 世帯区分, 同意区分, dates, postal codes, names' furigana), and normalising
    them again for every row was most of the time of reading a large file."""

    def __init__(self, fn: Callable[[str], Any]) -> None:
        super().__init__()
        self.fn = fn

    def __missing__(self, key: str) -> Any:
        value = self[key] = self.fn(key)
        return value


def _date_or_error(value: str) -> datetime.date | ValueError:
    # core.dates speaks Japanese and English already; it rejects 平成31年5月1日.
    try:
        return parse_date(value)
    except ValueError as exc:
        return exc


class _RowChecker:
    """Checks rows one by one (`check`), with the normalisation of repeated values memoised
    for the file it reads."""

    def __init__(self) -> None:
        self.today = today_tokyo()
        self.tidy = _Memo(tidy)
        self.dates = _Memo(_date_or_error)
        self.sexes = _Memo(lambda v: _SEX_INDEX.get(_header_key(v)))
        self.households = _Memo(lambda v: _HOUSEHOLD_INDEX.get(_header_key(v)))
        self.bases = _Memo(lambda v: _BASIS_INDEX.get(_header_key(v)))
        self.kana_keys = _Memo(kana_key)
        self.address_keys = _Memo(address_key)

    def check(
        self, number: int, cells: dict[str, str], problems: list[RowProblem]
    ) -> RosterRow | None:
        before = len(problems)

        def bad(key: str, ja: str, en: str) -> None:
            problems.append(_problem(number, key, ja, en))

        tidied = self.tidy
        values = {key: tidied[value] for key, value in cells.items()}
        too_long = set()
        for key, limit in _MAX_LENGTH.items():
            if len(values.get(key, "")) > limit:
                bad(key, f"{limit} 文字を超えています", f"longer than {limit} characters")
                values[key] = ""
                too_long.add(key)
        for key in ("name", "name_kana", "address"):
            if not values.get(key) and key not in too_long:
                bad(key, "空欄です", "is empty")
        kana = values.get("name_kana", "")
        if kana and not _KANA.fullmatch(kana):
            bad("name_kana", "カナ以外の文字があります", "must be written in kana")
        today = self.today
        birth: datetime.date | None = None
        if not values.get("birth_date"):
            bad("birth_date", "空欄です", "is empty")
        else:
            read = self.dates[values["birth_date"]]
            if isinstance(read, ValueError):
                problems.append(RowProblem(number, "生年月日", str(read)))
            elif read > today:
                bad("birth_date", "未来の日付です", "is in the future")
            elif read < _OLDEST_BIRTH:
                bad("birth_date", "古すぎる日付です", "is implausibly long ago")
            else:
                birth = read
        number_text = values.get("resident_number", "")
        if number_text and not _RESIDENT_NUMBER.fullmatch(number_text):
            bad(
                "resident_number",
                "英数字とハイフンで書いてください",
                "use letters, digits and hyphens",
            )
        sex = self.sexes[values.get("sex", "")]
        if sex is None:
            bad(
                "sex",
                "男・女・その他・空欄のいずれかにしてください",
                "use 男, 女, その他 or leave empty",
            )
        household = self.households[values.get("household_type", "")]
        if household is None:
            bad(
                "household_type",
                "単身・高齢者のみ・同居・その他・空欄のいずれかにしてください",
                "use 単身, 高齢者のみ, 同居, その他 or leave empty",
            )
        postal = values.get("postal_code", "").lstrip("〒").strip()
        if postal:
            if match := _POSTAL_CODE.fullmatch(postal):
                postal = f"{match[1]}-{match[2]}"
            else:
                bad("postal_code", "7 桁の郵便番号ではありません", "is not a 7-digit postal code")
        phone = values.get("phone", "")
        if phone and not _PHONE.fullmatch(phone):
            bad(
                "phone",
                "電話番号に使えない文字があります",
                "has characters a phone number cannot have",
            )
        basis_word = values.get("basis", "")
        mapped = self.bases[basis_word]
        if mapped is None:
            words = "、".join(w for w in BASIS_WORDS if not w.isascii())
            if basis_word:
                bad(
                    "basis",
                    f"「{basis_word}」は同意区分にありません（{words}）",
                    f"unknown basis {basis_word!r}",
                )
            else:
                bad("basis", "空欄です", "is empty")
        consent_on: datetime.date | None = None
        if values.get("consent_on"):
            read = self.dates[values["consent_on"]]
            if isinstance(read, ValueError):
                problems.append(RowProblem(number, "同意日", str(read)))
            elif read > today:
                bad("consent_on", "未来の日付です", "is in the future")
            else:
                consent_on = read
        elif mapped is not None and mapped[1] in {"consent", "removal"}:
            what = (
                ("同意の日付", "consent")
                if mapped[1] == "consent"
                else ("拒否の申出日", "removal request")
            )
            bad("consent_on", f"{what[0]}が必要です", f"the date of the {what[1]} is required")
        if (
            len(problems) > before
            or birth is None
            or mapped is None
            or sex is None
            or household is None
        ):
            return None
        basis, date_means = mapped
        address = values["address"]
        return RosterRow(
            row=number,
            name=values["name"],
            name_kana=kana,
            birth_date=birth,
            address=address,
            basis=basis,
            resident_number=number_text,
            sex=sex,
            postal_code=postal,
            address_detail=values.get("address_detail", ""),
            phone=phone,
            household_type=household,
            reason=values.get("reason", ""),
            consent_on=consent_on if date_means != "removal" else None,
            removal_requested_on=consent_on if date_means == "removal" else None,
            match_kana=self.kana_keys[kana],
            match_address=self.address_keys[address],
        )


def parse_roster(data: bytes, progress: Progress | None = None) -> ParsedRoster:
    """Read and check every row. Raises only `RosterInputError` (unusable input)."""
    text, encoding = decode_roster(data)
    if "\x00" in text:
        raise RosterInputError(
            "CSV ではありません（NUL 文字を含みます）", "This is not a CSV (it contains NUL bytes)"
        )
    if not text.strip():
        raise RosterInputError("ファイルが空です", "The file is empty")
    total = text.count("\n") + 1
    records = _records(text)
    try:
        header = next(records)
    except csv.Error as exc:
        raise RosterInputError(
            f"見出し行を読めません（{exc}）", f"Cannot read the header ({exc})"
        ) from None
    positions, ignored = _map_header(header)
    width = len(header)
    rows: list[RosterRow] = []
    problems: list[RowProblem] = []
    seen_numbers: dict[str, int] = {}
    checker = _RowChecker()
    number = 1
    while True:
        number += 1
        try:
            cells = next(records)
        except StopIteration:
            break
        except csv.Error as exc:
            # The reader cannot go on reliably after this (e.g. a cell over the size limit).
            problems.append(
                RowProblem(
                    number,
                    "",
                    f"この行を CSV として読めません。ここで読み込みを止めました（{exc}） / "
                    f"Cannot read this row as CSV; reading stopped here ({exc})",
                )
            )
            break
        if progress and number % 5000 == 0:
            progress("read", number, total)
        if not "".join(cells).strip():
            continue  # blank lines, e.g. at the end of an Excel export
        if len(cells) < width or (len(cells) > width and "".join(cells[width:]).strip()):
            problems.append(
                RowProblem(
                    number,
                    "",
                    f"この行は {len(cells)} 列ですが、見出しは {width} 列です / "
                    f"This row has {len(cells)} cells but the header has {width}",
                )
            )
            continue
        row = checker.check(
            number, {key: cells[index] for index, key in positions.items()}, problems
        )
        if row is None:
            continue
        if row.resident_number:
            first = seen_numbers.setdefault(row.resident_number, number)
            if first != number:
                problems.append(
                    _problem(
                        number,
                        "resident_number",
                        f"宛名番号 {row.resident_number} は {first} 行目にもあります",
                        f"resident number {row.resident_number} is also on row {first}",
                    )
                )
                continue
        rows.append(row)
    if progress:
        progress("read", total, total)
    return ParsedRoster(rows, problems, frozenset(positions.values()), ignored, encoding)


# --- Matching and the diff ----------------------------------------------------------------


class TownIndex:
    """Finds the town block (町丁目) in an address: the longest town name found at the first
    place any appears in the address key, after the prefecture and municipality names."""

    def __init__(self, municipality: Municipality, towns: Iterable[Town]) -> None:
        self.by_key: dict[str, Town] = {}
        for town in towns:
            for key in town_keys(f"{town.name}{town.koaza}"):
                self.by_key.setdefault(key, town)
        keys = sorted(self.by_key, key=len, reverse=True)
        self.pattern = re.compile("|".join(map(re.escape, keys))) if keys else None
        city = address_key(municipality.name)
        self.prefixes = [
            p for p in (address_key(municipality.prefecture), city, city.rpartition("市")[2]) if p
        ]
        self.cache: dict[str, Town | None] = {}

    def find(self, key: str) -> Town | None:
        if key in self.cache:
            return self.cache[key]
        text = key
        for prefix in self.prefixes:
            if text.startswith(prefix):
                text = text[len(prefix) :]
        match = self.pattern.search(text) if self.pattern else None
        found = self.by_key[match.group(0)] if match else None
        self.cache[key] = found
        return found


# Person fields a row may set; the location fields follow the address.
_PERSON_FIELDS = (
    "resident_number",
    "name",
    "name_kana",
    "birth_date",
    "sex",
    "postal_code",
    "address",
    "address_detail",
    "phone",
    "household_type",
)
_LOCATION_FIELDS = ("town_id", "district_id", "lat", "lng")
_ENTRY_FIELDS = ("basis", "consent_on", "removal_requested_on", "reason")
# Fields of the file that only count when the column is in it (absent: left as they are).
_OPTIONAL_KEYS = {c.key for c in COLUMNS if not c.required}


# Kept in step with the address and furigana, but not a change anyone needs to review.
_SILENT_FIELDS = frozenset({"match_kana", "match_address"})


@dataclass
class RowChange:
    row: int
    kind: str  # new | changed | unchanged
    person: Person | None  # None: a person to create
    entry: ListEntry | None  # the current entry on this list, if any
    values: dict[str, Any]  # person field values from the file
    entry_values: dict[str, Any]
    person_fields: list[str] = field(default_factory=list)  # person fields to write
    entry_fields: list[str] = field(default_factory=list)  # entry fields to write
    moved: bool = False
    before: dict[str, Any] = field(default_factory=dict)  # old values of changed fields
    town_name: str = ""  # the town block found in the address, when it was looked up

    @property
    def fields(self) -> list[str]:
        """The changed fields a reviewer sees (person, then list entry)."""
        return [f for f in self.person_fields if f not in _SILENT_FIELDS] + self.entry_fields

    def summary(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "kind": self.kind,
            "person_id": self.person.pk if self.person else None,
            "name": self.values["name"],
            "fields": self.fields,
            "moved": self.moved,
            "town": self.town_name,
            "basis": str(self.entry_values["basis"]),
            "before": {k: _plain(self.before[k]) for k in self.fields},
            "after": {k: _plain(self.values.get(k, self.entry_values.get(k))) for k in self.fields},
        }


@dataclass
class Removal:
    entry_id: int
    person_id: int
    name: str
    basis: str


@dataclass
class RosterPlan:
    municipality: Municipality
    list_kind: str
    changes: list[RowChange]
    removals: list[Removal]
    errors: list[RowProblem]
    warnings: list[RowProblem]
    ignored_headers: list[str]

    def count(self, kind: str) -> int:
        return sum(1 for change in self.changes if change.kind == kind)

    @property
    def moved(self) -> int:
        return sum(1 for change in self.changes if change.moved)

    @property
    def digest(self) -> str:
        """Changes when what applying would do changes (the people changed since)."""
        h = hashlib.sha256()
        for change in self.changes:
            person_id = change.person.pk if change.person else 0
            entry_id = change.entry.pk if change.entry else 0
            before = sorted((k, str(v)) for k, v in change.before.items())
            h.update(f"{change.row}|{change.kind}|{person_id}|{entry_id}|{before}\n".encode())
        for removal in self.removals:
            h.update(f"-{removal.entry_id}\n".encode())
        return h.hexdigest()

    def report(self, *, applied: bool) -> dict[str, Any]:
        return {
            "new": self.count("new"),
            "changed": self.count("changed"),
            "removed": len(self.removals),
            "unchanged": self.count("unchanged"),
            "moved": self.moved,
            "errors": [problem.as_json() for problem in self.errors],
            "warnings": [problem.as_json() for problem in self.warnings],
            "ignored_columns": self.ignored_headers,
            "applied": applied,
        }


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.date | Decimal | str):
        return str(value)  # TextChoices members become their plain value
    return value


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _values_for(row: RosterRow, columns: frozenset[str]) -> dict[str, Any]:
    keys = _person_keys(columns)
    values: dict[str, Any] = dict(zip(keys, operator.attrgetter(*keys)(row), strict=True))
    if not row.resident_number:
        values.pop("resident_number", None)  # an empty cell never erases a known number
    return values


@functools.cache
def _person_keys(columns: frozenset[str]) -> tuple[str, ...]:
    """The person fields a file with these columns sets (at least two: the required ones)."""
    return tuple(key for key in _PERSON_FIELDS if key not in _OPTIONAL_KEYS or key in columns)


def _entry_values_for(row: RosterRow, columns: frozenset[str]) -> dict[str, Any]:
    values: dict[str, Any] = {
        "basis": row.basis,
        "consent_on": row.consent_on,
        "removal_requested_on": row.removal_requested_on,
    }
    if "reason" in columns:
        values["reason"] = row.reason
    return values


def plan_roster(
    municipality: Municipality,
    list_kind: str,
    parsed: ParsedRoster,
    progress: Progress | None = None,
) -> RosterPlan:
    """Match the rows to people and compute the diff (reads only)."""
    if list_kind not in ListKind.values:
        raise RosterInputError(f"名簿の種類が不明です: {list_kind}", f"Unknown list: {list_kind}")
    rows = parsed.rows
    errors = list(parsed.errors)
    warnings: list[RowProblem] = []
    people = Person.objects.filter(municipality=municipality)
    total = len(rows)

    # One query per key kind (in chunks): 宛名番号, then furigana for the rest.
    by_number: dict[str, Person] = {}
    numbers = [row.resident_number for row in rows if row.resident_number]
    for chunk in _chunks(numbers):
        for known in people.filter(resident_number__in=chunk):
            by_number[known.resident_number] = known
    if progress:
        progress("match", total // 3, total)
    kana_wanted = sorted({row.match_kana for row in rows if row.resident_number not in by_number})
    # Only the keys first: common names share their furigana with many people, of whom few
    # also share the date of birth and address; the full records are read for those.
    by_identity: dict[tuple[str, datetime.date | None, str], list[tuple[int, str]]] = defaultdict(
        list
    )
    for chunk in _chunks(kana_wanted):
        for pk, kana, birth, address, number in people.filter(match_kana__in=chunk).values_list(
            "pk", "match_kana", "birth_date", "match_address", "resident_number"
        ):
            by_identity[(kana, birth, address)].append((pk, number))
    identified: dict[int, Person] = {}
    wanted = sorted(
        {
            pk
            for row in rows
            if row.resident_number not in by_number
            for pk, _number in by_identity.get(
                (row.match_kana, row.birth_date, row.match_address), ()
            )
        }
    )
    for chunk in _chunks(wanted):
        identified.update((p.pk, p) for p in people.filter(pk__in=chunk))
    if progress:
        progress("match", 2 * total // 3, total)
    entries = {
        entry.person_id: entry
        for entry in ListEntry.objects.filter(
            person__municipality=municipality, list_kind=list_kind, left_on__isnull=True
        )
    }
    towns = TownIndex(municipality, Town.objects.filter(municipality=municipality))

    changes: list[RowChange] = []
    claimed: dict[int, int] = {}  # person id → the row that matched it
    for row in rows:
        person: Person | None = by_number.get(row.resident_number) if row.resident_number else None
        if person is None:
            candidates = [
                identified[pk]
                for pk, number in by_identity.get(
                    (row.match_kana, row.birth_date, row.match_address), []
                )
                if not number or not row.resident_number or number == row.resident_number
            ]
            if len(candidates) > 1:
                errors.append(
                    _problem(
                        row.row,
                        "name_kana",
                        f"フリガナ・生年月日・住所が同じ人が {len(candidates)} 人います。"
                        "宛名番号を入れてください",
                        f"{len(candidates)} people share this furigana, date of birth and "
                        "address; add the resident number",
                    )
                )
                continue
            person = candidates[0] if candidates else None
        if person is not None:
            first = claimed.setdefault(person.pk, row.row)
            if first != row.row:
                errors.append(
                    _problem(
                        row.row,
                        "",
                        f"{first} 行目と同じ人です（重複行）",
                        f"the same person as row {first} (duplicate row)",
                    )
                )
                continue
        values = _values_for(row, parsed.columns)
        values["match_kana"] = row.match_kana
        values["match_address"] = row.match_address
        entry_values = _entry_values_for(row, parsed.columns)
        town = towns.find(row.match_address)
        address_moved = (
            person is not None
            and (person.match_address or address_key(person.address)) != row.match_address
        )
        relocate = person is None or address_moved or (person.town_id is None and town is not None)
        if relocate:
            if town is None:
                warnings.append(
                    _problem(
                        row.row,
                        "address",
                        "住所から町丁目が分かりません。地区が決まらないため区の管理者だけが見られます",
                        "no town block of the ward found in the address; without a district "
                        "only ward administrators will see this person",
                    )
                )
            values.update(
                town_id=town.pk if town else None,
                district_id=town.district_id if town else None,
                lat=town.lat if town else None,
                lng=town.lng if town else None,
            )
        entry = entries.get(person.pk) if person is not None else None
        change = RowChange(row.row, "new", person, entry, values, entry_values)
        change.town_name = str(town) if relocate and town is not None else ""
        if person is not None:
            change.person_fields, change.before = _differences(person, values)
            change.moved = address_moved or "district_id" in change.person_fields
        if entry is not None:
            change.entry_fields, entry_before = _differences(entry, entry_values)
            change.before.update(entry_before)
            change.kind = "changed" if change.fields else "unchanged"
        changes.append(change)
    kept = set(claimed)
    removals: list[Removal] = []
    gone = [entry for person_id, entry in entries.items() if person_id not in kept]
    names: dict[int, str] = {}
    for chunk in _chunks([e.person_id for e in gone]):
        names.update(Person.objects.filter(pk__in=chunk).values_list("pk", "name"))
    for entry in sorted(gone, key=lambda e: e.pk):
        removals.append(
            Removal(entry.pk, entry.person_id, names.get(entry.person_id, ""), entry.basis)
        )
    if progress:
        progress("match", total, total)
    errors.sort(key=lambda p: (p.row, p.column))
    return RosterPlan(
        municipality, list_kind, changes, removals, errors, warnings, parsed.ignored_headers
    )


def _differences(obj: Any, values: dict[str, Any]) -> tuple[list[str], dict[str, Any]]:
    fields: list[str] = []
    before: dict[str, Any] = {}
    for key, new in values.items():
        old = getattr(obj, key)
        if isinstance(new, Decimal) and old is not None:
            old = Decimal(old)
        if old != new:
            fields.append(key)
            before[key] = old
    return fields, before


# --- Applying -----------------------------------------------------------------------------

# Django's bulk_update builds one CASE WHEN per field and row, and on SQLite bulk_create is
# capped at 999 parameters (about 30 people) per INSERT; both spend far more time compiling
# SQL than the database spends writing. These write the same rows with executemany (and
# COPY on PostgreSQL), built a column at a time.


# Fields whose Python value is already what the database driver takes.
_PLAIN_FIELDS = (
    models.CharField,
    models.TextField,
    models.BooleanField,
    models.IntegerField,
    models.ForeignKey,
)


def _db_column(f: Any, values: list[Any]) -> list[Any]:
    """One field's values as the database driver takes them. Preparing a value (a date, a
    timestamp, a Decimal) through the field costs a dozen calls, and a column repeats its
    values (every row has the same `updated_at`), so each distinct value is prepared once;
    values that compare equal prepare to the same database value."""
    if isinstance(f, _PLAIN_FIELDS):
        return values
    try:
        distinct = set(values)
    except TypeError:  # an unhashable value
        return [f.get_db_prep_save(value, connection) for value in values]
    prepared = {value: f.get_db_prep_save(value, connection) for value in distinct}
    return list(map(prepared.__getitem__, values))


def _update_rows(
    model: type[models.Model], objs: Sequence[models.Model], names: Sequence[str]
) -> None:
    """UPDATE … SET the named fields WHERE pk = … for every object, in one executemany."""
    if not objs:
        return
    qn = connection.ops.quote_name
    meta = model._meta
    fields: list[Any] = [meta.get_field(name) for name in names]
    assignments = ", ".join(f"{qn(f.column)} = %s" for f in fields)
    pk: Any = meta.pk
    sql = f"UPDATE {qn(meta.db_table)} SET {assignments} WHERE {qn(pk.column)} = %s"  # noqa: S608 (names from the model)
    columns = [_db_column(f, [getattr(obj, f.attname) for obj in objs]) for f in fields]
    columns.append([obj.pk for obj in objs])
    with connection.cursor() as cursor:
        cursor.executemany(sql, list(zip(*columns, strict=True)))


def _insert_rows(model: type[Any], rows: list[dict[str, Any]]) -> list[int]:
    """Insert rows given as {attname: value} (the model's defaults fill the rest) and return
    their ids in order.

    PostgreSQL: the ids are taken from the table's sequence first, then the rows (with their
    ids) go in by COPY. SQLite: one executemany; inside our write transaction nobody else
    inserts, so the new ids are the ones above the previous maximum, in insertion order."""
    if not rows:
        return []
    qn = connection.ops.quote_name
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    template = model()
    table, pk = qn(meta.db_table), qn(meta.pk.column)
    names = ", ".join(qn(f.column) for f in fields)
    columns = [
        _db_column(
            f,
            list(map(operator.methodcaller("get", f.attname, getattr(template, f.attname)), rows)),
        )
        for f in fields
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, len(rows)],
            )
            ids = sorted(row[0] for row in cursor.fetchall())
            with cursor.cursor.copy(f"COPY {table} ({pk}, {names}) FROM STDIN") as copy:
                for values in zip(ids, *columns, strict=True):
                    copy.write_row(values)
            return ids
        cursor.execute(f"SELECT COALESCE(MAX({pk}), 0) FROM {table}")  # noqa: S608
        (before,) = cursor.fetchone()
        marks = ", ".join(["%s"] * len(fields))
        cursor.executemany(
            f"INSERT INTO {table} ({names}) VALUES ({marks})",  # noqa: S608
            list(zip(*columns, strict=True)),
        )
        cursor.execute(f"SELECT {pk} FROM {table} WHERE {pk} > %s ORDER BY {pk}", [before])  # noqa: S608
        ids = [row[0] for row in cursor.fetchall()]
    if len(ids) != len(rows):
        raise RuntimeError("roster import: inserted rows and ids disagree")
    return ids


def _consent_event_kind(entry: ListEntry, values: dict[str, Any]) -> str | None:
    if values.get("removal_requested_on") and not entry.removal_requested_on:
        return ConsentEventKind.REMOVAL_REQUESTED
    if values["basis"] == Basis.CONSENT and (
        entry.basis != Basis.CONSENT or entry.consent_on != values["consent_on"]
    ):
        return ConsentEventKind.CONSENT_GIVEN
    if entry.basis == Basis.CONSENT and values["basis"] != Basis.CONSENT:
        return ConsentEventKind.CONSENT_WITHDRAWN
    if entry.basis != values["basis"]:
        return ConsentEventKind.BASIS_CHANGED
    return None


def apply_plan(
    actor: Any,
    plan: RosterPlan,
    *,
    source: str = "",
    progress: Progress | None = None,
    actor_username: str = "",
) -> dict[str, Any]:
    """Write the plan in one transaction and return the report. A plan with errors writes
    nothing. Call it inside the transaction the plan was made in, so nobody changes the
    people in between (`import_roster` does)."""
    if plan.errors:
        return plan.report(applied=False)
    today = today_tokyo()
    now = timezone.now()
    note = "名簿更新 / roster import"
    source = (source or f"roster import {today}")[:100]
    recorded_by = actor.pk if getattr(actor, "is_authenticated", False) else None
    total = len(plan.changes) + len(plan.removals)
    done = 0

    def tick(step: int) -> None:
        nonlocal done
        done += step
        if progress:
            progress("apply", done, total)

    def event(person_id: int, kind: str, basis: str, on: datetime.date) -> dict[str, Any]:
        return {
            "person_id": person_id,
            "list_kind": plan.list_kind,
            "kind": kind,
            "basis": basis,
            "on": on,
            "note": note,
            "recorded_by_id": recorded_by,
            "recorded_at": now,
        }

    with transaction.atomic():
        # New people.
        creating = [c for c in plan.changes if c.person is None]
        person_ids: dict[int, int] = {}  # row → person id
        for chunk in _chunks(creating, 20 * CHUNK):
            ids = _insert_rows(
                Person,
                [
                    {
                        "municipality_id": plan.municipality.pk,
                        "created_at": now,
                        "updated_at": now,
                        **c.values,
                    }
                    for c in chunk
                ],
            )
            person_ids.update(zip((c.row for c in chunk), ids, strict=True))
            tick(len(chunk))
        # Changed people, grouped by the fields they change so each UPDATE names few columns.
        groups: dict[tuple[str, ...], list[Person]] = defaultdict(list)
        for change in plan.changes:
            person = change.person
            if person is None:
                continue
            person_ids[change.row] = person.pk
            if change.person_fields:
                for key in change.person_fields:
                    setattr(person, key, change.values[key])
                person.updated_at = now
                groups[(*change.person_fields, "updated_at")].append(person)
        for fields, persons in groups.items():
            for chunk in _chunks(persons, 10 * CHUNK):
                _update_rows(Person, chunk, fields)
                tick(len(chunk))
        # List entries and the consent history.
        new_entries: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        entry_groups: dict[tuple[str, ...], list[ListEntry]] = defaultdict(list)
        for change in plan.changes:
            person_id = person_ids[change.row]
            values = change.entry_values
            if change.entry is None:
                new_entries.append(
                    {
                        "person_id": person_id,
                        "list_kind": plan.list_kind,
                        "joined_on": today,
                        "source": source,
                        **values,
                    }
                )
                on = values["consent_on"] or values["removal_requested_on"] or today
                events.append(event(person_id, ConsentEventKind.ADDED, values["basis"], on))
                continue
            if not change.entry_fields:
                continue
            kind = _consent_event_kind(change.entry, values)
            for key in change.entry_fields:
                setattr(change.entry, key, values[key])
            entry_groups[tuple(change.entry_fields)].append(change.entry)
            if kind is not None:
                on = values["removal_requested_on"] or values["consent_on"] or today
                events.append(event(person_id, kind, values["basis"], on))
        for fields, group in entry_groups.items():
            _update_rows(ListEntry, group, fields)
        _insert_rows(ListEntry, new_entries)
        # No longer on the list: the entry ends, it is never deleted.
        for chunk in _chunks(plan.removals):
            ListEntry.objects.filter(pk__in=[r.entry_id for r in chunk]).update(left_on=today)
            events.extend(
                event(r.person_id, ConsentEventKind.REMOVED, r.basis, today) for r in chunk
            )
            tick(len(chunk))
        _insert_rows(ConsentEvent, events)
        report = plan.report(applied=True)
        audit.record(
            actor,
            audit.Action.ROSTER_IMPORT,
            municipality=plan.municipality,
            actor_username=actor_username,
            details={
                "list": plan.list_kind,
                "source": source,
                **{k: report[k] for k in ("new", "changed", "removed", "unchanged", "moved")},
            },
        )
    if progress:
        progress("apply", total, total)
    return report


@contextlib.contextmanager
def sqlite_working_memory(mib: int = 128) -> Iterator[None]:
    """A large import touches many more pages than SQLite's default 2 MB page cache holds;
    spilling them to disk mid-transaction doubled the wall time of a 100,000-row import. On
    SQLite, give this connection a larger cache while the import runs; elsewhere do nothing."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (previous,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = -{int(mib) * 1024}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


_gc_lock = threading.Lock()
_gc_pauses = 0
_gc_was_enabled = False


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a large import runs. Reading, matching
    and writing 100,000 rows allocates millions of objects that all stay alive to the end;
    the collector walked them again and again and took about a third of the import's CPU
    time. Reference counting still frees everything that is not a cycle, and the collector
    runs again (and catches up) when the last pause ends. Nested and concurrent pauses
    count: the collector comes back only when none is left."""
    global _gc_pauses, _gc_was_enabled
    with _gc_lock:
        if _gc_pauses == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pauses += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses -= 1
            if _gc_pauses == 0 and _gc_was_enabled:
                gc.enable()


def import_roster(
    actor: Any,
    municipality: Municipality,
    list_kind: str,
    data: bytes,
    *,
    dry_run: bool = False,
    source: str = "",
    progress: Progress | None = None,
    actor_username: str = "",
) -> dict[str, Any]:
    """Parse, match, diff and (unless `dry_run` or a row is invalid) apply, all-or-nothing.
    Raises `RosterInputError` for unusable input; otherwise returns the JSON report."""
    with gc_paused():
        return _import_roster(
            actor,
            municipality,
            list_kind,
            data,
            dry_run=dry_run,
            source=source,
            progress=progress,
            actor_username=actor_username,
        )


def _import_roster(
    actor: Any,
    municipality: Municipality,
    list_kind: str,
    data: bytes,
    *,
    dry_run: bool,
    source: str,
    progress: Progress | None,
    actor_username: str,
) -> dict[str, Any]:
    parsed = parse_roster(data, progress)
    with sqlite_working_memory(), transaction.atomic():
        plan = plan_roster(municipality, list_kind, parsed, progress)
        if dry_run or plan.errors:
            report = plan.report(applied=False)
            audit.record(
                actor,
                audit.Action.ROSTER_PREVIEW,
                municipality=municipality,
                actor_username=actor_username,
                details={
                    "list": list_kind,
                    "source": source,
                    "errors": len(plan.errors),
                    **{k: report[k] for k in ("new", "changed", "removed", "unchanged")},
                },
            )
            return report
        return apply_plan(
            actor, plan, source=source, progress=progress, actor_username=actor_username
        )
