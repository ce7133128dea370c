"""Batch volunteer matching: eligibility, optimality (against brute force), determinism."""

from __future__ import annotations

import itertools
import math
import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ainet.volunteers import matching
from ainet.volunteers.matching import InstanceError, parse_instance, solve

BASE_LAT, BASE_LNG = 35.5, 139.67


def volunteer(vid: str = "v1", **over: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": vid,
        "lat": BASE_LAT,
        "lng": BASE_LNG,
        "capacity": 2,
        "skills": ["shopping"],
        "languages": ["ja", "pt"],
        "availability": ["mon-am", "wed-pm"],
    }
    item.update(over)
    return item


def request(rid: str = "r1", **over: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": rid,
        "lat": 35.51,
        "lng": 139.68,
        "skills": ["shopping"],
        "language": "pt",
        "slot": "mon-am",
        "priority": 1,
    }
    item.update(over)
    return item


def instance(
    vols: list[dict[str, Any]], reqs: list[dict[str, Any]], max_d: float = 1500
) -> dict[str, Any]:
    return {"max_distance_m": max_d, "volunteers": vols, "requests": reqs}


def distance(a: Any, b: Any) -> float:
    """Independent haversine (metres)."""
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b.lng - a.lng) / 2) ** 2
    )
    return 2 * 6_371_008.8 * math.asin(math.sqrt(h))


def eligible(v: matching.Volunteer, r: matching.Request, max_d: float) -> bool:
    return (
        v.capacity > 0
        and distance(r, v) <= max_d
        and r.skills <= v.skills
        and (r.language is None or r.language in v.languages)
        and r.slot in v.availability
    )


def max_served(inst: matching.Instance) -> int:
    """Independent maximum bipartite b-matching (augmenting paths over capacity copies)."""
    slots = [(v.id, k) for v in inst.volunteers for k in range(v.capacity)]
    adj = {
        r.id: [
            i
            for i, (vid, _) in enumerate(slots)
            if eligible(vol(inst, vid), r, inst.max_distance_m)
        ]
        for r in inst.requests
    }
    owner: dict[int, str] = {}

    def augment(rid: str, seen: set[int]) -> bool:
        for i in adj[rid]:
            if i not in seen:
                seen.add(i)
                if i not in owner or augment(owner[i], seen):
                    owner[i] = rid
                    return True
        return False

    return sum(augment(r.id, set()) for r in inst.requests)


def vol(inst: matching.Instance, vid: str) -> matching.Volunteer:
    return next(v for v in inst.volunteers if v.id == vid)


def brute_force_best(inst: matching.Instance) -> tuple[int, int, int, int]:
    """Lexicographic best (served, priority, -distance, -load cost) over every assignment."""
    options = [
        [None, *[v for v in inst.volunteers if eligible(v, r, inst.max_distance_m)]]
        for r in inst.requests
    ]
    best: tuple[int, int, int, int] | None = None
    for choice in itertools.product(*options):
        loads: dict[str, int] = {}
        for v in choice:
            if v is not None:
                loads[v.id] = loads.get(v.id, 0) + 1
        if any(loads[v.id] > v.capacity for v in inst.volunteers if v.id in loads):
            continue
        key = score(inst, [(r, v) for r, v in zip(inst.requests, choice, strict=True) if v])
        best = key if best is None or key > best else best
    assert best is not None
    return best


