"""`ainet volunteers instance` writes the database's waiting requests as a `match` input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from ainet.volunteers import matching
from tests.conftest import World
from tests.volunteers.url_rules import make_request, make_volunteer, town_in


def test_the_instance_round_trips_through_the_match_command(world: World, tmp_path: Path) -> None:
    volunteer, req = make_volunteer(world), make_request(world)
    make_request(world, world.district_b, town=town_in(world.district_b))  # not staff A's
    out = tmp_path / "in.json"
    call_command(
        "volunteers", "instance", "--municipality", "141011", "--user", "staff-yako",
        "--output", str(out),
    )  # fmt: skip
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [r["id"] for r in data["requests"]] == [f"r{req.pk}"]
    matching.parse_instance(data)
    result_file = tmp_path / "out.json"
    call_command("volunteers", "match", "--input", str(out), "--output", str(result_file))
    result = json.loads(result_file.read_text(encoding="utf-8"))
    assert result["assignments"][0]["volunteer"] == f"v{volunteer.pk}"


@pytest.mark.parametrize(
    ("municipality", "user"),
    [("999999", "staff-yako"), ("141011", "nobody"), ("141011", "careplaza-yako")],
)
def test_bad_arguments_exit_2_and_write_nothing(
    world: World, tmp_path: Path, municipality: str, user: str
) -> None:
    out = tmp_path / "in.json"
    with pytest.raises(CommandError) as caught:
        call_command(
            "volunteers", "instance", "--municipality", municipality, "--user", user,
            "--output", str(out),
        )  # fmt: skip
    assert caught.value.returncode == 2
    assert not out.exists()
