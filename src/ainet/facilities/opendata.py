"""Reading and writing the Digital Agency's standard municipal open data
(自治体標準オープンデータセット) for facilities: 指定緊急避難場所一覧, 介護サービス事業所一覧,
子育て施設一覧, AED設置箇所一覧.

Real files differ from the standard in many small ways (see tests/facilities/test_real_files.py):
CP932 or UTF-8 with or without BOM, header variants (the older 推奨データセット layout, the GSI
shelter list, city layouts), unnamed columns, half-width kana, full-width digits, thousands
separators, empty IDs, rows without coordinates. This module reads a file into checked rows
without touching the database; `services.import_facilities` applies them all-or-nothing.
Nothing here imports Django models, so it is cheap to test.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from ainet.core.csvio import Problem, decode, norm_header, norm_text
from ainet.core.dates import parse_date

FormatKind = Literal["evacuation", "care", "childcare", "aed"]
FORMAT_KINDS: tuple[FormatKind, ...] = ("evacuation", "care", "childcare", "aed")
MAX_ROWS = 50_000

# Headers as the current standard writes them (these are also the export columns).
EVACUATION_HEADER = [
    "全国地方公共団体コード",
    "ID",
    "名称",
    "名称_カナ",
    "名称_英字",
    "所在地_全国地方公共団体コード",
    "町字ID",
    "所在地_連結表記",
    "所在地_都道府県",
    "所在地_市区町村",
    "所在地_町字",
    "所在地_番地以下",
    "建物名等(方書)",
    "緯度",
    "経度",
    "標高",
    "電話番号",
    "内線番号",
    "連絡先メールアドレス",
    "連絡先FormURL",
    "連絡先備考（その他、SNSなど）",
    "郵便番号",
    "市区町村コード",
    "地方公共団体名",
    "災害種別_洪水",
    "災害種別_崖崩れ、土石流及び地滑り",
    "災害種別_高潮",
    "災害種別_地震",
    "災害種別_津波",
    "災害種別_大規模な火事",
    "災害種別_内水氾濫",
    "災害種別_火山現象",
    "指定避難所との重複",
    "想定収容人数",
    "対象となる町会・自治会",
    "URL",
    "画像",
    "画像_ライセンス",
    "備考",
]
AED_HEADER = [
    "全国地方公共団体コード",
    "ID",
    "地方公共団体名",
    "名称",
    "名称_カナ",
    "名称_英字",
    "所在地_全国地方公共団体コード",
    "町字ID",
    "所在地_連結表記",
    "所在地_都道府県",
    "所在地_市区町村",
    "所在地_町字",
    "所在地_番地以下",
    "建物名等(方書)",
    "緯度",
    "経度",
    "高度の種別",
    "高度の値",
    "設置位置",
    "電話番号",
    "内線番号",
    "連絡先メールアドレス",
    "連絡先FormURL",
    "連絡先備考（その他、SNSなど）",
    "郵便番号",
    "法人番号",
    "団体名",
    "利用可能曜日",
    "開始時間",
    "終了時間",
    "利用可能日時特記事項",
    "小児対応設備の有無",
    "URL",
    "画像1",
    "画像1_ライセンス",
    "画像2",
    "画像2_ライセンス",
    "外部利用不可",
    "備考",
]
CARE_HEADER = [
    "全国地方公共団体コード",
    "ID",
    "地方公共団体名",
    "介護サービス事業所名称",
    "介護サービス事業所名称_カナ",
    "介護サービス事業所名称_英字",
    "実施サービス",
    "所在地_全国地方公共団体コード",
    "町字ID",
    "所在地_連結表記",
    "所在地_都道府県",
    "所在地_市区町村",
    "所在地_町字",
    "所在地_番地以下",
    "建物名等(方書)",
    "緯度",
    "経度",
    "高度の種別",
    "高度の値",
    "電話番号",
    "内線番号",
    "FAX番号",
    "連絡先メールアドレス",
    "連絡先FormURL",
    "連絡先備考（その他、SNSなど）",
    "郵便番号",
    "法人番号",
    "法人の名称",
    "事業所番号",
    "利用可能曜日",
    "利用可能曜日特記事項",
    "定員",
    "URL",
    "画像",
    "画像_ライセンス",
    "備考",
]
CHILDCARE_HEADER = [
    "全国地方公共団体コード",
    "ID",
    "地方公共団体名",
    "名称",
    "名称_カナ",
    "名称_英字",
    "種別",
    "所在地_全国地方公共団体コード",
    "町字ID",
    "所在地_連結表記",
    "所在地_都道府県",
    "所在地_市区町村",
    "所在地_町字",
    "所在地_番地以下",
    "建物名等(方書)",
    "緯度",
    "経度",
    "高度の種別",
    "高度の値",
    "アクセス方法",
    "駐車場情報",
    "電話番号",
    "内線番号",
    "FAX番号",
    "連絡先メールアドレス",
    "連絡先FormURL",
    "連絡先備考（その他、SNSなど）",
    "郵便番号",
    "法人番号",
    "団体名",
    "認可等年月日",
    "収容定員",
    "受入年齢",
    "利用可能曜日",
    "開始時間",
    "終了時間",
    "利用可能日時特記事項",
    "一時預かりの有無",
    "子供預かり料金種別",
    "子供預かり料金",
    "子供預かり料金備考",
    "子供預かり開所時間",
    "子供預かり閉所時間",
    "病児保育の有無",
    "授乳室",
    "おむつ替えコーナー",
    "飲食可否",
    "ベビーカー貸出",
    "ベビーカー利用",
    "URL",
    "画像",
    "画像_ライセンス",
    "備考",
]
HEADERS: dict[FormatKind, list[str]] = {
    "evacuation": EVACUATION_HEADER,
    "care": CARE_HEADER,
    "childcare": CHILDCARE_HEADER,
    "aed": AED_HEADER,
}

# The eight 災害種別 columns, in order, with the EvacuationSite field each fills.
DISASTER_COLUMNS: tuple[tuple[str, str], ...] = (
    ("災害種別_洪水", "flood"),
    ("災害種別_崖崩れ、土石流及び地滑り", "landslide"),
    ("災害種別_高潮", "storm_surge"),
    ("災害種別_地震", "earthquake"),
    ("災害種別_津波", "tsunami"),
    ("災害種別_大規模な火事", "large_fire"),
    ("災害種別_内水氾濫", "inland_flood"),
    ("災害種別_火山現象", "volcano"),
)

# Field → the header names that carry it, first match wins. The first name is the standard's.
COMMON_ALIASES: dict[str, tuple[str, ...]] = {
    "code": ("全国地方公共団体コード", "都道府県コード又は市区町村コード"),
    "source_id": ("ID", "共通ID", "NO"),
    "name": ("名称", "介護サービス事業所名称", "施設・場所名", "避難所名称"),
    "name_kana": ("名称_カナ", "介護サービス事業所名称_カナ"),
    "name_en": ("名称_英字", "介護サービス事業所名称_英字"),
    "address": ("所在地_連結表記", "住所", "所在地"),
    "prefecture": ("所在地_都道府県", "都道府県名"),
    "city": ("所在地_市区町村", "市区町村名"),
    "town": ("所在地_町字",),
    "block": ("所在地_番地以下",),
    "building": ("建物名等(方書)", "方書"),
    "lat": ("緯度",),
    "lng": ("経度",),
    "phone": ("電話番号", "電話1"),
    "url": ("URL",),
    "note": ("備考",),
}
FORMAT_ALIASES: dict[FormatKind, dict[str, tuple[str, ...]]] = {
    "evacuation": {
        "capacity": ("想定収容人数", "収容可能人員（屋内）"),
        "target_associations": ("対象となる町会・自治会", "避難所運営協力自主防災組織"),
        "is_designated_shelter": ("指定避難所との重複",),
        "accepts": ("受入対象者",),
        **{f: (column,) for column, f in DISASTER_COLUMNS},
    },
    "care": {"subtype": ("実施サービス",), "capacity": ("定員",)},
    "childcare": {
        "subtype": ("種別",),
        "capacity": ("収容定員",),
        "opened_on": ("認可等年月日",),
    },
    "aed": {"placement": ("設置位置",)},
}
REQUIRED: dict[FormatKind, tuple[str, ...]] = {
    "evacuation": ("name",),
    "care": ("name",),
    "childcare": ("name", "subtype"),
    "aed": ("name",),
}
# A file of the kind has at least one of these columns (so that, say, a childcare list is not
# taken for AED locations just because both have 名称).
SIGNATURE: dict[FormatKind, tuple[str, ...]] = {
    "evacuation": (
        *(column for column, _field in DISASTER_COLUMNS),
        "想定収容人数",
        "収容可能人員（屋内）",
        "受入対象者",
        "指定避難所との重複",
    ),
    "care": ("実施サービス", "介護サービス事業所名称"),
    "childcare": ("種別",),
    "aed": ("設置位置", "小児対応設備の有無"),
}
# Header names of shelter lists (指定避難所), as opposed to 指定緊急避難場所: every row is also a
# designated shelter.
SHELTER_LIST_MARKERS = ("指定緊急避難場所との住所同一", "避難所名称")

TRUE_WORDS = {"1", "○", "◯", "〇", "有", "あり", "TRUE", "YES", "Y", "はい"}
FALSE_WORDS = {"", "0", "×", "-", "無", "なし", "FALSE", "NO", "N", "いいえ"}
EMPTY_WORDS = {"-", "なし", "無し", "―", "ー"}
# Japan, generously (Okinotorishima to Etorofu, Yonaguni to Minamitorishima).
LAT_RANGE = (20.0, 46.0)
LNG_RANGE = (122.0, 154.0)
SIX_PLACES = Decimal("0.000001")
MAX_LENGTHS = {"name": 200, "name_kana": 300, "name_en": 300, "address": 300, "building": 200}


# Dash-like characters written between address numbers; CP932 cannot tell several of them
# apart, so addresses keep the ASCII hyphen (names keep ー, the long vowel mark).
ADDRESS_DASHES = str.maketrans(
    dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uff0d", "-")
)


def norm_address(value: str) -> str:
    return norm_text(value).translate(ADDRESS_DASHES)


@dataclass
class ParsedRow:
    row: int
    kind: str
    fields: dict[str, Any]
    evacuation: dict[str, Any] | None
    details: dict[str, str]

    @property
    def key(self) -> tuple[str, ...]:
        return match_key(
            self.fields.get("source_id", ""),
            self.fields["name"],
            self.fields.get("address", ""),
            self.details.get("設置位置", ""),
        )


def match_key(source_id: str, name: str, address: str, placement: str) -> tuple[str, ...]:
    """How a row finds the facility it updates: the dataset's ID, or else name, address and
    (for AEDs, several to a building) where it is placed."""
    if source_id:
        return ("id", source_id)
    return ("name", name, address, placement)


@dataclass
class ParseResult:
    format_kind: FormatKind
    encoding: str = ""
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    records: int = 0
    header: list[str] = field(default_factory=list)


def kind_for(format_kind: FormatKind, values: dict[str, str], shelter_list: bool) -> str:
    name = values.get("name", "")
    if format_kind == "aed":
        return "aed"
    if format_kind == "evacuation":
        return (
            "welfare_shelter"
            if values.get("accepts") or "福祉避難所" in name
            else "evacuation_site"
        )
    if format_kind == "care":
        if "ケアプラザ" in name:
            return "care_plaza"
        if "地域包括支援センター" in name:
            return "support_centre"
        return "care_service"
    subtype = values.get("subtype", "")
    if "地域子育て支援拠点" in subtype or "子育て支援拠点" in name:
        return "childcare_hub"
    if "認可" in subtype and "保育所" in subtype and "認可外" not in subtype:
        return "nursery"
    return "childcare"


def _same_municipality(file_code: str, target_code: str) -> bool:
    """The file's 団体コード is the target's, or the designated city the target ward is in
    (Yokohama 14100 for Tsurumi 14101): compared without the check digit."""
    code = norm_text(file_code)[:5]
    target = target_code[:5]
    return code == target or (code[:4] == target[:4] and code[4:5] == "0")


class _Row:
    """Reads one record's cells, collecting problems with their row and column."""

    def __init__(
        self, number: int, cells: Sequence[str], columns: dict[str, tuple[int, str]]
    ) -> None:
        self.number = number
        self.cells = cells
        self.columns = columns
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []

    def raw(self, key: str) -> str:
        if key not in self.columns:
            return ""
        index, _header = self.columns[key]
        return self.cells[index] if index < len(self.cells) else ""

    def header(self, key: str) -> str:
        return self.columns[key][1] if key in self.columns else key

    def error(self, key: str, ja: str, en: str) -> None:
        self.errors.append(Problem(self.number, self.header(key), ja, en))

    def warn(self, key: str, ja: str, en: str) -> None:
        self.warnings.append(Problem(self.number, self.header(key), ja, en))

    def text(self, key: str) -> str:
        value = norm_text(self.raw(key))
        limit = MAX_LENGTHS.get(key)
        if limit and len(value) > limit:
            self.error(
                key,
                f"{limit}文字以内にしてください（{len(value)}文字あります）。",
                f"At most {limit} characters, not {len(value)}.",
            )
        return value

    def integer(self, key: str, *, strict: bool) -> int | None:
        raw = norm_text(self.raw(key))
        value = raw.replace(",", "").replace(" ", "").removesuffix("人")
        if value == "" or value in EMPTY_WORDS:
            return None
        if value.isdigit():
            return int(value)
        if strict:
            self.error(
                key, f"人数は整数で書いてください: {raw!r}", f"Expected a whole number: {raw!r}"
            )
        return None

    def flag(self, key: str) -> bool:
        raw = norm_text(self.raw(key)).upper()
        if raw in TRUE_WORDS:
            return True
        if raw in FALSE_WORDS:
            return False
        self.error(
            key,
            f"「1」か空欄で書いてください: {raw!r}",
            f"Expected 1 or an empty cell: {raw!r}",
        )
        return False

    def coordinate(self, key: str) -> float | None:
        raw = norm_text(self.raw(key)).replace(" ", "")
        if raw == "":
            return None
        try:
            return float(raw)
        except ValueError:
            self.error(key, f"数値ではありません: {raw!r}", f"Not a number: {raw!r}")
            return None

    def point(self) -> tuple[Decimal | None, Decimal | None]:
        lat, lng = self.coordinate("lat"), self.coordinate("lng")
        if self.errors:
            return None, None
        if lat is None and lng is None:
            self.warn(
                "lat",
                "緯度・経度がないため地図には表示されません。",
                "No latitude and longitude: not shown on the map.",
            )
            return None, None
        if lat is None or lng is None:
            self.error(
                "lat" if lat is None else "lng",
                "緯度と経度は両方書くか、両方空欄にしてください。",
                "Give both latitude and longitude, or neither.",
            )
            return None, None

        def inside(a: float, b: float) -> bool:
            return LAT_RANGE[0] <= a <= LAT_RANGE[1] and LNG_RANGE[0] <= b <= LNG_RANGE[1]

        if not inside(lat, lng):
            if inside(lng, lat):
                self.warn(
                    "lat",
                    "緯度と経度が入れ替わっていたため、入れ替えて読み込みました。",
                    "Latitude and longitude were swapped; they were read the right way round.",
                )
                lat, lng = lng, lat
            else:
                self.error(
                    "lat",
                    f"日本国内の位置ではありません（緯度 {lat}, 経度 {lng}）。",
                    f"Not a point in Japan (latitude {lat}, longitude {lng}).",
                )
                return None, None
        try:
            return (
                Decimal(repr(lat)).quantize(SIX_PLACES),
                Decimal(repr(lng)).quantize(SIX_PLACES),
            )
        except InvalidOperation:  # pragma: no cover - floats in range always quantize
            return None, None


