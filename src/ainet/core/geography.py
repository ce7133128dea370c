"""A ward's own reference data: its districts (地区), town blocks (町丁目) and the organisations
that serve them, imported from and exported to CSV, so that a real ward can be set up
without the demo builder (`ainet ward`, and the ward administrator's page
`/staff/districts/data/`).

Three kinds, each a CSV with a Japanese header (the English names below are accepted too):

- districts: 地区コード, 地区名, 地区名よみ, 地区名英語, 表示順 — matched by 地区コード.
- towns: 町丁目, 小字, 緯度, 経度, 地区コード — matched by 町丁目 and 小字; the point is
  the block's representative point (WGS84).
- organisations: 種別, 名称, 名称よみ, 名称英語, 対象地区, 住所, 電話番号, 開設日, 廃止日 —
  matched by 種別 and 名称; 対象地区 lists district codes (empty: the whole ward).

An import reads UTF-8 (with or without BOM) or CP932, checks every row first and writes
nothing when any row has an error; rows matching a record update it, others create one.
Nothing is deleted: records missing from the file are left as they are (a warning counts
them), and so are the fields of optional columns the file does not have. A town block that
people, volunteers or reports refer to keeps its district, because their districts were
copied from it: moving it is refused for that row.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import ForeignObjectRel, Model
from django.utils import translation

from ainet.core import access, audit, csvio
from ainet.core.csvio import Problem, decode, norm_header, norm_text
from ainet.core.dates import parse_date
from ainet.core.models import District, Municipality, Organisation, OrganisationKind, Town

Kind = Literal["districts", "towns", "organisations"]
KINDS: tuple[Kind, ...] = ("districts", "towns", "organisations")

# Per kind: (Japanese header, English alias, required) in file order.
COLUMNS: dict[Kind, tuple[tuple[str, str, bool], ...]] = {
    "districts": (
        ("地区コード", "code", True),
        ("地区名", "name", True),
        ("地区名よみ", "name_kana", False),
        ("地区名英語", "name_en", False),
        ("表示順", "order", False),
    ),
    "towns": (
        ("町丁目", "town", True),
        ("小字", "koaza", False),
        ("緯度", "lat", True),
        ("経度", "lng", True),
        ("地区コード", "district", False),
    ),
    "organisations": (
        ("種別", "kind", True),
        ("名称", "name", True),
        ("名称よみ", "name_kana", False),
        ("名称英語", "name_en", False),
        ("対象地区", "districts", False),
        ("住所", "address", False),
        ("電話番号", "phone", False),
        ("開設日", "opened_on", False),
        ("廃止日", "closed_on", False),
    ),
}
HEADERS: dict[Kind, list[str]] = {k: [c[0] for c in cols] for k, cols in COLUMNS.items()}

MAX_ROWS = 20_000
CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}")
# Japan's extent, generously: a point outside it is a typo (swapped or truncated digits).
LAT_RANGE = (Decimal(20), Decimal(46))
LNG_RANGE = (Decimal(122), Decimal(154))
DISTRICT_SEPARATORS = re.compile(r"[\s;,、・/]+")


class Report(csvio.ImportReport):
    """An import's outcome; `kind` is one of KINDS."""


