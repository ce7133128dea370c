"""Importing the standard CSVs: encodings, per-row errors with row and column in Japanese and
English, all-or-nothing, updates instead of duplicates, and the `ainet facilities` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ainet.core.models import AuditEvent, Municipality
from ainet.facilities import opendata, services
from ainet.facilities.models import Facility
from tests.conftest import World

AED = ",".join(opendata.AED_HEADER)


def aed_csv(*rows: dict[str, str]) -> str:
    lines = [AED]
    for values in rows:
        lines.append(",".join(values.get(column, "") for column in opendata.AED_HEADER))
    return "\r\n".join(lines) + "\r\n"


def aed(name: str, lat: str = "35.5085", lng: str = "139.6826", **more: str) -> dict[str, str]:
    return {"全国地方公共団体コード": "141011", "名称": name, "緯度": lat, "経度": lng, **more}


def run(
    world: World, text: str | bytes, kind: opendata.FormatKind = "aed", **kw: object
) -> services.ImportReport:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return services.import_facilities(world.users["ward_admin"], world.ward, data, kind, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_utf8_with_or_without_bom_and_cp932_import(world: World, encoding: str) -> None:
    text = aed_csv(aed("鶴見区役所（テスト）", **{"名称_カナ": "ﾂﾙﾐｸﾔｸｼｮ", "設置位置": "１階"}))
    report = run(world, text.encode(encoding))
    assert report.ok and report.created == 1
    facility = Facility.objects.get(municipality=world.ward, dataset="aed")
    assert facility.name_kana == "ツルミクヤクショ"
    assert facility.details["設置位置"] == "１階"
    assert facility.district is not None  # the nearest town block's district


def test_every_bad_row_is_reported_and_nothing_is_written(world: World) -> None:
    text = aed_csv(
        aed("よい行"),
        aed("", lat="35.5"),
        aed("海の上", lat="10.0", lng="10.0"),
        aed("文字", lat="北緯35度"),
        aed("片方", lng=""),
        aed("他市", **{"全国地方公共団体コード": "122033"}),
        aed("URL", **{"URL": "ftp://example.org/x"}),
    )
    report = run(world, text)
    assert not report.ok
    assert [(p.row, p.column) for p in report.errors] == [
        (3, "名称"),
        (4, "緯度"),
        (5, "緯度"),
        (6, "経度"),
        (7, "全国地方公共団体コード"),
        (8, "URL"),
    ]
    assert all(p.message_ja and p.message_en for p in report.errors)
    assert "Not a point in Japan" in report.errors[1].message_en
    assert Facility.objects.filter(municipality=world.ward, dataset="aed").count() == 0
    assert not AuditEvent.objects.filter(details__facilities_import="aed").exists()


def test_blank_rows_are_skipped_and_swapped_coordinates_are_put_right(world: World) -> None:
    text = aed_csv(aed("一"), {}, aed("二", lat="139.6826", lng="35.5085"))
    report = run(world, text)
    assert report.ok and report.records == 2
    assert any("swapped" in w.message_en and w.row == 4 for w in report.warnings)
    second = Facility.objects.get(municipality=world.ward, name="二")
    assert float(second.lat) == pytest.approx(35.5085)


def test_a_second_import_updates_rather_than_duplicates(world: World) -> None:
    run(world, aed_csv(aed("公園", ID="A1", 電話番号="045-000-0000")))
    report = run(world, aed_csv(aed("公園（改称）", ID="A1", 電話番号="045-111-1111")))
    assert (report.created, report.updated) == (0, 1)
    facility = Facility.objects.get(municipality=world.ward, dataset="aed")
    assert (facility.name, facility.phone) == ("公園(改称)", "045-111-1111")  # NFKC


def test_the_same_facility_twice_in_a_file_is_an_error(world: World) -> None:
    report = run(world, aed_csv(aed("公園", ID="A1"), aed("別の公園", ID="A1")))
    assert [(p.row, "row 2" in p.message_en) for p in report.errors] == [(3, True)]


def test_dry_run_checks_without_writing(world: World) -> None:
    report = run(world, aed_csv(aed("公園")), dry_run=True)
    assert report.ok and report.created == 1
    assert not Facility.objects.filter(municipality=world.ward, dataset="aed").exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty"),
        ("名前,住所\r\nA,B\r\n".encode(), "lacks required columns: 名称"),
        (b"\x00\x01\x02PK", "not a CSV"),
        (b"\xff\xfe\xfa\xfb\x80\x81", "encoding"),
        (AED.encode() + b"\r\n\r\n", "no data rows"),
    ],
)
def test_a_file_that_is_not_a_standard_csv_is_refused(
    world: World, data: bytes, message: str
) -> None:
    report = run(world, data)
    assert not report.ok
    assert message in report.errors[0].message_en


def test_childcare_needs_a_type_and_a_readable_date(world: World) -> None:
    header = opendata.CHILDCARE_HEADER
    good = dict.fromkeys(header, "")
    good.update({"名称": "保育園", "種別": "認可私立保育所", "認可等年月日": "平成22年4月1日"})
    bad = {**good, "名称": "保育園2", "種別": "", "認可等年月日": "2015/2/30"}
    text = "\r\n".join(
        ",".join(r[c] for c in header) for r in [dict(zip(header, header, strict=True)), good, bad]
    )
    report = run(world, text, "childcare")
    assert [(p.row, p.column) for p in report.errors] == [(3, "種別"), (3, "認可等年月日")]


def test_only_ward_administrators_import(world: World) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.import_facilities(world.users["staff_a"], world.ward, b"", "aed")


def test_the_command_imports_and_prints_json(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "aed.csv"
    path.write_bytes(aed_csv(aed("公園")).encode("cp932"))
    call_command(
        "facilities",
        "import",
        str(path),
        "--format-kind",
        "aed",
        "--municipality",
        "141011",
        "--format",
        "json",
    )
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] and out["created"] == 1 and out["encoding"] == "cp932"
    assert AuditEvent.objects.filter(details__facilities_import="aed").exists()


def test_the_command_exits_2_on_errors_and_writes_nothing(world: World, tmp_path: Path) -> None:
    path = tmp_path / "aed.csv"
    path.write_text(aed_csv(aed("公園", lat="x")), encoding="utf-8")
    with pytest.raises(CommandError) as raised:
        call_command(
            "facilities", "import", str(path), "--format-kind", "aed", "--municipality", "141011"
        )
    assert raised.value.returncode == 2
    assert "nothing was imported" in str(raised.value)
    assert not Facility.objects.filter(dataset="aed", municipality=world.ward).exists()


def test_the_command_refuses_an_unknown_municipality(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="not registered"):
        call_command(
            "facilities",
            "import",
            str(tmp_path / "x.csv"),
            "--format-kind",
            "aed",
            "--municipality",
            "999999",
        )


def test_the_command_exports_cp932(world: World, tmp_path: Path) -> None:
    run(world, aed_csv(aed("公園")))
    out = tmp_path / "out.csv"
    call_command(
        "facilities",
        "export",
        "--format-kind",
        "aed",
        "--municipality",
        "141011",
        "--encoding",
        "cp932",
        "--output",
        str(out),
    )
    text = out.read_bytes().decode("cp932")
    assert text.startswith("全国地方公共団体コード,ID,")
    assert "公園" in text


def test_a_designated_city_file_imports_into_its_ward(db: None) -> None:
    ward = Municipality.objects.create(code="141011", name="鶴見区")
    text = aed_csv(aed("市の施設", **{"全国地方公共団体コード": "141003"}))
    report = services.import_facilities(None, ward, text.encode(), "aed", command_line=True)
    assert report.ok
