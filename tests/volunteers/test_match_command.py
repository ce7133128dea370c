"""`ainet volunteers match`: files in, files out, exit code 2 and no output on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from tests.volunteers.test_matching import instance, request, volunteer


def run(tmp_path: Path, text: str, *extra: str) -> Path:
    source, target = tmp_path / "in.json", tmp_path / "out.json"
    source.write_text(text, encoding="utf-8")
    call_command("volunteers", "match", "--input", str(source), "--output", str(target), *extra)
    return target


def test_match_writes_the_assignments_as_json(tmp_path: Path, capsys: Any) -> None:
    target = run(
        tmp_path, json.dumps(instance([volunteer()], [request(), request("r2", slot="fri-eve")]))
    )
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data == {
        "assignments": [{"request": "r1", "volunteer": "v1", "distance_m": 1434}],
        "unassigned": ["r2"],
        "objective": {"served": 1, "total_distance_m": 1434, "priority_served": 1},
    }
    assert "served 1/2" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.json", "out.json"]  # no temp left


def test_match_prints_a_json_summary_with_format_json(tmp_path: Path, capsys: Any) -> None:
    run(tmp_path, json.dumps(instance([volunteer()], [request()])), "--format", "json")
    summary = json.loads(capsys.readouterr().out)
    assert summary["served"] == 1
    assert summary["requests"] == 1
    assert summary["total_distance_m"] == 1434


BAD_INPUTS = {
    "malformed JSON": '{"max_distance_m": 1500, "volunteers": [',
    "missing field": json.dumps(instance([volunteer()], [{"id": "r1"}])),
    "negative capacity": json.dumps(instance([volunteer(capacity=-1)], [request()])),
    "bad language code": json.dumps(instance([volunteer(languages=["portuguese"])], [request()])),
    "bad slot": json.dumps(instance([volunteer()], [request(slot="mon-night")])),
    "duplicate id": json.dumps(instance([volunteer(), volunteer()], [request()])),
    "NaN lat": json.dumps(instance([volunteer()], [request(lat=float("nan"))])),
}
BAD_BYTES = {name: text.encode() for name, text in BAD_INPUTS.items()}
BAD_BYTES["not UTF-8"] = "{}".encode("utf-16")


@pytest.mark.parametrize("raw", BAD_BYTES.values(), ids=BAD_BYTES.keys())
def test_bad_input_exits_with_code_2_and_writes_no_output(tmp_path: Path, raw: bytes) -> None:
    source, target = tmp_path / "in.json", tmp_path / "out.json"
    source.write_bytes(raw)
    with pytest.raises(CommandError) as caught:
        call_command("volunteers", "match", "--input", str(source), "--output", str(target))
    assert caught.value.returncode == 2
    assert " / " in str(caught.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.json"]


def test_a_missing_input_file_exits_with_code_2(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    with pytest.raises(CommandError) as caught:
        call_command(
            "volunteers", "match", "--input", str(tmp_path / "nope.json"), "--output", str(target)
        )
    assert caught.value.returncode == 2
    assert not target.exists()


def test_bad_input_leaves_an_existing_output_file_untouched(tmp_path: Path) -> None:
    (tmp_path / "out.json").write_text("previous", encoding="utf-8")
    with pytest.raises(CommandError):
        run(tmp_path, json.dumps(instance([volunteer(capacity=-3)], [request()])))
    assert (tmp_path / "out.json").read_text(encoding="utf-8") == "previous"


def test_the_ainet_command_line_exits_2_with_a_bilingual_message(tmp_path: Path) -> None:
    source, target = tmp_path / "in.json", tmp_path / "out.json"
    source.write_text(json.dumps(instance([volunteer()], [request(slot="mon")])), encoding="utf-8")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "ainet",
            "volunteers",
            "match",
            "--input",
            str(source),
            "--output",
            str(target),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "requests[0].slot" in done.stderr
    assert "時間帯" in done.stderr
    assert not target.exists()
