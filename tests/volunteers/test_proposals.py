"""The ranked list for one request and the instance the batch page builds use the solver's
feasibility rules, plus areas, consent and current load."""

from __future__ import annotations

from ainet.volunteers import proposals, services
from ainet.volunteers.models import Volunteer
from tests.conftest import World
from tests.volunteers.url_rules import make_request, make_volunteer, town_in


def _names(ranking: proposals.Ranking) -> list[str]:
    return [c.volunteer.name for c in ranking.candidates]


def test_only_volunteers_meeting_every_rule_are_ranked_nearest_first(world: World) -> None:
    req = make_request(world, slot="mon-am", language="pt", town=town_in(world.district_a, 0))
    near = make_volunteer(world, name="近い", languages="ja,pt", town=town_in(world.district_a, 0))
    far = make_volunteer(world, name="遠い", languages="pt", town=town_in(world.district_a, 3))
    make_volunteer(world, name="言語なし", languages="ja")
    make_volunteer(world, name="時間外", languages="pt", availability="tue-pm")
    make_volunteer(world, name="技能なし", languages="pt", skills=("garden",))
    make_volunteer(world, name="同意なし", languages="pt", consent=False)
    make_volunteer(world, name="休止中", languages="pt", status="paused")
    ranking = proposals.rank_for_request(world.users["shakyo"], req, 20_000)
    assert _names(ranking) == ["近い", "遠い"]
    first = ranking.candidates[0]
    assert first.distance_m == 0
    assert first.language == "pt"
    assert ranking.candidates[1].distance_m > 0
    assert far.pk == ranking.candidates[1].volunteer.pk
    assert near.pk == first.volunteer.pk


def test_distance_limit_and_areas_are_respected(world: World) -> None:
    req = make_request(world, town=town_in(world.district_a, 0))
    elsewhere = make_volunteer(world, name="他地区のみ")
    elsewhere.areas.set([world.district_b])
    make_volunteer(world, name="どこでも")
    ranking = proposals.rank_for_request(world.users["ward_admin"], req, 20_000)
    assert _names(ranking) == ["どこでも"]
    assert proposals.rank_for_request(world.users["ward_admin"], req, 1).candidates == [] or all(
        c.distance_m <= 1
        for c in proposals.rank_for_request(world.users["ward_admin"], req, 1).candidates
    )


def test_a_full_volunteer_is_not_proposed_and_load_is_shown(world: World) -> None:
    volunteer = make_volunteer(world, capacity=2)
    services.assign(world.users["shakyo"], make_request(world), volunteer)
    ranking = proposals.rank_for_request(world.users["shakyo"], make_request(world), 5000)
    assert [c.load for c in ranking.candidates] == [1]
    services.assign(world.users["shakyo"], make_request(world), volunteer)
    ranking = proposals.rank_for_request(world.users["shakyo"], make_request(world), 5000)
    assert ranking.candidates == []
    assert ranking.full == 1


def test_volunteers_outside_the_users_districts_are_never_proposed(world: World) -> None:
    make_volunteer(world, world.district_b, town=town_in(world.district_b))
    req = make_request(world)
    ranking = proposals.rank_for_request(world.users["staff_a"], req, 50_000)
    assert ranking.candidates == []
    assert Volunteer.objects.count() == 1


def test_the_batch_instance_holds_only_waiting_requests_with_a_point(world: World) -> None:
    waiting = make_request(world)
    taken = make_request(world)
    services.assign(world.users["shakyo"], taken, make_volunteer(world))
    make_request(world, state="active")
    built = proposals.build_instance(world.users["shakyo"], world.ward, 1500)
    assert list(built.request_pk.values()) == [waiting.pk]
