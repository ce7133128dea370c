"""Permission-matrix rules for the governance pages (committee, meetings, district plans,
advisors, trainings)."""

from __future__ import annotations

import datetime
from typing import Any

from ainet.plan.models import (
    Committee,
    CommitteeMember,
    DistrictPlan,
    Meeting,
    MeetingBody,
    PlanPeriod,
)
from tests.conftest import World
from tests.matrix import Rule

D = datetime.date


def make_committee(world: World) -> Committee:
    return Committee.objects.create(
        municipality=world.ward, name="鶴見・あいねっと推進委員会", established_on=D(2010, 4, 1)
    )


def make_period(world: World) -> PlanPeriod:
    period, _created = PlanPeriod.objects.get_or_create(
        municipality=world.ward,
        number=2,
        defaults={"name": "第2期鶴見・あいねっと", "first_fy": 2010, "last_fy": 2014},
    )
    return period


def make_plan_a(world: World) -> DistrictPlan:
    return DistrictPlan.objects.create(
        district=world.district_a, period=make_period(world), title="矢向地区 第2期地区別計画"
    )


def make_meeting_a(world: World) -> Meeting:
    return Meeting.objects.create(
        municipality=world.ward,
        body=MeetingBody.SUPPORT_TEAM,
        district=world.district_a,
        held_on=D(2012, 6, 1),
        title="矢向地区 支援チーム会議",
    )


def _committee(world: World) -> dict[str, Any]:
    return {"pk": make_committee(world).pk}


def _member(world: World) -> dict[str, Any]:
    member = CommitteeMember.objects.create(
        committee=make_committee(world), name="佐藤 花子", term_start=D(2024, 4, 1)
    )
    return {"pk": member.pk}


def _meeting_a(world: World) -> dict[str, Any]:
    return {"pk": make_meeting_a(world).pk}


def _plan_a(world: World) -> dict[str, Any]:
    return {"pk": make_plan_a(world).pk}


# The committee member sees ward-wide plan records but no district's: district A's records
# are a 404 for them, as for staff of district B.
NO_DISTRICTS = {"committee": 404}

RULES: dict[str, Rule] = {
    "plan:committee": Rule("capability", "plan.view"),
    "plan:committee_member_add": Rule("capability", "plan.manage", _committee),
    "plan:committee_member_end": Rule("capability", "plan.manage", _member),
    "plan:meeting_list": Rule("capability", "plan.view"),
    "plan:meeting_create": Rule("capability", "plan.record"),
    "plan:meeting_detail": Rule(
        "capability", "plan.view", _meeting_a, in_district_a=True, overrides=NO_DISTRICTS
    ),
    "plan:district_plan_list": Rule("capability", "plan.view"),
    "plan:district_plan_create": Rule("capability", "plan.record"),
    "plan:district_plan_detail": Rule(
        "capability", "plan.view", _plan_a, in_district_a=True, overrides=NO_DISTRICTS
    ),
    # POST-only: a GET by a holder is refused (405) before the plan is looked up.
    "plan:district_plan_stage_add": Rule("capability", "plan.record", _plan_a, get_allowed=False),
    "plan:district_organisation_add": Rule("capability", "plan.record", _plan_a, get_allowed=False),
    "plan:advisor_list": Rule("capability", "plan.view"),
    "plan:advisor_create": Rule("capability", "plan.record"),
    "plan:training_list": Rule("capability", "plan.view"),
    "plan:training_create": Rule("capability", "plan.record"),
}