class _Row:
    """One data row: its cells by English column name, and where its problems go."""

    def __init__(self, number: int, cells: dict[str, str], kind: Kind, report: Report) -> None:
        self.number = number
        self.cells = cells
        self.headers = {en: ja for ja, en, _ in COLUMNS[kind]}
        self.report = report
        self.failed = False

    def error(self, column: str, ja: str, en: str) -> None:
        self.failed = True
        self.report.errors.append(Problem(self.number, self.headers.get(column, ""), ja, en))

    def text(self, column: str, limit: int, *, required: bool = False) -> str:
        value = norm_text(self.cells.get(column, ""))
        if required and not value:
            self.error(column, "空欄にできません。", "Must not be empty.")
        elif len(value) > limit:
            self.error(
                column,
                f"{limit}文字以内にしてください（{len(value)}文字）。",
                f"At most {limit} characters ({len(value)}).",
            )
        return value

    def decimal(self, column: str, bounds: tuple[Decimal, Decimal]) -> Decimal | None:
        value = self.text(column, 30, required=True)
        if not value:
            return None
        try:
            number = Decimal(value)
        except InvalidOperation:
            self.error(column, f"数値ではありません: {value}", f"Not a number: {value}")
            return None
        if not number.is_finite() or not bounds[0] <= number <= bounds[1]:
            self.error(
                column,
                f"{bounds[0]}〜{bounds[1]}の範囲にありません（日本国内の世界測地系の値）: {value}",
                f"Not between {bounds[0]} and {bounds[1]} (WGS84, within Japan): {value}",
            )
            return None
        return number.quantize(Decimal("0.000001"))

    def date(self, column: str) -> Any:
        value = self.text(column, 30)
        if not value:
            return None
        try:
            return parse_date(value)
        except ValueError as exc:
            ja, _, en = str(exc).partition(" / ")
            self.error(column, ja, en or ja)
            return None


def _read(data: bytes, kind: Kind, report: Report) -> list[_Row]:
    """The file's rows with their cells by English column name; file-level problems go to
    the report as row 0 (and then there are no rows)."""

    def fail(ja: str, en: str) -> list[_Row]:
        report.errors.append(Problem(0, "", ja, en))
        return []

    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        return fail(
            "Excel のファイルです。CSV 形式で保存し直してください。",
            "This is an Excel workbook; save it as CSV first.",
        )
    try:
        text, report.encoding = decode(data)
    except UnicodeDecodeError:
        return fail(
            "文字コードを読めません（UTF-8 または Shift_JIS で保存してください）。",
            "Cannot read the encoding (save it as UTF-8 or Shift_JIS).",
        )
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        return fail(f"CSVとして読めません: {exc}", f"Not readable as CSV: {exc}")
    if not records or not any(cell.strip() for cell in records[0]):
        return fail("見出しの行がありません。", "The header row is missing.")
    names = {norm_header(ja): en for ja, en, _ in COLUMNS[kind]}
    names |= {en: en for _, en, _ in COLUMNS[kind]}
    positions: dict[str, int] = {}
    for index, raw in enumerate(records[0]):
        header = norm_header(raw)
        if not header:
            continue
        column = names.get(header) or names.get(header.lower())
        if column is None:
            report.warnings.append(
                Problem(1, header, "この列は使いません。", "This column is not used.")
            )
        elif column in positions:
            report.errors.append(
                Problem(1, header, "同じ列が二つあります。", "The column appears twice.")
            )
        else:
            positions[column] = index
    for ja, en, required in COLUMNS[kind]:
        if required and en not in positions:
            report.errors.append(
                Problem(1, ja, "必須の列がありません。", "A required column is missing.")
            )
    if report.errors:
        return []
    body = [(n, r) for n, r in enumerate(records[1:], start=2) if any(c.strip() for c in r)]
    if len(body) > MAX_ROWS:
        return fail(
            f"行が多すぎます（{len(body)}行、上限{MAX_ROWS}行）。",
            f"Too many rows ({len(body)}; at most {MAX_ROWS}).",
        )
    report.records = len(body)
    return [
        _Row(
            number,
            {c: record[i] if i < len(record) else "" for c, i in positions.items()},
            kind,
            report,
        )
        for number, record in body
    ]


# --- what each kind does with a checked row ------------------------------------------------


@dataclass
class _Planned:
    """A record to write: the existing one (updated) or a new one, and its many-to-many
    districts for an organisation."""

    instance: Model
    created: bool
    changed: bool
    districts: list[District] | None = None


def _set(instance: Model, row: _Row, values: dict[str, tuple[str, Any]]) -> bool:
    """Set the fields of the columns the file has (column → (field, value)); a column the
    file lacks leaves its field as it was, so a file of a few columns blanks nothing."""
    changed = False
    for column, (name, value) in values.items():
        if column not in row.cells:
            continue
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    return changed


