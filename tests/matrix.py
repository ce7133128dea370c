"""Shared pieces of the permission matrix (tests/core/test_permission_matrix.py).

Each app adds the rules for its own URLs in `tests/<app>/url_rules.py` (or `url_rules_*.py`)
as a dict named `RULES` (URL name → Rule); the matrix test merges them. Who holds which
capability is written out here by hand, not derived from `core/access.py`, so an unintended
change in access shows up.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction

from tests.conftest import PERSONAS, World, fresh_world

STAFF_WITH_DISTRICTS = frozenset(
    {"ward_admin", "staff_a", "staff_b", "shakyo", "care_plaza", "minsei", "association"}
)
TEAM_STAFF = frozenset({"ward_admin", "staff_a", "staff_b", "shakyo", "care_plaza"})
# Personas that hold a capability but not district A (矢向): they get 404 on its records.
OUTSIDE_DISTRICT_A = frozenset({"staff_b"})

HOLDERS: dict[str, frozenset[str]] = {
    "core.view_districts": STAFF_WITH_DISTRICTS,
    "core.view_organisations": STAFF_WITH_DISTRICTS,
    "core.manage_accounts": frozenset({"ward_admin"}),
    "core.manage_ward": frozenset({"ward_admin"}),
    "core.view_audit_log": frozenset({"auditor"}),
    "plan.view": STAFF_WITH_DISTRICTS | {"committee"},
    "plan.manage": frozenset({"ward_admin"}),
    "plan.record": TEAM_STAFF,
    "community.view": STAFF_WITH_DISTRICTS,
    "community.manage": TEAM_STAFF,
    "grants.view": TEAM_STAFF,
    "grants.manage": frozenset({"ward_admin", "staff_a", "staff_b", "shakyo"}),
    "grants.review": TEAM_STAFF | {"committee"},
    "grants.fund": frozenset({"ward_admin", "shakyo"}),
    "care.view": STAFF_WITH_DISTRICTS | {"volunteer"},
    "care.manage": TEAM_STAFF,
    "care.manage_basis": frozenset({"ward_admin"}),
    "care.record_contact": TEAM_STAFF | {"minsei", "volunteer"},
    "care.view_special": frozenset({"ward_admin", "staff_a", "staff_b", "care_plaza"}),
    "care.view_figures": TEAM_STAFF | {"minsei"},
    # 見守り通報: district staff and partner companies file; the district teams handle.
    "care.file_concern": STAFF_WITH_DISTRICTS | {"partner"},
    "care.handle_concerns": TEAM_STAFF,
    "disaster.safety_record": STAFF_WITH_DISTRICTS | {"volunteer"},
    "disaster.safety_manage": frozenset({"ward_admin", "staff_a", "staff_b"}),
    "disaster.safety_open": frozenset({"ward_admin"}),
    "volunteers.view": TEAM_STAFF,
    "volunteers.manage": frozenset({"ward_admin", "staff_a", "staff_b", "shakyo"}),
    "disaster.view_list": STAFF_WITH_DISTRICTS,
    "disaster.manage_plans": frozenset({"ward_admin", "staff_a", "staff_b", "care_plaza"}),
    "disaster.declare": frozenset({"ward_admin"}),
    "facilities.view": STAFF_WITH_DISTRICTS,
    "facilities.manage": frozenset({"ward_admin"}),
    "public.edit_translations": frozenset({"ward_admin"}),
}

LOGGED_IN = frozenset(p for p, u in PERSONAS.items() if u is not None)


@dataclass(frozen=True)
class Rule:
    """How a URL answers a GET from each persona."""

    kind: str  # public | staff | capability | api | api_capability | special
    capability: str | None = None
    # Builds the URL's arguments, creating the record it needs in district A if any
    # (the world is the demo ward without its plan history, to keep the matrix fast).
    kwargs: Callable[[World], dict[str, Any]] | None = None
    in_district_a: bool = False  # the object belongs to district A only
    get_allowed: bool = True  # False: POST-only, a GET by an authorised user is 405
    public_status: int = 200
    overrides: dict[str, int] = field(default_factory=dict)


def discovered_rules() -> dict[str, Rule]:
    rules: dict[str, Rule] = {}
    tests_dir = Path(__file__).parent
    for package in pkgutil.iter_modules([str(tests_dir)]):
        if not package.ispkg or package.name in {"core", "browser"}:
            continue
        for module_info in pkgutil.iter_modules([str(tests_dir / package.name)]):
            if not module_info.name.startswith("url_rules"):
                continue
            module = importlib.import_module(f"tests.{package.name}.{module_info.name}")
            overlap = set(rules) & set(module.RULES)
            assert not overlap, f"URL rules defined twice: {overlap}"
            rules.update(module.RULES)
    return rules


# Who looks at a page: the first persona (in this order) allowed to see it.
PREFERENCE = ("ward_admin", "staff_a", "committee", "auditor", "volunteer", "partner")


def viewer(rule: Rule) -> str | None:
    """The persona to visit as, None for anonymous; "" when no persona may see it."""
    if rule.kind == "public":
        return None
    if rule.kind == "staff":
        return "ward_admin"
    holders = HOLDERS[rule.capability] if rule.capability else frozenset(PERSONAS)
    for persona in PREFERENCE:
        if persona in holders and not (rule.in_district_a and persona in OUTSIDE_DISTRICT_A):
            return persona
    return ""


def rule_kwargs(rule: Rule, world: World) -> tuple[dict[str, Any], World]:
    """The rule's URL arguments, and the world they were built in. The matrix's builders
    expect the fresh demo ward (each matrix test gets one); when one cannot run again on the
    ward as earlier builders left it, on a fresh ward (committed tests only: it flushes)."""
    try:
        with transaction.atomic():
            return (rule.kwargs(world) if rule.kwargs else {}), world
    except IntegrityError:
        world = fresh_world()
        return (rule.kwargs(world) if rule.kwargs else {}), world