def _column_map(
    header: Sequence[str], format_kind: FormatKind
) -> tuple[dict[str, tuple[int, str]], list[int]]:
    """Field → (index, header as written); and the indexes of columns no field claims."""
    names = [norm_header(h) for h in header]
    aliases = {**COMMON_ALIASES, **FORMAT_ALIASES[format_kind]}
    columns: dict[str, tuple[int, str]] = {}
    claimed: set[int] = set()
    for key, candidates in aliases.items():
        for candidate in candidates:
            wanted = norm_header(candidate)
            if wanted in names and names.index(wanted) not in claimed:
                index = names.index(wanted)
                columns[key] = (index, header[index].strip())
                claimed.add(index)
                break
    others = [i for i, name in enumerate(names) if i not in claimed and name]
    return columns, others


def parse(data: bytes, format_kind: FormatKind, municipality_code: str) -> ParseResult:
    """Read and check a whole file. Every problem is reported, not just the first."""
    result = ParseResult(format_kind)

    def fail(ja: str, en: str, row: int = 0, column: str = "") -> ParseResult:
        result.errors.append(Problem(row, column, ja, en))
        return result

    if format_kind not in FORMAT_KINDS:
        return fail(
            f"形式は {', '.join(FORMAT_KINDS)} のどれかです: {format_kind!r}",
            f"The format kind is one of {', '.join(FORMAT_KINDS)}, not {format_kind!r}.",
        )
    try:
        text, result.encoding = decode(data)
    except UnicodeDecodeError:
        return fail(
            "文字コードを読み取れません。UTF-8 か Shift_JIS（CP932）で保存してください。",
            "Cannot read the text encoding: save the file as UTF-8 or Shift_JIS (CP932).",
        )
    if "\x00" in text:
        return fail("CSVファイルではありません。", "This is not a CSV file.")
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        return fail(f"CSVとして読めません: {exc}", f"Cannot read it as CSV: {exc}")
    while records and not any(cell.strip() for cell in records[0]):
        records.pop(0)  # blank lines before the header
    if not records:
        return fail("ファイルが空です。", "The file is empty.")
    header = records[0]
    result.header = [h.strip() for h in header]
    columns, others = _column_map(header, format_kind)
    missing = [key for key in REQUIRED[format_kind] if key not in columns]
    if missing:
        expected = ", ".join(
            {**COMMON_ALIASES, **FORMAT_ALIASES[format_kind]}[key][0] for key in missing
        )
        return fail(
            f"見出し行に必要な列がありません: {expected}（形式 {format_kind} のファイルですか）",
            f"The header row lacks required columns: {expected} (is this a {format_kind} file?)",
            row=1,
        )
    names = {norm_header(h) for h in header}
    if not any(norm_header(column) in names for column in SIGNATURE[format_kind]):
        expected = "、".join(SIGNATURE[format_kind][:4])
        return fail(
            f"{format_kind} の形式のファイルではないようです（{expected} などの列がありません）。",
            f"This does not look like a {format_kind} file (no column such as {expected}).",
            row=1,
        )
    if len(records) - 1 > MAX_ROWS:
        return fail(
            f"行が多すぎます（{MAX_ROWS}行まで）。",
            f"Too many rows (at most {MAX_ROWS}).",
        )
    shelter_list = any(
        norm_header(m) in {norm_header(h) for h in header} for m in SHELTER_LIST_MARKERS
    )
    seen: dict[tuple[str, ...], int] = {}
    for offset, cells in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        result.records += 1
        parsed = _parse_row(
            _Row(offset, cells, columns),
            format_kind,
            municipality_code,
            shelter_list,
            header,
            others,
        )
        if parsed is None:
            continue
        row, problems, warnings = parsed
        result.errors.extend(problems)
        result.warnings.extend(warnings)
        if problems or row is None:
            continue
        if row.key in seen:
            result.errors.append(
                Problem(
                    row.row,
                    "",
                    f"{seen[row.key]}行目と同じ施設です（IDか名称・所在地を区別してください）。",
                    f"The same facility as row {seen[row.key]} (give each its own ID, "
                    "or a different name or address).",
                )
            )
            continue
        seen[row.key] = row.row
        result.rows.append(row)
    if result.records == 0 and not result.errors:
        result.errors.append(Problem(0, "", "データ行がありません。", "The file has no data rows."))
    return result