def _plan_districts(municipality: Municipality, rows: list[_Row], report: Report) -> list[_Planned]:
    existing = {d.code: d for d in District.objects.filter(municipality=municipality)}
    by_name = {d.name: d.code for d in existing.values()}
    seen_codes: dict[str, int] = {}
    seen_names: dict[str, int] = {}
    planned = []
    next_order = max((d.sort_order for d in existing.values()), default=0)
    for row in rows:
        code = row.text("code", 40, required=True)
        if code and not CODE.fullmatch(code):
            row.error(
                "code",
                f"英数字・ハイフン・下線のみで、先頭は英数字にしてください: {code}",
                "Letters, digits, hyphens and underscores only, starting with a letter or "
                f"digit: {code}",
            )
        name = row.text("name", 100, required=True)
        kana = row.text("name_kana", 200)
        english = row.text("name_en", 200)
        order_text = row.text("order", 6)
        order: int | None = None
        if order_text:
            if order_text.isdigit() and int(order_text) <= 32767:
                order = int(order_text)
            else:
                row.error(
                    "order",
                    f"0〜32767の整数にしてください: {order_text}",
                    f"Must be a whole number from 0 to 32767: {order_text}",
                )
        if code in seen_codes:
            row.error(
                "code",
                f"{seen_codes[code]}行目と同じ地区コードです。",
                f"The same district code as row {seen_codes[code]}.",
            )
        if name in seen_names:
            row.error(
                "name",
                f"{seen_names[name]}行目と同じ地区名です。",
                f"The same district name as row {seen_names[name]}.",
            )
        holder = by_name.get(name)
        if name and holder is not None and holder != code:
            row.error(
                "name",
                f"この地区名は地区コード {holder} の地区が使っています。",
                f"District {holder} already has this name.",
            )
        seen_codes.setdefault(code, row.number)
        seen_names.setdefault(name, row.number)
        if row.failed:
            continue
        district = existing.get(code)
        created = district is None
        if district is None:
            next_order += 1
            district = District(municipality=municipality, code=code, sort_order=next_order)
        values: dict[str, tuple[str, Any]] = {
            "name": ("name", name),
            "name_kana": ("name_kana", kana),
        }
        values["name_en"] = ("name_en", english)
        if order is not None:
            values["order"] = ("sort_order", order)
        changed = _set(district, row, values)
        planned.append(_Planned(district, created, changed))
    missing = len(set(existing) - set(seen_codes))
    if missing:
        report.warnings.append(
            Problem(
                0,
                "",
                f"ファイルにない地区 {missing}件はそのままです（削除はしません）。",
                f"{missing} district(s) not in the file are left as they are (nothing is deleted).",
            )
        )
    return planned


def _district_codes(municipality: Municipality) -> dict[str, District]:
    return {d.code: d for d in District.objects.filter(municipality=municipality)}


def _referenced_towns(towns: Iterable[Town]) -> set[int]:
    """The town blocks some record refers to (people, volunteers, reports, ...)."""
    ids = [t.pk for t in towns]
    used: set[int] = set()
    # Hidden reverse relations too: people and volunteers point here with related_name "+".
    for relation in Town._meta.get_fields(include_hidden=True):
        if not isinstance(relation, ForeignObjectRel) or relation.many_to_many:
            continue
        if relation.one_to_one:
            continue
        model: Any = relation.related_model
        used |= set(
            model._base_manager.filter(**{f"{relation.field.name}__in": ids})
            .values_list(relation.field.attname, flat=True)
            .distinct()
        )
    return used


