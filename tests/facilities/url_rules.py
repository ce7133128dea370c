"""How the staff facility pages answer each persona."""

from __future__ import annotations

from tests.matrix import Rule

RULES: dict[str, Rule] = {
    "facilities:list": Rule("capability", "facilities.view"),
    "facilities:map": Rule("capability", "facilities.view"),
    "facilities:import": Rule("capability", "facilities.manage"),
    "facilities:export": Rule("capability", "facilities.view", lambda w: {"kind": "aed"}),
}