def _parse_row(
    cells: _Row,
    format_kind: FormatKind,
    municipality_code: str,
    shelter_list: bool,
    header: Sequence[str],
    others: Iterable[int],
) -> tuple[ParsedRow | None, list[Problem], list[Problem]] | None:
    code = cells.raw("code").strip()
    if code and not _same_municipality(code, municipality_code):
        cells.error(
            "code",
            f"別の自治体（{code}）のデータです。読み込み先は {municipality_code} です。",
            f"The row belongs to another municipality ({code}); the import is for "
            f"{municipality_code}.",
        )
    name = cells.text("name")
    if not name:
        cells.error("name", "名称がありません。", "The name is empty.")
    address = norm_address(cells.text("address"))
    if not address:
        address = norm_address(
            "".join(cells.text(k) for k in ("prefecture", "city", "town", "block"))
        )
    lat, lng = cells.point()
    url = norm_text(cells.raw("url"))
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            cells.error("url", f"URLとして読めません: {url!r}", f"Not a web address: {url!r}")
    phone = cells.text("phone")
    if phone in EMPTY_WORDS:
        phone = ""
    values = {"name": name, "subtype": cells.text("subtype"), "accepts": cells.text("accepts")}
    fields: dict[str, Any] = {
        "name": name,
        "name_kana": cells.text("name_kana"),
        "name_en": cells.text("name_en"),
        "address": address,
        "building": cells.text("building"),
        "lat": lat,
        "lng": lng,
        "phone": phone,
        "url": url,
        "note": cells.raw("note").strip(),
        "source_id": norm_text(cells.raw("source_id")),
        "subtype": values["subtype"],
        "capacity": cells.integer("capacity", strict=format_kind == "evacuation"),
        "opened_on": None,
    }
    if format_kind == "childcare" and not fields["subtype"]:
        cells.error("subtype", "種別がありません。", "The type (種別) is empty.")
    opened = norm_text(cells.raw("opened_on"))
    if opened:
        try:
            fields["opened_on"] = parse_date(opened)
        except ValueError as exc:
            ja, _sep, en = str(exc).partition(" / ")
            cells.error("opened_on", ja, en or ja)
    evacuation: dict[str, Any] | None = None
    if format_kind == "evacuation":
        evacuation = {f: cells.flag(f) for _column, f in DISASTER_COLUMNS}
        evacuation["is_designated_shelter"] = shelter_list or cells.flag("is_designated_shelter")
        evacuation["target_associations"] = cells.text("target_associations").rstrip("、,")
    details = {}
    for index in others:
        value = cells.cells[index].strip() if index < len(cells.cells) else ""
        if value:
            details[header[index].strip()] = value
    for key in ("placement", "accepts"):
        if key in cells.columns and cells.raw(key).strip():
            details[cells.header(key)] = cells.raw(key).strip()
    if format_kind == "care" and fields["capacity"] is None and cells.raw("capacity").strip():
        details[cells.header("capacity")] = cells.raw("capacity").strip()  # e.g. "40/12"
    if cells.errors:
        return None, cells.errors, cells.warnings
    kind = kind_for(format_kind, values, shelter_list)
    return ParsedRow(cells.number, kind, fields, evacuation, details), [], cells.warnings


