"""Permission-matrix rules for the plans side of the disaster app (namespace `disaster`).

The person and plan live in district A with consent, so every holder of district A sees
them; the association manager has no information agreement in the matrix world, so the
person is a 404 for them (access.person_q), like staff_b of another district."""

from __future__ import annotations

from typing import Any

from ainet.care.models import DisasterDeclaration
from tests.conftest import World
from tests.disaster.plans_people import person, plan, supporter
from tests.matrix import Rule

NO_AGREEMENT = {"association": 404}


def _person(world: World) -> dict[str, Any]:
    return {"person_pk": person(world, "行列 花子（架空）").pk}


def _planned(world: World) -> dict[str, Any]:
    p = person(world, "行列 太郎（架空）")
    plan(world, p, supporter(world, "行列 支援（架空）"))
    return {"person_pk": p.pk}


def _planned_supporter(world: World) -> dict[str, Any]:
    p = person(world, "行列 次郎（架空）")
    s = supporter(world, "行列 支援二（架空）")
    plan(world, p, s)
    return {"person_pk": p.pk, "supporter_pk": s.pk}


def _declaration(world: World) -> dict[str, Any]:
    import datetime

    from django.utils import timezone

    now = timezone.now()
    d = DisasterDeclaration.objects.create(
        municipality=world.ward,
        reason="訓練",
        declared_by=world.users["ward_admin"],
        starts_at=now,
        expires_at=now + datetime.timedelta(hours=1),
    )
    return {"pk": d.pk}


VIEW = "disaster.view_list"
MANAGE = "disaster.manage_plans"

RULES: dict[str, Rule] = {
    "disaster:home": Rule("capability", VIEW),
    "disaster:evacuation_list": Rule("capability", VIEW),
    "disaster:evacuation_list_print": Rule("capability", VIEW),
    "disaster:evacuation_list_pdf": Rule("capability", VIEW),
    "disaster:evacuation_list_csv": Rule("capability", VIEW),
    "disaster:plan_list": Rule("capability", VIEW),
    "disaster:plan_detail": Rule(
        "capability", VIEW, _person, in_district_a=True, overrides=NO_AGREEMENT
    ),
    "disaster:plan_edit": Rule("capability", MANAGE, _person, in_district_a=True),
    "disaster:plan_history": Rule(
        "capability", VIEW, _planned, in_district_a=True, overrides=NO_AGREEMENT
    ),
    "disaster:plan_print": Rule(
        "capability", VIEW, _planned, in_district_a=True, overrides=NO_AGREEMENT
    ),
    "disaster:plan_print_supporter": Rule(
        "capability", VIEW, _planned_supporter, in_district_a=True, overrides=NO_AGREEMENT
    ),
    "disaster:proposal": Rule("capability", MANAGE),
    "disaster:proposal_accept": Rule("capability", MANAGE, get_allowed=False),
    "disaster:shelters": Rule("capability", VIEW),
    "disaster:declaration_list": Rule("capability", VIEW),
    "disaster:declare": Rule("capability", "disaster.declare"),
    "disaster:declaration_end": Rule(
        "capability", "disaster.declare", _declaration, get_allowed=False
    ),
}
