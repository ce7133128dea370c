"""`ainet roster import|template`: exit codes, the JSON report and the files ward systems write."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ainet.care.models import ListEntry, Person
from ainet.care.roster import canonical_header
from tests.care.roster_files import roster_bytes, row
from tests.conftest import World


def _run(*args: str) -> tuple[int, str]:
    from io import StringIO

    out = StringIO()
    try:
        call_command("roster", *args, stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue() + str(exc)
    return 0, out.getvalue()


def _file(tmp_path: Path, data: bytes, name: str = "roster.csv") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_json_report_and_exit_0_when_applied(world: World, tmp_path: Path) -> None:
    path = _file(
        tmp_path,
        roster_bytes([row(), row(number="2", name="佐藤 次郎", kana="サトウ ジロウ")], "cp932"),
    )
    code, out = _run(
        "import", path, "--municipality", "141011", "--list", "evacuation", "--format", "json"
    )
    assert code == 0
    report = json.loads(out)
    assert {k: report[k] for k in ("new", "changed", "removed", "unchanged", "errors")} == {
        "new": 2,
        "changed": 0,
        "removed": 0,
        "unchanged": 0,
        "errors": [],
    }
    assert Person.objects.count() == 2


def test_a_clean_dry_run_exits_0_and_changes_nothing(world: World, tmp_path: Path) -> None:
    path = _file(tmp_path, roster_bytes([row()], "utf-8"))
    code, out = _run("import", path, "--municipality", "141011", "--list", "watch", "--dry-run")
    assert code == 0
    assert "dry run" in out and "new 1" in out
    assert Person.objects.count() == 0


def test_invalid_rows_exit_1_with_every_problem_and_apply_nothing(
    world: World, tmp_path: Path
) -> None:
    path = _file(
        tmp_path,
        roster_bytes([row(), row(number="2", born="平成31年5月1日"), row(number="2", name="x")]),
    )
    code, out = _run(
        "import", path, "--municipality", "141011", "--list", "evacuation", "--format", "json"
    )
    assert code == 1
    report = json.loads(out[: out.rindex("}") + 1])
    assert [(e["row"], e["column"]) for e in report["errors"]] == [(3, "生年月日")]
    assert set(report["errors"][0]) == {"row", "column", "message"}
    assert Person.objects.count() == 0 and ListEntry.objects.count() == 0


def test_duplicate_numbers_are_reported_per_row(world: World, tmp_path: Path) -> None:
    path = _file(tmp_path, roster_bytes([row(), row()]))
    code, out = _run("import", path, "--municipality", "141011", "--list", "evacuation")
    assert code == 1
    assert "3 行目 / row 3 宛名番号" in out


@pytest.mark.parametrize(
    "data",
    [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", "氏名,住所\r\n鈴木,矢向\r\n".encode(), b""],
)
def test_unusable_input_exits_2(world: World, tmp_path: Path, data: bytes) -> None:
    path = _file(tmp_path, data)
    code, message = _run("import", path, "--municipality", "141011", "--list", "evacuation")
    assert code == 2
    assert " / " in message


def test_unknown_municipality_and_missing_file_exit_2(world: World, tmp_path: Path) -> None:
    path = _file(tmp_path, roster_bytes([row()]))
    assert _run("import", path, "--municipality", "999999", "--list", "evacuation")[0] == 2
    assert (
        _run(
            "import", str(tmp_path / "nope.csv"), "--municipality", "141011", "--list", "evacuation"
        )[0]
        == 2
    )


def test_template_writes_the_canonical_header(tmp_path: Path) -> None:
    target = tmp_path / "header.csv"
    assert _run("template", "--list", "evacuation", "--output", str(target))[0] == 0
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").strip().split(",") == canonical_header()
    assert canonical_header() == [
        "宛名番号",
        "氏名",
        "氏名カナ",
        "生年月日",
        "性別",
        "郵便番号",
        "住所",
        "方書",
        "電話番号",
        "世帯区分",
        "要援護理由",
        "同意区分",
        "同意日",
    ]
    cp932 = tmp_path / "header-sjis.csv"
    _run("template", "--list", "watch", "--output", str(cp932), "--encoding", "cp932")
    assert cp932.read_bytes().decode("cp932").strip().split(",") == canonical_header()


def test_the_template_from_the_ainet_entry_point() -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "ainet", "roster", "template", "--list", "evacuation"],
        capture_output=True,
        check=False,
    )
    assert result.returncode == 0
    assert result.stdout.decode("utf-8-sig").startswith("宛名番号,氏名,氏名カナ")
