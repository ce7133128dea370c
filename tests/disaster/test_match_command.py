"""`ainet disaster match`: files in, files out, exit code 2 and no output on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from tests.disaster.test_matching import instance, person, supporter


def run(tmp_path: Path, text: str, *extra: str) -> Path:
    source, target = tmp_path / "in.json", tmp_path / "out.json"
    source.write_text(text, encoding="utf-8")
    call_command("disaster", "match", "--input", str(source), "--output", str(target), *extra)
    return target


def test_match_writes_the_issue_shape(tmp_path: Path, capsys: Any) -> None:
    data = instance(
        [person("p1", 0), person("p2", 1, needs_two=True), person("p3", 30)],
        [supporter("s1", 0.5, capacity=2), supporter("s2", 1.5)],
    )
    target = run(tmp_path, json.dumps(data))
    written = json.loads(target.read_text(encoding="utf-8"))
    assert written == {
        "assignments": [
            {"person": "p1", "supporter": "s1", "distance_m": 45},
            {"person": "p2", "supporter": "s1", "distance_m": 45},
            {"person": "p2", "supporter": "s2", "distance_m": 45},
        ],
        "uncovered": ["p3"],
        "objective": {"covered": 2, "total_distance_m": 135},
    }
    out = capsys.readouterr()
    assert "covered 2/3" in out.out
    assert "proven optimal" in out.out
    assert "match" in out.err  # the progress bar
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.json", "out.json"]


def test_match_prints_a_json_summary_with_format_json(tmp_path: Path, capsys: Any) -> None:
    run(tmp_path, json.dumps(instance([person()], [supporter(x=1)])), "--format", "json")
    summary = json.loads(capsys.readouterr().out)
    assert summary["covered"] == 1
    assert summary["people"] == 1
    assert summary["total_distance_m"] == 91
    assert summary["proven_optimal"] is True
    assert summary["covered_bound"] == 1


def test_match_replans_with_previous_and_unavailable(tmp_path: Path, capsys: Any) -> None:
    data = instance(
        [person("p1", 0), person("p2", 2)],
        [supporter("s1", 0), supporter("s2", 2), supporter("s3", 3)],
    )
    first = run(tmp_path, json.dumps(data))
    second = tmp_path / "second.json"
    call_command(
        "disaster",
        "match",
        "--input",
        str(tmp_path / "in.json"),
        "--output",
        str(second),
        "--previous",
        str(first),
        "--unavailable",
        "s2",
    )
    written = json.loads(second.read_text(encoding="utf-8"))
    assert [(a["person"], a["supporter"]) for a in written["assignments"]] == [
        ("p1", "s1"),
        ("p2", "s3"),
    ]
    assert "kept 1, released 1" in capsys.readouterr().out


BAD_INPUTS = {
    "malformed JSON": '{"max_distance_m": 500, "people": [',
    "missing field": json.dumps(instance([{"id": "p1", "lat": 35.5}], [])),
    "negative capacity": json.dumps(instance([person()], [supporter(capacity=-1)])),
    "duplicate id": json.dumps(instance([person(), person()], [supporter()])),
    "wrong type": json.dumps(instance([person(needs_two=1)], [supporter()])),
    "unknown key": json.dumps(instance([person()], [supporter(langs=["ja"])])),
    "NaN": '{"max_distance_m": NaN, "people": [], "supporters": []}',
    "top level not an object": "[]",
}
BAD_BYTES = {name: text.encode() for name, text in BAD_INPUTS.items()}
BAD_BYTES["not UTF-8"] = "{}".encode("utf-16")


@pytest.mark.parametrize("raw", BAD_BYTES.values(), ids=BAD_BYTES.keys())
def test_bad_input_exits_with_code_2_and_writes_no_output(tmp_path: Path, raw: bytes) -> None:
    source, target = tmp_path / "in.json", tmp_path / "out.json"
    source.write_bytes(raw)
    with pytest.raises(CommandError) as caught:
        call_command("disaster", "match", "--input", str(source), "--output", str(target))
    assert caught.value.returncode == 2
    assert " / " in str(caught.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.json"]


def test_unavailable_without_previous_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as caught:
        run(tmp_path, json.dumps(instance([person()], [supporter()])), "--unavailable", "s1")
    assert caught.value.returncode == 2
    assert not (tmp_path / "out.json").exists()


def test_a_previous_file_with_an_unknown_supporter_is_refused(tmp_path: Path) -> None:
    previous = tmp_path / "prev.json"
    previous.write_text(
        json.dumps({"assignments": [{"person": "p1", "supporter": "s9"}]}), encoding="utf-8"
    )
    with pytest.raises(CommandError) as caught:
        run(
            tmp_path,
            json.dumps(instance([person()], [supporter()])),
            "--previous",
            str(previous),
        )
    assert caught.value.returncode == 2
    assert "assignments[0].supporter" in str(caught.value)
    assert not (tmp_path / "out.json").exists()


def test_bad_input_leaves_an_existing_output_file_untouched(tmp_path: Path) -> None:
    (tmp_path / "out.json").write_text("previous", encoding="utf-8")
    with pytest.raises(CommandError):
        run(tmp_path, json.dumps(instance([person()], [supporter(capacity=-3)])))
    assert (tmp_path / "out.json").read_text(encoding="utf-8") == "previous"


def test_the_ainet_command_line_exits_2_with_a_bilingual_message(tmp_path: Path) -> None:
    source, target = tmp_path / "in.json", tmp_path / "out.json"
    source.write_text(json.dumps(instance([person()], [supporter(capacity=-1)])), "utf-8")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "ainet",
            "disaster",
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
    assert "supporters[0].capacity" in done.stderr
    assert "整数" in done.stderr
    assert not target.exists()