def score(inst: matching.Instance, pairs: list[Any]) -> tuple[int, int, int, int]:
    loads: dict[str, int] = {}
    for _, v in pairs:
        loads[v.id] = loads.get(v.id, 0) + 1
    return (
        len(pairs),
        sum(r.priority for r, _ in pairs),
        -sum(round(distance(r, v)) for r, v in pairs),
        -sum(n * (n - 1) // 2 for n in loads.values()),
    )


def result_score(inst: matching.Instance, result: matching.Result) -> tuple[int, int, int, int]:
    reqs = {r.id: r for r in inst.requests}
    return score(inst, [(reqs[a.request], vol(inst, a.volunteer)) for a in result.assignments])


def check_feasible(inst: matching.Instance, result: matching.Result) -> None:
    reqs = {r.id: r for r in inst.requests}
    assert len({a.request for a in result.assignments}) == result.served
    assert {a.request for a in result.assignments} | set(result.unassigned) == set(reqs)
    assert not {a.request for a in result.assignments} & set(result.unassigned)
    for a in result.assignments:
        v, r = vol(inst, a.volunteer), reqs[a.request]
        assert eligible(v, r, inst.max_distance_m)
        assert a.distance_m == round(distance(r, v))
    for vid, load in result.loads().items():
        assert load <= vol(inst, vid).capacity


def test_the_issues_example_gives_the_expected_output_shape() -> None:
    result = solve(parse_instance(instance([volunteer()], [request()])))
    assert result.to_json() == {
        "assignments": [{"request": "r1", "volunteer": "v1", "distance_m": 1434}],
        "unassigned": [],
        "objective": {"served": 1, "total_distance_m": 1434, "priority_served": 1},
    }


@pytest.mark.parametrize(
    ("over", "max_d"),
    [
        ({}, 1000),  # 1434 m away
        ({"skills": ["shopping", "escort"]}, 1500),
        ({"language": "zh"}, 1500),
        ({"slot": "tue-am"}, 1500),
    ],
    ids=["too far", "missing skill", "language not spoken", "slot not available"],
)
def test_each_eligibility_rule_excludes_the_pair(over: dict[str, Any], max_d: float) -> None:
    result = solve(parse_instance(instance([volunteer()], [request(**over)], max_d)))
    assert result.served == 0
    assert result.unassigned == ("r1",)


def test_a_request_without_a_language_can_be_served_by_anyone() -> None:
    result = solve(parse_instance(instance([volunteer(languages=[])], [request(language=None)])))
    assert result.served == 1


def test_capacity_is_respected_and_zero_capacity_serves_nobody() -> None:
    reqs = [request(f"r{i}") for i in range(5)]
    result = solve(
        parse_instance(instance([volunteer(capacity=2), volunteer("v2", capacity=0)], reqs))
    )
    assert result.served == 2
    assert result.loads() == {"v1": 2}


def test_the_solver_serves_more_than_greedy_when_greedy_blocks_a_volunteer() -> None:
    # r1 is nearest to v1, but only v1 can reach r2; v2 can also serve r1.
    vols = [volunteer("v1", capacity=1), volunteer("v2", lat=35.505, lng=139.675, capacity=1)]
    reqs = [request("r1", lat=35.5001, lng=139.6701), request("r2", lat=35.492, lng=139.662)]
    inst = parse_instance(instance(vols, reqs, 1200))
    assert matching.greedy_nearest_first(inst).served == 1
    assert solve(inst).served == 2


def test_higher_priority_wins_when_not_all_can_be_served_but_never_costs_a_request() -> None:
    vols = [volunteer("v1", capacity=1)]
    near_low = request("r1", lat=35.5, lng=139.67, priority=0)
    far_high = request("r2", priority=3)
    result = solve(parse_instance(instance(vols, [near_low, far_high])))
    assert [a.request for a in result.assignments] == ["r2"]
    # two low-priority requests beat one high-priority one: the number served comes first
    vols = [volunteer("v1", capacity=1), volunteer("v2", capacity=1, skills=["escort"])]
    reqs = [request("r1", priority=0), request("r2", skills=["escort"], priority=0)]
    reqs.append(request("r3", skills=["shopping", "escort"], priority=5))
    vols.append(volunteer("v3", capacity=0))
    assert solve(parse_instance(instance(vols, reqs))).served == 2


def test_load_is_balanced_when_distance_ties() -> None:
    vols = [volunteer("v1", capacity=4), volunteer("v2", capacity=4)]
    result = solve(parse_instance(instance(vols, [request(f"r{i}") for i in range(4)])))
    assert result.loads() == {"v1": 2, "v2": 2}


def random_instance(rng: random.Random, n_r: int, n_v: int) -> dict[str, Any]:
    skills, langs = ["shopping", "escort", "meal"], ["ja", "pt", "zh"]
    slots = ["mon-am", "mon-pm", "tue-am"]

    def point() -> dict[str, float]:
        return {"lat": 35.5 + rng.uniform(-0.01, 0.01), "lng": 139.67 + rng.uniform(-0.01, 0.01)}

    vols = [
        {
            "id": f"v{i}",
            **point(),
            "capacity": rng.randint(0, 3),
            "skills": rng.sample(skills, rng.randint(0, 3)),
            "languages": rng.sample(langs, rng.randint(0, 3)),
            "availability": rng.sample(slots, rng.randint(1, 3)),
        }
        for i in range(n_v)
    ]
    reqs = [
        {
            "id": f"r{i}",
            **point(),
            "skills": rng.sample(skills, rng.randint(0, 1)),
            "language": rng.choice([None, *langs]),
            "slot": rng.choice(slots),
            "priority": rng.randint(0, 2),
        }
        for i in range(n_r)
    ]
    return instance(vols, reqs, rng.choice([600, 1200, 2500]))


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(0, 6), st.integers(0, 4))
def test_on_tiny_instances_the_solver_is_the_lexicographic_optimum(
    seed: int, n_r: int, n_v: int
) -> None:
    inst = parse_instance(random_instance(random.Random(seed), n_r, n_v))
    result = solve(inst)
    check_feasible(inst, result)
    assert result_score(inst, result) == brute_force_best(inst)
    greedy = matching.greedy_nearest_first(inst)
    check_feasible(inst, greedy)
    assert greedy.served <= result.served


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(0, 40), st.integers(0, 15))
def test_on_small_instances_the_solver_serves_the_maximum(seed: int, n_r: int, n_v: int) -> None:
    inst = parse_instance(random_instance(random.Random(seed), n_r, n_v))
    result = solve(inst)
    check_feasible(inst, result)
    assert result.served == max_served(inst)
    assert matching.greedy_nearest_first(inst).served <= result.served


