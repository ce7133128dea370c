"""How the staff facility pages answer each persona."""

from __future__ import annotations

from typing import Any

from ainet.facilities.models import Facility
from tests.conftest import World
from tests.matrix import Rule


def _facility(world: World) -> dict[str, Any]:
    facility = Facility.objects.create(
        municipality=world.ward, kind="welfare_shelter", name="マトリクス福祉避難所", capacity=20
    )
    return {"pk": facility.pk}


RULES: dict[str, Rule] = {
    "facilities:list": Rule("capability", "facilities.view"),
    "facilities:map": Rule("capability", "facilities.view"),
    "facilities:detail": Rule("capability", "facilities.view", _facility),
    "facilities:create": Rule("capability", "facilities.manage"),
    "facilities:edit": Rule("capability", "facilities.manage", _facility),
    "facilities:import": Rule("capability", "facilities.manage"),
    "facilities:export": Rule("capability", "facilities.view", lambda w: {"kind": "aed"}),
}
