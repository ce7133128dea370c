"""Setting up a real ward (ainet/core/geography.py, `ainet ward`, `/staff/ward/`): the
municipality, its first ward administrator, and its districts, town blocks and organisations
from CSV — all-or-nothing with per-row errors in Japanese and English, exported in the same
format so that an edited export imports back. ALL data is synthetic."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory
from django.urls import reverse

from ainet.care.models import Person
from ainet.core import geography, services
from ainet.core.models import (
    AuditEvent,
    District,
    Municipality,
    Organisation,
    RoleMembership,
    Town,
    User,
)
from ainet.core.roles import Role
from tests.conftest import World

DISTRICTS = (
    "地区コード,地区名,地区名よみ,地区名英語,表示順\n"
    "north,北部,ほくぶ,North,1\nsouth,南部,なんぶ,South,2\n"
)
TOWNS = (
    "町丁目,小字,緯度,経度,地区コード\n"
    "北町一丁目,,35.510001,139.680001,north\n"
    "北町二丁目,,３５．５１２,139.681,north\n"  # full-width digits, as Excel users type them
    "南町,,35.490000,139.690000,south\n"
)
ORGANISATIONS = (
    "種別,名称,名称よみ,名称英語,対象地区,住所,電話番号,開設日,廃止日\n"
    "地域ケアプラザ,北部地域ケアプラザ,ほくぶ,North Care Plaza,north south,北町1-1,045-000-0000,"
    "平成22年4月1日,\n"
    "ward_office,テスト区役所,,,,,,,\n"
)


@pytest.fixture
def ward(db: None) -> Municipality:
    return services.create_municipality("131016", "東京都千代田区", prefecture="東京都")


def run(ward: Municipality, kind: Any, text: str, encoding: str = "utf-8-sig", **kw: Any) -> Any:
    return geography.import_csv(None, ward, text.encode(encoding), kind, command_line=True, **kw)


def set_up(ward: Municipality) -> None:
    for kind, text in (
        ("districts", DISTRICTS),
        ("towns", TOWNS),
        ("organisations", ORGANISATIONS),
    ):
        report = run(ward, kind, text)
        assert report.ok, report.errors


def test_a_new_ward_is_set_up_from_three_files_and_its_exports_import_back_unchanged(
    ward: Municipality,
) -> None:
    report = run(ward, "districts", DISTRICTS, encoding="cp932")
    assert report.ok and report.encoding == "cp932" and report.created == 2
    set_up(ward)  # again: everything matches now
    assert [d.code for d in District.objects.filter(municipality=ward).order_by("sort_order")] == [
        "north",
        "south",
    ]
    north = District.objects.get(municipality=ward, code="north")
    assert (north.name, north.name_kana, north.name_en) == ("北部", "ほくぶ", "North")
    town = Town.objects.get(municipality=ward, name="北町二丁目")
    assert (str(town.lat), town.district) == ("35.512000", north)
    plaza = Organisation.objects.get(municipality=ward, name="北部地域ケアプラザ")
    assert plaza.kind == "care_plaza" and plaza.opened_on.isoformat() == "2010-04-01"
    assert {d.code for d in plaza.districts.all()} == {"north", "south"}
    office = Organisation.objects.get(municipality=ward, name="テスト区役所")
    assert office.kind == "ward_office" and not office.districts.exists()  # ward-wide
    for kind in geography.KINDS:
        exported = "\n".join(
            ",".join(str(cell) for cell in row)
            for row in [geography.HEADERS[kind], *geography.export_rows(ward, kind)]
        )
        again = run(ward, kind, exported)
        assert again.ok and again.created == again.updated == 0, (kind, again.errors)
        assert again.unchanged == again.records > 0


def test_a_file_with_broken_rows_reports_each_and_changes_nothing(ward: Municipality) -> None:
    set_up(ward)
    before = list(District.objects.filter(municipality=ward).values_list("code", "name"))
    report = run(
        ward,
        "districts",
        "地区コード,地区名\nnorth,北部（新）\nbad code,東部\neast,\nsouth,北部（新）\nwest,南部\n",
    )
    assert not report.ok and report.created == report.updated == 0
    problems = {(p.row, p.column) for p in report.errors}
    assert problems == {(3, "地区コード"), (4, "地区名"), (5, "地区名"), (6, "地区名")}
    assert all(p.message_ja and p.message_en for p in report.errors)
    assert list(District.objects.filter(municipality=ward).values_list("code", "name")) == before

    towns = run(
        ward,
        "towns",
        "町丁目,緯度,経度,地区コード\n北町三丁目,135.5,139.6,north\n東町,35.5,139.6,east\n"
        "北町一丁目,x,139.6,north\n北町四丁目,35.5,139.6,north\n北町四丁目,35.5,139.6,north\n",
    )
    assert {(p.row, p.column) for p in towns.errors} == {
        (2, "緯度"),
        (3, "地区コード"),
        (4, "緯度"),
        (6, "町丁目"),
    }
    assert not Town.objects.filter(
        municipality=ward, name__in=["北町三丁目", "北町四丁目"]
    ).exists()

    organisations = run(
        ward,
        "organisations",
        "種別,名称,対象地区,開設日,廃止日\n役場,A,,,\n地域ケアプラザ,B,north east,,\n"
        "地域ケアプラザ,C,,令和2年13月1日,\n地域ケアプラザ,D,,2020-04-01,2019-04-01\n",
    )
    assert {(p.row, p.column) for p in organisations.errors} == {
        (2, "種別"),
        (3, "対象地区"),
        (4, "開設日"),
        (5, "廃止日"),
    }
    assert Organisation.objects.filter(municipality=ward).count() == 2


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "header row is missing"),
        (b"PK\x03\x04rest", "Excel workbook"),
        ("町丁目,緯度\n北町,35.5\n".encode(), "required column is missing"),
        ("町丁目,町丁目,緯度,経度\n".encode(), "appears twice"),
        (b"\xff\xfe\x00\x00\x81", "Cannot read the encoding"),
    ],
)
def test_an_unusable_file_is_refused_whole(ward: Municipality, data: bytes, expected: str) -> None:
    report = geography.import_csv(None, ward, data, "towns", command_line=True)
    assert not report.ok and any(expected in p.message_en for p in report.errors)
    assert not Town.objects.filter(municipality=ward).exists()


def test_unknown_columns_are_warned_and_missing_records_kept(ward: Municipality) -> None:
    set_up(ward)
    report = run(ward, "districts", "地区コード,地区名,備考\nnorth,北部,メモ\n")
    assert report.ok and report.unchanged == 1  # the columns it lacks are kept, not blanked
    assert District.objects.get(municipality=ward, code="north").name_en == "North"
    assert any(p.column == "備考" for p in report.warnings)
    assert any("left as they are" in p.message_en for p in report.warnings)
    assert District.objects.filter(municipality=ward, code="south").exists()


def test_english_headings_are_accepted_and_a_dry_run_writes_nothing(ward: Municipality) -> None:
    report = run(ward, "districts", "code,name\nnorth,北部\n", dry_run=True)
    assert report.ok and report.created == 1
    assert not District.objects.filter(municipality=ward).exists()


def test_a_town_block_people_live_in_keeps_its_district_but_may_move_its_point(
    ward: Municipality,
) -> None:
    set_up(ward)
    town = Town.objects.get(municipality=ward, name="南町")
    Person.objects.create(municipality=ward, name="試験 太郎", town=town, district=town.district)
    moved = run(ward, "towns", "町丁目,緯度,経度,地区コード\n南町,35.49,139.69,north\n")
    assert not moved.ok and moved.errors[0].column == "地区コード"
    assert "cannot change" in moved.errors[0].message_en
    pointed = run(ward, "towns", "町丁目,緯度,経度,地区コード\n南町,35.4905,139.69,south\n")
    assert pointed.ok and pointed.updated == 1
    town.refresh_from_db()
    assert str(town.lat) == "35.490500" and town.district.code == "south"
    # A town block nobody lives in may move.
    free = run(ward, "towns", "町丁目,緯度,経度,地区コード\n北町一丁目,35.51,139.68,south\n")
    assert free.ok and free.updated == 1


def test_an_import_is_audited_and_only_the_wards_administrator_may_run_it(world: World) -> None:
    report = geography.import_csv(
        world.users["ward_admin"],
        world.ward,
        "地区コード,地区名\nnew-one,新地区\n".encode(),
        "districts",
    )
    assert report.ok and report.created == 1
    event = AuditEvent.objects.get(details__ward_import="districts")
    assert event.actor == world.users["ward_admin"] and event.details["created"] == 1
    for persona in ("staff_a", "shakyo", "auditor"):
        with pytest.raises(PermissionDenied):
            geography.import_csv(world.users[persona], world.ward, b"code,name\n", "districts")


def test_the_command_sets_up_a_ward_and_its_first_administrator_logs_in(
    db: None, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    call_command("ward", "create", "--code", "131016", "--name", "東京都千代田区")
    ward = Municipality.objects.get(code="131016")
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-Passphrase-2026\n"))
    call_command("ward", "admin", "--municipality", "131016", "--username", "first-admin")
    admin = User.objects.get(username="first-admin")
    assert RoleMembership.objects.filter(user=admin, role=Role.WARD_ADMIN, municipality=ward)
    for kind, text in (
        ("districts", DISTRICTS),
        ("towns", TOWNS),
        ("organisations", ORGANISATIONS),
    ):
        path = tmp_path / f"{kind}.csv"
        path.write_bytes(text.encode("cp932"))
        call_command("ward", "import", kind, str(path), "--municipality", "131016")
    capsys.readouterr()
    out = tmp_path / "towns-out.csv"
    call_command(
        "ward",
        "export",
        "towns",
        "--municipality",
        "131016",
        "--encoding",
        "cp932",
        "--output",
        str(out),
    )
    assert (
        out.read_bytes().decode("cp932").splitlines()[1] == "北町一丁目,,35.510001,139.680001,north"
    )
    request = RequestFactory().post(reverse("core:login"))
    assert authenticate(request, username="first-admin", password="a-long-Passphrase-2026") == admin


def test_the_command_refuses_bad_input_with_exit_code_2(
    ward: Municipality,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with pytest.raises(CommandError) as raised:
        call_command("ward", "create", "--code", "131017", "--name", "誤り")
    assert raised.value.returncode == 2 and "check digit" in str(raised.value)
    with pytest.raises(CommandError):
        call_command("ward", "create", "--code", "131016", "--name", "二重")
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    with pytest.raises(CommandError) as raised:
        call_command("ward", "admin", "--municipality", "131016", "--username", "x")
    assert raised.value.returncode == 2 and not User.objects.filter(username="x").exists()
    path = tmp_path / "d.csv"
    path.write_text("地区コード,地区名\n,北部\n", encoding="utf-8")
    with pytest.raises(CommandError) as raised:
        call_command("ward", "import", "districts", str(path), "--municipality", "131016")
    assert raised.value.returncode == 2 and "nothing was imported" in str(raised.value)
    with pytest.raises(CommandError, match="not registered"):
        call_command("ward", "import", "districts", str(path), "--municipality", "999999")
    assert not District.objects.filter(municipality=ward).exists()


def test_the_command_prints_a_json_report(
    ward: Municipality, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "d.csv"
    path.write_text(DISTRICTS, encoding="utf-8-sig")
    call_command(
        "ward", "import", "districts", str(path), "--municipality", "131016", "--format", "json"
    )
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] and out["created"] == 2 and out["encoding"] == "utf-8-sig"


def test_the_page_imports_shows_row_errors_and_exports(world: World) -> None:
    client = world.client_for("ward_admin")
    page = client.get(reverse("core:district_list"))
    assert reverse("core:district_setup") in page.content.decode()
    upload = SimpleUploadedFile("d.csv", "地区コード,地区名\nnew-one,新地区\n".encode("cp932"))
    done = client.post(reverse("core:district_setup"), {"kind": "districts", "file": upload})
    assert done.status_code == 200 and "読み込みました" in done.content.decode()
    assert District.objects.filter(municipality=world.ward, code="new-one").exists()
    bad = SimpleUploadedFile("t.csv", "町丁目,緯度,経度\n新町,1,2\n".encode())
    refused = client.post(reverse("core:district_setup"), {"kind": "towns", "file": bad})
    body = refused.content.decode()
    assert refused.status_code == 400 and "何も読み込んでいません" in body and "緯度" in body
    assert not Town.objects.filter(municipality=world.ward, name="新町").exists()
    exported = client.get(
        reverse("core:district_setup_export", args=["districts"]) + "?encoding=cp932"
    )
    assert exported.status_code == 200 and "新地区" in exported.content.decode("cp932")
    assert client.get(reverse("core:district_setup_export", args=["people"])).status_code == 404
    # Others may not post either.
    other = world.client_for("staff_a")
    assert other.post(reverse("core:district_setup"), {"kind": "districts"}).status_code == 403


def test_create_ward_admin_refuses_a_taken_username(ward: Municipality) -> None:
    services.create_ward_admin(
        ward, username="a1", display_name="", password="a-long-Passphrase-2026"
    )
    with pytest.raises(ValidationError):
        services.create_ward_admin(
            ward, username="a1", display_name="", password="a-long-Passphrase-2026"
        )


def test_serving_a_database_with_a_real_ward_builds_no_demo_and_prints_no_demo_log_ins(
    ward: Municipality, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("demo", if_empty=True)
    assert "ward-admin" not in capsys.readouterr().out
    assert list(Municipality.objects.values_list("code", flat=True)) == ["131016"]
