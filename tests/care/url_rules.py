"""How each care URL answers a GET from each persona (tests/core/test_permission_matrix.py).

The person, entry, tie and contact of each rule are in district A (矢向) and visible to every
care.view holder there: consented, tied to the volunteer's and the commissioner's supporter
profiles, with the association's information agreement signed. Staff of district B get 404.
"""

from __future__ import annotations

from typing import Any

from tests.care.factories import contact, supporter_for, visible_to_everyone
from tests.conftest import World
from tests.matrix import Rule

VIEW = "care.view"
MANAGE = "care.manage"
BASIS = "care.manage_basis"
CONTACT = "care.record_contact"
FIGURES = "care.view_figures"


def _person(world: World) -> dict[str, Any]:
    return {"pk": visible_to_everyone(world).pk}


def _entry(world: World) -> dict[str, Any]:
    return {"pk": visible_to_everyone(world).list_entries.get().pk}


def _tie(world: World) -> dict[str, Any]:
    return {"pk": visible_to_everyone(world).ties.first().pk}  # type: ignore[union-attr]


def _contact(world: World) -> dict[str, Any]:
    return {"pk": contact(visible_to_everyone(world), follow_up_needed=True).pk}


def _supporter(world: World) -> dict[str, Any]:
    return {"pk": supporter_for(world, "volunteer").pk}


RULES: dict[str, Rule] = {
    "care:person_list": Rule("capability", VIEW),
    "care:person_create": Rule("capability", MANAGE),
    "care:person_detail": Rule("capability", VIEW, _person, in_district_a=True),
    "care:person_edit": Rule("capability", MANAGE, _person, in_district_a=True),
    "care:list_entry_add": Rule("capability", BASIS, _person, in_district_a=True),
    "care:tie_create": Rule("capability", MANAGE, _person, in_district_a=True),
    "care:contact_create": Rule("capability", CONTACT, _person, in_district_a=True),
    "care:list_entry_change": Rule("capability", BASIS, _entry, in_district_a=True),
    # POST-only: a GET is 405 before the record is looked up; tests/care/test_lists.py
    # proves a POST for another district's entry is a 404.
    "care:list_entry_removal_request": Rule("capability", MANAGE, _entry, get_allowed=False),
    "care:list_entry_leave": Rule("capability", BASIS, _entry, get_allowed=False),
    "care:tie_end": Rule("capability", MANAGE, _tie, in_district_a=True),
    "care:follow_up_done": Rule("capability", CONTACT, _contact, get_allowed=False),
    "care:need_kind_list": Rule("capability", VIEW),
    "care:need_kind_create": Rule("capability", MANAGE),
    "care:supporter_list": Rule("capability", VIEW),
    "care:supporter_create": Rule("capability", MANAGE),
    "care:supporter_detail": Rule("capability", VIEW, _supporter, in_district_a=True),
    "care:supporter_edit": Rule("capability", MANAGE, _supporter, in_district_a=True),
    "care:supporter_deactivate": Rule("capability", MANAGE, _supporter, in_district_a=True),
    # POST-only; tests/care/test_supporters.py proves another district's POST is a 404.
    "care:supporter_reactivate": Rule("capability", MANAGE, _supporter, get_allowed=False),
    "care:support_map": Rule("capability", VIEW),
    "care:worklist": Rule("capability", VIEW),
    # The worklist's CSV and print: whoever sees the worklist (tests/care/test_worklist_output.py).
    "care:worklist_csv": Rule("capability", VIEW),
    "care:worklist_print": Rule("capability", VIEW),
    "care:minsei_figures": Rule("capability", FIGURES),
    "care:minsei_figures_csv": Rule("capability", FIGURES),
}
