from typing import Any

from ainet.plan.models import SupportTeam, SupportTeamMember
from tests.conftest import World
from tests.matrix import Rule


def _team_a(world: World) -> SupportTeam:
    return SupportTeam.objects.get_or_create(
        district=world.district_a, defaults={"established_on": "2005-04-01"}
    )[0]


def _team_a_code(world: World) -> dict[str, Any]:
    _team_a(world)
    return {"code": world.district_a.code}


def _member_a(world: World) -> dict[str, Any]:
    member = SupportTeamMember.objects.create(
        team=_team_a(world),
        name="テスト 太郎",
        organisation=world.organisation("鶴見区役所"),
        starts_on="2020-04-01",
    )
    return {"code": world.district_a.code, "pk": member.pk}


RULES: dict[str, Rule] = {
    "plan:team_list": Rule("capability", "plan.view"),
    # A committee member reads the plan but works with no district: no team is theirs.
    "plan:team_detail": Rule(
        "capability", "plan.view", _team_a_code, in_district_a=True, overrides={"committee": 404}
    ),
    # POST-only: a GET is refused (405) before the member is looked up; the 404 for another
    # district's POST is in test_team_views.
    "plan:team_member_end": Rule(
        "capability",
        "plan.record",
        _member_a,
        in_district_a=True,
        get_allowed=False,
        overrides={"staff_b": 405},
    ),
}
