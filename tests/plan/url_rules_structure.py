from typing import Any

from ainet.demo.history import build_plan
from ainet.plan.models import Pillar
from tests.conftest import World
from tests.matrix import Rule


def _pillar(world: World) -> dict[str, Any]:
    build_plan(world.ward)
    return {"kind_name": "pillar", "pk": Pillar.objects.get(period__number=2, number=1).pk}


def _under_pillar(world: World) -> dict[str, Any]:
    build_plan(world.ward)
    return {"kind_name": "theme", "parent_pk": Pillar.objects.get(period__number=2, number=1).pk}


RULES: dict[str, Rule] = {
    "plan:overview": Rule("capability", "plan.view"),
    "plan:item_new": Rule("capability", "plan.manage", lambda w: {"kind_name": "period"}),
    "plan:item_new_under": Rule("capability", "plan.manage", _under_pillar),
    "plan:item_edit": Rule("capability", "plan.manage", _pillar),
}