def _plan_towns(municipality: Municipality, rows: list[_Row], report: Report) -> list[_Planned]:
    districts = _district_codes(municipality)
    existing = {(t.name, t.koaza): t for t in Town.objects.filter(municipality=municipality)}
    referenced = _referenced_towns(existing.values())
    seen: dict[tuple[str, str], int] = {}
    planned = []
    for row in rows:
        name = row.text("town", 100, required=True)
        koaza = row.text("koaza", 100)
        lat = row.decimal("lat", LAT_RANGE)
        lng = row.decimal("lng", LNG_RANGE)
        code = row.text("district", 40)
        district = districts.get(code) if code else None
        if code and district is None:
            row.error(
                "district",
                f"地区コード {code} の地区がありません（先に地区を読み込んでください）。",
                f"No district has the code {code} (import the districts first).",
            )
        key = (name, koaza)
        if key in seen:
            row.error(
                "town",
                f"{seen[key]}行目と同じ町丁目・小字です。",
                f"The same town block and koaza as row {seen[key]}.",
            )
        seen.setdefault(key, row.number)
        town = existing.get(key)
        if (
            town is not None
            and not row.failed
            and "district" in row.cells
            and town.district_id != (district.pk if district else None)
            and town.pk in referenced
        ):
            row.error(
                "district",
                "この町丁目には登録済みの人や記録があるため、地区を変えられません。",
                "People or records are registered in this town block: its district cannot change.",
            )
        if row.failed:
            continue
        created = town is None
        if town is None:
            town = Town(municipality=municipality, name=name, koaza=koaza)
        values = {"lat": ("lat", lat), "lng": ("lng", lng), "district": ("district", district)}
        changed = _set(town, row, values)
        planned.append(_Planned(town, created, changed))
    count = sum(1 for p in planned if getattr(p.instance, "district_id", None) is None)
    if not report.errors and count:
        report.warnings.append(
            Problem(
                0,
                "地区コード",
                f"地区のない町丁目が{count}件あります"
                "（その町丁目の人は地区の担当者に見えません）。",
                f"{count} town block(s) have no district "
                "(their people are seen by no district's staff).",
            )
        )
    return planned


def _organisation_kinds() -> dict[str, str]:
    """What a 種別 cell may say → the kind: its code, or its label in Japanese or English."""
    kinds: dict[str, str] = {}
    for value, label in OrganisationKind.choices:
        kinds[value] = value
        for language in ("ja", "en"):
            with translation.override(language):
                kinds[norm_text(str(label))] = value
                kinds[norm_text(str(label)).lower()] = value
    return kinds


def _plan_organisations(
    municipality: Municipality, rows: list[_Row], report: Report
) -> list[_Planned]:
    districts = _district_codes(municipality)
    kinds = _organisation_kinds()
    existing = {
        (o.kind, o.name): o
        for o in Organisation.objects.filter(municipality=municipality).prefetch_related(
            "districts"
        )
    }
    seen: dict[tuple[str, str], int] = {}
    planned = []
    for row in rows:
        kind_text = row.text("kind", 100, required=True)
        kind = kinds.get(kind_text) or kinds.get(kind_text.lower())
        if kind_text and kind is None:
            with translation.override("ja"):
                known_ja = "、".join(str(label) for _, label in OrganisationKind.choices)
            with translation.override("en"):
                known_en = ", ".join(str(label) for _, label in OrganisationKind.choices)
            row.error(
                "kind",
                f"種別が分かりません: {kind_text}（{known_ja}）",
                f"Unknown kind: {kind_text} ({known_en})",
            )
        name = row.text("name", 200, required=True)
        kana = row.text("name_kana", 300)
        english = row.text("name_en", 300)
        address = row.text("address", 300)
        phone = row.text("phone", 30)
        opened = row.date("opened_on")
        closed = row.date("closed_on")
        if opened and closed and closed <= opened:
            row.error(
                "closed_on",
                "廃止日は開設日より後にしてください。",
                "Must be after the opening date.",
            )
        served: list[District] = []
        for code in DISTRICT_SEPARATORS.split(row.text("districts", 2000)):
            if not code:
                continue
            if code not in districts:
                row.error(
                    "districts",
                    f"地区コード {code} の地区がありません。",
                    f"No district has the code {code}.",
                )
            elif districts[code] not in served:
                served.append(districts[code])
        key = (kind or "", name)
        if kind and key in seen:
            row.error(
                "name",
                f"{seen[key]}行目と同じ種別・名称です。",
                f"The same kind and name as row {seen[key]}.",
            )
        seen.setdefault(key, row.number)
        if row.failed or kind is None:
            continue
        organisation = existing.get(key)
        created = organisation is None
        if organisation is None:
            organisation = Organisation(municipality=municipality, kind=kind, name=name)
        changed = _set(
            organisation,
            row,
            {
                "name_kana": ("name_kana", kana),
                "name_en": ("name_en", english),
                "address": ("address", address),
                "phone": ("phone", phone),
                "opened_on": ("opened_on", opened),
                "closed_on": ("closed_on", closed),
            },
        )
        if "districts" not in row.cells:
            planned.append(_Planned(organisation, created, changed))
            continue
        before = set() if created else {d.pk for d in organisation.districts.all()}
        changed = changed or before != {d.pk for d in served}
        planned.append(_Planned(organisation, created, changed, served))
    return planned


