"""How each safety-confirmation URL answers a GET from each persona (the permission matrix)."""

from __future__ import annotations

from typing import Any

from tests.conftest import World
from tests.disaster.safety_people import make_campaign, make_person
from tests.matrix import Rule

RECORD = "disaster.safety_record"
MANAGE = "disaster.safety_manage"
OPEN = "disaster.safety_open"


def _campaign(world: World) -> dict[str, Any]:
    return {"pk": make_campaign(world).pk}


def _api_campaign(world: World) -> dict[str, Any]:
    return {"campaign_id": make_campaign(world).pk}


def _person_a(world: World) -> dict[str, Any]:
    return {"pk": make_campaign(world).pk, "person_pk": make_person(world).pk}


RULES: dict[str, Rule] = {
    "safety:campaign_list": Rule("capability", RECORD),
    "safety:campaign_open": Rule("capability", OPEN, get_allowed=False),
    "safety:campaign_detail": Rule("capability", RECORD, _campaign),
    "safety:campaign_close": Rule("capability", OPEN, _campaign, get_allowed=False),
    "safety:record_page": Rule("capability", RECORD, _campaign),
    "safety:record_post": Rule("capability", RECORD, _campaign, get_allowed=False),
    "safety:board": Rule("capability", RECORD, _campaign),
    "safety:board_live": Rule("capability", RECORD, _campaign),
    # A consented person of district A: the association manager has no information
    # agreement in the demo and the volunteer is tied to no one, so neither sees them.
    "safety:person_history": Rule(
        "capability",
        RECORD,
        _person_a,
        in_district_a=True,
        overrides={"association": 404, "volunteer": 404},
    ),
    "safety:export_csv": Rule("capability", MANAGE, _campaign),
    "safety:print": Rule("capability", MANAGE, _campaign),
    "api-v1:safety_campaigns": Rule("api_capability", RECORD),
    "api-v1:safety_people": Rule("api_capability", RECORD, _api_campaign),
    "api-v1:safety_updates": Rule("api_capability", RECORD, _api_campaign),
}