def test_the_result_is_deterministic_and_independent_of_input_order() -> None:
    data = random_instance(random.Random(7), 60, 20)
    first = solve(parse_instance(data))
    assert solve(parse_instance(data)) == first
    data["volunteers"].reverse()
    data["requests"].reverse()
    assert solve(parse_instance(data)) == first


def test_candidate_pairs_match_a_brute_force_scan() -> None:
    inst = parse_instance(random_instance(random.Random(3), 200, 60))
    cand = matching.candidate_pairs(inst)
    found = {
        (cand.requests[r].id, cand.volunteers[v].id)
        for r, v in zip(cand.req.tolist(), cand.vol.tolist(), strict=True)
    }
    expected = {
        (r.id, v.id)
        for r in inst.requests
        for v in inst.volunteers
        if eligible(v, r, inst.max_distance_m)
    }
    assert found == expected


@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        (lambda d: d.pop("max_distance_m"), "max_distance_m"),
        (lambda d: d.update(max_distance_m=0), "max_distance_m"),
        (lambda d: d["volunteers"][0].pop("capacity"), "volunteers[0].capacity"),
        (lambda d: d["volunteers"][0].update(capacity=-1), "volunteers[0].capacity"),
        (lambda d: d["volunteers"][0].update(capacity=True), "volunteers[0].capacity"),
        (lambda d: d["volunteers"][0].update(languages=["JA"]), "volunteers[0].languages[0]"),
        (lambda d: d["volunteers"][0].update(skills=[""]), "volunteers[0].skills[0]"),
        (lambda d: d["volunteers"][0].update(skills=[3]), "volunteers[0].skills[0]"),
        (lambda d: d["requests"][0].update(slot="monday"), "requests[0].slot"),
        (lambda d: d["requests"][0].update(lat=float("nan")), "requests[0].lat"),
        (lambda d: d["requests"][0].update(lng=200), "requests[0].lng"),
        (lambda d: d["requests"][0].update(priority=-1), "requests[0].priority"),
        (lambda d: d["requests"][0].update(skils=[]), "requests[0].skils"),
        (lambda d: d["requests"].append(request("r1")), "requests[1].id"),
        (lambda d: d.update(volunteers={}), "volunteers"),
    ],
)
def test_invalid_instances_name_the_path_in_japanese_and_english(mutate: Any, path: str) -> None:
    data = instance([volunteer()], [request()])
    mutate(data)
    with pytest.raises(InstanceError) as caught:
        parse_instance(data)
    assert caught.value.path == path
    assert str(caught.value).startswith(f"{path}: ")
    assert " / " in str(caught.value)


def test_a_skill_no_volunteer_lists_is_valid_but_unservable() -> None:
    result = solve(parse_instance(instance([volunteer()], [request(skills=["piano"])])))
    assert result.unassigned == ("r1",)