PLANNERS: dict[Kind, Callable[[Municipality, list[_Row], Report], list[_Planned]]] = {
    "districts": _plan_districts,
    "towns": _plan_towns,
    "organisations": _plan_organisations,
}


def import_csv(
    actor: Any,
    municipality: Municipality,
    data: bytes,
    kind: Kind,
    *,
    dry_run: bool = False,
    filename: str = "",
    command_line: bool = False,
) -> Report:
    """Check the whole file, then create or update its records in one transaction; nothing
    is written when any row has an error, or on a dry run. `command_line`: a run of `ainet
    ward import` by the server's operator (no user account)."""
    if not command_line and municipality.pk not in access.administered_municipality_ids(actor):
        raise PermissionDenied
    report = Report(kind, municipality.code, unchanged=0, dry_run=dry_run)
    rows = _read(data, kind, report)
    if report.errors:
        return report
    with transaction.atomic():
        # One import per ward and kind at a time: a second waits, then sees the first's rows.
        Municipality.objects.select_for_update().filter(pk=municipality.pk).first()
        planned = PLANNERS[kind](municipality, rows, report)
        if report.errors:
            return report
        for item in planned:
            if item.created:
                report.created += 1
            elif item.changed:
                report.updated += 1
            else:
                report.unchanged = (report.unchanged or 0) + 1
        if dry_run:
            return report
        for item in planned:
            if item.created or item.changed:
                item.instance.full_clean()
                item.instance.save()
                if item.districts is not None:
                    item.instance.districts.set(item.districts)  # type: ignore[attr-defined]
        audit.record(
            actor if not command_line else None,
            audit.Action.CREATE,
            municipality=municipality,
            actor_username="" if not command_line else "ainet ward import",
            details={
                "ward_import": kind,
                "file": filename[:200],
                "created": report.created,
                "updated": report.updated,
            },
        )
    return report


def export_rows(municipality: Municipality, kind: Kind) -> list[list[Any]]:
    """The ward's records of one kind in the import's own format (so an export, edited in a
    spreadsheet, imports back)."""
    if kind == "districts":
        return [
            [d.code, d.name, d.name_kana, d.name_en, d.sort_order]
            for d in District.objects.filter(municipality=municipality).order_by(
                "sort_order", "code"
            )
        ]
    if kind == "towns":
        return [
            [t.name, t.koaza, t.lat, t.lng, t.district.code if t.district else ""]
            for t in Town.objects.filter(municipality=municipality)
            .select_related("district")
            .order_by("name", "koaza")
        ]
    with translation.override("ja"):  # as the header: what a Japanese office reads
        labels = {value: str(label) for value, label in OrganisationKind.choices}
    return [
        [
            labels[o.kind],
            o.name,
            o.name_kana,
            o.name_en,
            " ".join(d.code for d in o.districts.all()),
            o.address,
            o.phone,
            o.opened_on.isoformat() if o.opened_on else "",
            o.closed_on.isoformat() if o.closed_on else "",
        ]
        for o in Organisation.objects.filter(municipality=municipality)
        .prefetch_related("districts")
        .order_by("kind", "name")
    ]
