"""Permission-matrix rules for the district year pages and the annual booklet."""

from __future__ import annotations

from typing import Any

from tests.conftest import World
from tests.matrix import Rule


def _district_a(world: World) -> dict[str, Any]:
    return {"code": world.district_a.code}


RULES: dict[str, Rule] = {
    "reports:district_index": Rule("capability", "plan.view"),
    # The committee member reads the plan but no district's records: a 404, as for district B.
    "reports:district_year": Rule(
        "capability", "plan.view", _district_a, in_district_a=True, overrides={"committee": 404}
    ),
    # POST-only: a GET by a holder is refused (405) before the district is looked up.
    "reports:add_team_note": Rule("capability", "plan.record", _district_a, get_allowed=False),
    # Without ?fy= the page explains the booklet and offers the years; with it, the PDF.
    "reports:booklet": Rule("capability", "plan.view"),
}
