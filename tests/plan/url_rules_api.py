from typing import Any

from ainet.demo.history import build_plan
from tests.conftest import World
from tests.matrix import Rule


def _with_plan(world: World) -> dict[str, Any]:
    build_plan(world.ward)
    return {}


RULES: dict[str, Rule] = {
    "api-v1:outcome": Rule("api_capability", "plan.view", _with_plan),
}