# --- writing ------------------------------------------------------------------------


def _flag(value: bool) -> str:
    return "1" if value else ""


def export_row(format_kind: FormatKind, facility: Any, municipality: Any) -> list[str]:
    """One facility as a row of the standard header for `format_kind`."""
    details: dict[str, str] = facility.details or {}
    values: dict[str, Any] = {
        "全国地方公共団体コード": municipality.code,
        "ID": facility.source_id,
        "地方公共団体名": municipality.name,
        "所在地_全国地方公共団体コード": municipality.code,
        "所在地_連結表記": facility.address,
        "建物名等(方書)": facility.building,
        "緯度": "" if facility.lat is None else str(facility.lat),
        "経度": "" if facility.lng is None else str(facility.lng),
        "電話番号": facility.phone,
        "URL": facility.url,
        "備考": facility.note,
        "市区町村コード": municipality.code,
    }
    name_columns = (
        ("介護サービス事業所名称", "介護サービス事業所名称_カナ", "介護サービス事業所名称_英字")
        if format_kind == "care"
        else ("名称", "名称_カナ", "名称_英字")
    )
    values.update(
        zip(name_columns, (facility.name, facility.name_kana, facility.name_en), strict=True)
    )
    if format_kind == "evacuation":
        site = getattr(facility, "evacuation", None)
        for column, attr in DISASTER_COLUMNS:
            values[column] = _flag(bool(site and getattr(site, attr)))
        values["指定避難所との重複"] = _flag(bool(site and site.is_designated_shelter))
        values["対象となる町会・自治会"] = site.target_associations if site else ""
        values["想定収容人数"] = "" if facility.capacity is None else facility.capacity
    elif format_kind == "care":
        values["実施サービス"] = facility.subtype
        values["定員"] = details.get("定員", "" if facility.capacity is None else facility.capacity)
    elif format_kind == "childcare":
        values["種別"] = facility.subtype
        values["収容定員"] = "" if facility.capacity is None else facility.capacity
        values["認可等年月日"] = facility.opened_on.isoformat() if facility.opened_on else ""
    return [
        str(values[column])
        if column in values and values[column] is not None
        else details.get(column, "")
        for column in HEADERS[format_kind]
    ]


# Which facility kinds each standard dataset holds.
EXPORT_KINDS: dict[FormatKind, tuple[str, ...]] = {
    "evacuation": ("evacuation_site", "welfare_shelter"),
    "care": ("care_plaza", "support_centre", "care_service"),
    "childcare": ("nursery", "childcare", "childcare_hub"),
    "aed": ("aed",),
}
