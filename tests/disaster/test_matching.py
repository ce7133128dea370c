"""The supporter-assignment solver: eligibility, needs-two, the lexicographic optimum
(checked against brute force), input validation and re-planning."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ainet.disaster import matching

LAT = 35.5
LNG = 139.67
STEP = 0.001  # ≈ 90.6 m of longitude at 35.5° N


def person(pid: str = "p1", x: float = 0.0, **extra: Any) -> dict[str, Any]:
    return {"id": pid, "lat": LAT, "lng": LNG + x * STEP, **extra}


def supporter(sid: str = "s1", x: float = 0.0, capacity: int = 1, **extra: Any) -> dict[str, Any]:
    return {"id": sid, "lat": LAT, "lng": LNG + x * STEP, "capacity": capacity, **extra}


def instance(
    people: list[dict[str, Any]], supporters: list[dict[str, Any]], max_distance_m: float = 500
) -> dict[str, Any]:
    return {"max_distance_m": max_distance_m, "people": people, "supporters": supporters}


def solve(data: dict[str, Any], **options: Any) -> matching.Result:
    return matching.solve(matching.parse_instance(data), **options)


def pairs(result: matching.Result) -> set[tuple[str, str]]:
    return {(a.person, a.supporter) for a in result.assignments}


def metres(steps: float) -> int:
    return round(matching.haversine_m(LAT, LNG, LAT, LNG + steps * STEP))


def test_the_issue_example_is_served_at_its_haversine_distance() -> None:
    data = {
        "max_distance_m": 500,
        "people": [{"id": "p1", "lat": 35.5, "lng": 139.67, "needs_two": False, "language": "ja"}],
        "supporters": [
            {"id": "s1", "lat": 35.501, "lng": 139.671, "capacity": 1, "languages": ["ja"]}
        ],
    }
    result = solve(data)
    expected = round(matching.haversine_m(35.5, 139.67, 35.501, 139.671))
    assert result.to_json() == {
        "assignments": [{"person": "p1", "supporter": "s1", "distance_m": expected}],
        "uncovered": [],
        "objective": {"covered": 1, "total_distance_m": expected},
    }
    assert 140 <= expected <= 145
    assert result.proven_optimal


def test_a_person_needing_two_gets_two_distinct_supporters() -> None:
    result = solve(instance([person(needs_two=True)], [supporter("s1", 1), supporter("s2", -1)]))
    assert pairs(result) == {("p1", "s1"), ("p1", "s2")}
    assert result.covered == 1


def test_one_supporter_with_capacity_two_does_not_cover_a_person_needing_two() -> None:
    result = solve(instance([person(needs_two=True)], [supporter("s1", 1, capacity=2)]))
    assert result.assignments == ()
    assert result.uncovered == ("p1",)


def test_a_lone_supporter_is_not_wasted_on_a_person_needing_two() -> None:
    # p1 needs two but only s1 is near enough; s1 should serve p2 instead
    result = solve(
        instance(
            [person("p1", 0, needs_two=True), person("p2", 2)],
            [supporter("s1", 1), supporter("s9", 20)],
        )
    )
    assert pairs(result) == {("p2", "s1")}
    assert result.uncovered == ("p1",)


def test_covering_more_people_beats_a_shorter_distance() -> None:
    # s1 is nearest to p1, but p2 can only use s1; p1 can walk to s2
    result = solve(
        instance(
            [person("p1", 0), person("p2", 4)],
            [supporter("s1", 1), supporter("s2", -4)],
        )
    )
    assert pairs(result) == {("p1", "s2"), ("p2", "s1")}


def test_the_total_distance_is_minimised_among_maximum_covers() -> None:
    result = solve(
        instance(
            [person("p1", 0), person("p2", 3)],
            [supporter("s1", 0.5), supporter("s2", 3.5)],
        )
    )
    assert pairs(result) == {("p1", "s1"), ("p2", "s2")}
    assert result.total_distance_m == 2 * metres(0.5)


def test_capacity_limits_how_many_people_a_supporter_takes() -> None:
    result = solve(
        instance([person("p1", 0), person("p2", 0.1), person("p3", 0.2)], [supporter(capacity=2)])
    )
    assert result.covered == 2
    assert result.loads() == {"s1": 2}
    assert result.uncovered == ("p3",)


def test_a_supporter_with_capacity_zero_serves_nobody() -> None:
    assert solve(instance([person()], [supporter(capacity=0)])).covered == 0


def test_a_supporter_beyond_the_maximum_distance_is_not_used() -> None:
    result = solve(instance([person()], [supporter(x=6)], max_distance_m=500))  # ≈ 544 m
    assert result.covered == 0
    assert solve(instance([person()], [supporter(x=5)], max_distance_m=500)).covered == 1


def test_a_person_with_a_language_needs_a_supporter_who_speaks_it() -> None:
    data = instance(
        [person("p1", language="pt")],
        [supporter("s1", 0.1, languages=["ja"]), supporter("s2", 3, languages=["ja", "pt"])],
    )
    assert pairs(solve(data)) == {("p1", "s2")}
    assert solve(instance([person(language="pt")], [supporter()])).covered == 0


def test_a_person_without_a_language_may_be_served_by_anyone() -> None:
    assert solve(instance([person()], [supporter(languages=["vi"])])).covered == 1


def test_districts_must_match_when_both_are_given() -> None:
    data = instance(
        [person("p1", district="north")],
        [supporter("s1", 0.1, district="south"), supporter("s2", 2, district="north")],
    )
    assert pairs(solve(data)) == {("p1", "s2")}
    assert solve(instance([person(district="north")], [supporter()])).covered == 1
    assert solve(instance([person()], [supporter(district="south")])).covered == 1


def test_a_fractional_half_cover_is_resolved_to_a_whole_person() -> None:
    # three unit supporters, two people needing two: the flow relaxation can serve one
    # fully and the other by half; only one can really be covered
    data = instance(
        [person("p1", 0, needs_two=True), person("p2", 2, needs_two=True)],
        [supporter("s1", 0.5), supporter("s2", 1), supporter("s3", 1.5)],
    )
    result = solve(data)
    assert result.covered == 1
    assert result.covered_bound == 1
    assert result.proven_optimal
    for p in ("p1", "p2"):
        assert len([a for a in result.assignments if a.person == p]) in (0, 2)


def test_halves_are_merged_so_the_fractional_bound_is_reached() -> None:
    # p1 and p2 each need two; with both served fully the coverage is 2 (the bound)
    data = instance(
        [person("p1", 0, needs_two=True), person("p2", 1, needs_two=True), person("p3", 2)],
        [supporter("s1", 0, capacity=2), supporter("s2", 1, capacity=2), supporter("s3", 2)],
    )
    result = solve(data)
    assert result.covered == 3
    assert result.proven_optimal


def test_output_is_deterministic_and_sorted() -> None:
    data = instance(
        [person(f"p{i}", i * 0.3, needs_two=i % 3 == 0) for i in range(9)],
        [supporter(f"s{i}", i * 0.5, capacity=2) for i in range(5)],
    )
    first, second = solve(data), solve(data)
    assert first == second
    keys = [(a.person, a.supporter) for a in first.assignments]
    assert keys == sorted(keys)
    assert list(first.uncovered) == sorted(first.uncovered)


def test_greedy_never_covers_more_than_the_solver() -> None:
    data = instance(
        [person(f"p{i}", i * 0.4, needs_two=i % 2 == 0) for i in range(8)],
        [supporter(f"s{i}", i * 0.7, capacity=1 + i % 2) for i in range(5)],
    )
    inst = matching.parse_instance(data)
    assert matching.greedy_nearest_first(inst).covered <= matching.solve(inst).covered


# --------------------------------------------------------------------------- brute force


def brute_force(data: dict[str, Any]) -> tuple[int, int]:
    """(max covered, min total distance among max covers) by enumerating every plan."""
    inst = matching.parse_instance(data)
    options = []
    for p in inst.people:
        eligible = []
        for s in inst.supporters:
            d = matching.haversine_m(p.lat, p.lng, s.lat, s.lng)
            if (
                s.capacity > 0
                and d <= inst.max_distance_m
                and (p.language is None or p.language in s.languages)
                and (p.district is None or s.district is None or p.district == s.district)
            ):
                eligible.append((s.id, round(d)))
        options.append([(), *itertools.combinations(eligible, p.need)])
    capacity = {s.id: s.capacity for s in inst.supporters}
    best = (0, 0)
    for plan in itertools.product(*options):
        load: dict[str, int] = {}
        for chosen in plan:
            for sid, _ in chosen:
                load[sid] = load.get(sid, 0) + 1
        if any(load[s] > capacity[s] for s in load):
            continue
        covered = sum(1 for chosen in plan if chosen)
        distance = sum(d for chosen in plan for _, d in chosen)
        if covered > best[0] or (covered == best[0] and distance < best[1]):
            best = (covered, distance)
    return best


def tiny_instances(mostly_two: bool = False) -> st.SearchStrategy[dict[str, Any]]:
    # up to ≈ 840 m apart; closer (≈ 350 m) when most need two, so that they compete
    position = st.integers(0, 5 if mostly_two else 12).map(lambda k: k * 0.77)
    two = st.sampled_from([True, True, True, False]) if mostly_two else st.booleans()
    language = st.sampled_from([None, None, "ja", "pt"])
    district = st.sampled_from([None, None, "a", "b"])

    def make(people: list[Any], supporters: list[Any]) -> dict[str, Any]:
        ps = []
        for i, (x, two, lang, dist) in enumerate(people):
            item = person(f"p{i}", x, needs_two=two)
            if lang:
                item["language"] = lang
            if dist:
                item["district"] = dist
            ps.append(item)
        ss = []
        for i, (x, cap, langs, dist) in enumerate(supporters):
            item = supporter(f"s{i}", x, capacity=cap, languages=sorted(langs))
            if dist:
                item["district"] = dist
            ss.append(item)
        return instance(ps, ss, max_distance_m=400)

    return st.builds(
        make,
        st.lists(st.tuples(position, two, language, district), max_size=5),
        st.lists(
            st.tuples(
                position,
                st.sampled_from([1, 1, 2]) if mostly_two else st.integers(0, 2),
                st.sets(st.sampled_from(["ja", "pt"])),
                district,
            ),
            max_size=4,
        ),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_instances())
def test_the_solver_matches_brute_force_on_tiny_instances(data: dict[str, Any]) -> None:
    check_against_brute_force(data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_instances(mostly_two=True))
def test_the_solver_matches_brute_force_when_most_need_two(data: dict[str, Any]) -> None:
    check_against_brute_force(data)


def check_against_brute_force(data: dict[str, Any]) -> None:
    result = solve(data, node_limit=10_000, time_limit_s=60)
    assert result.proven_optimal
    assert (result.covered, result.total_distance_m) == brute_force(data)
    assert result.covered <= result.covered_bound
    inst = matching.parse_instance(data)
    need = {p.id: p.need for p in inst.people}
    capacity = {s.id: s.capacity for s in inst.supporters}
    per_person: dict[str, list[str]] = {}
    for a in result.assignments:
        per_person.setdefault(a.person, []).append(a.supporter)
    for pid, sids in per_person.items():
        assert len(sids) == len(set(sids)) == need[pid]
    assert all(load <= capacity[s] for s, load in result.loads().items())


def test_many_needing_two_exercise_the_branch_and_bound() -> None:
    rng = np.random.default_rng(7)
    people = [
        person(f"p{i:02d}", float(rng.uniform(0, 12)), needs_two=bool(rng.random() < 0.7))
        for i in range(12)
    ]
    supporters = [supporter(f"s{i}", float(rng.uniform(0, 12))) for i in range(9)]
    data = instance(people, supporters, max_distance_m=300)
    result = solve(data, node_limit=10_000, time_limit_s=60)
    assert result.nodes > 1  # the root relaxation half-served someone
    assert result.proven_optimal
    assert result.covered == result.covered_bound
    fast = solve(data, time_limit_s=0)  # merge only: coverage, but no distance search
    assert fast.covered <= result.covered
    assert fast.total_distance_m >= result.total_distance_m or fast.covered < result.covered


def test_a_branching_starts_only_when_it_fits_the_time_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = np.random.default_rng(7)  # the instance above: the root half-serves people
    people = [
        person(f"p{i:02d}", float(rng.uniform(0, 12)), needs_two=bool(rng.random() < 0.7))
        for i in range(12)
    ]
    supporters = [supporter(f"s{i}", float(rng.uniform(0, 12))) for i in range(9)]
    data = instance(people, supporters, max_distance_m=300)
    exact = solve(data, node_limit=10_000, time_limit_s=60)
    fast = solve(data, time_limit_s=0)

    class Clock:  # every reading is one second later: each relaxation "takes" 1 s
        now = 0.0

        def perf_counter(self) -> float:
            self.now += 1.0
            return self.now

    monkeypatch.setattr(matching, "time", Clock())
    # 1 s has passed after the root and a branching would take 2 s more: 3 s > 2.5 s
    short = solve(data, node_limit=10_000, time_limit_s=2.5)
    assert short.nodes == 2  # the root and the polish, nothing more
    assert short.covered == exact.covered  # merging already reached the bound
    assert exact.total_distance_m <= short.total_distance_m <= fast.total_distance_m
    assert not short.proven_optimal or short.total_distance_m == exact.total_distance_m
    monkeypatch.setattr(matching, "time", Clock())
    assert solve(data, node_limit=10_000, time_limit_s=3.5).nodes > 2  # 3 s fits


def test_the_sparse_polish_leaves_the_exact_search_exact(monkeypatch: pytest.MonkeyPatch) -> None:
    """The polish offers each person only its nearest supporter(s); the search still finds
    the optimum (the polish gives an incumbent, never a bound)."""
    monkeypatch.setattr(matching, "POLISH_NEAREST", 1)
    rng = np.random.default_rng(11)
    for _ in range(25):
        people = [
            person(f"p{i}", float(rng.integers(0, 6)) * 0.77, needs_two=bool(rng.random() < 0.7))
            for i in range(int(rng.integers(2, 6)))
        ]
        supporters = [
            supporter(f"s{i}", float(rng.integers(0, 6)) * 0.77, capacity=int(rng.integers(1, 3)))
            for i in range(int(rng.integers(2, 5)))
        ]
        check_against_brute_force(instance(people, supporters, max_distance_m=400))


def test_candidates_come_nearest_first_for_each_person() -> None:
    people = [person("p1", 0), person("p2", 3)]
    supporters = [supporter("s1", 2), supporter("s2", 0.5), supporter("s3", 1), supporter("s4", 1)]
    cand = matching.candidate_pairs(matching.parse_instance(instance(people, supporters)))
    rows = list(zip(cand.person.tolist(), cand.dist.tolist(), cand.supporter.tolist(), strict=True))
    assert rows == sorted(rows)
    assert [cand.supporters[s].id for p, _d, s in rows if p == 0] == ["s2", "s3", "s4", "s1"]


# --------------------------------------------------------------------------- validation

INVALID = {
    "people.missing": ({"max_distance_m": 500, "supporters": []}, "people"),
    "unknown top key": (
        {"max_distance_m": 500, "people": [], "supporters": [], "extra": 1},
        "extra",
    ),
    "zero distance": (instance([], [], max_distance_m=0), "max_distance_m"),
    "person without lat": (instance([{"id": "p1", "lng": 139.6}], []), "people[0].lat"),
    "negative capacity": (instance([], [supporter(capacity=-1)]), "supporters[0].capacity"),
    "fractional capacity": (instance([], [supporter(capacity=1.5)]), "supporters[0].capacity"),
    "string capacity": (instance([], [supporter(capacity="2")]), "supporters[0].capacity"),
    "duplicate person": (instance([person(), person()], []), "people[1].id"),
    "duplicate supporter": (instance([], [supporter(), supporter()]), "supporters[1].id"),
    "needs_two not boolean": (instance([person(needs_two="yes")], []), "people[0].needs_two"),
    "bad language": (instance([person(language="Japanese")], []), "people[0].language"),
    "languages not a list": (instance([], [supporter(languages="ja")]), "supporters[0].languages"),
    "unknown person key": (instance([person(name="x")], []), "people[0].name"),
    "blank district": (instance([person(district=" ")], []), "people[0].district"),
    "latitude out of range": (instance([person() | {"lat": 95}], []), "people[0].lat"),
    "people not a list": ({"max_distance_m": 5, "people": {}, "supporters": []}, "people"),
}


@pytest.mark.parametrize(("data", "path"), INVALID.values(), ids=INVALID.keys())
def test_invalid_input_names_the_path_in_japanese_and_english(data: Any, path: str) -> None:
    with pytest.raises(matching.InstanceError) as caught:
        matching.parse_instance(data)
    assert caught.value.path == path
    assert " / " in str(caught.value)


# --------------------------------------------------------------------------- re-planning


def test_replanning_keeps_every_still_valid_assignment() -> None:
    data = instance(
        [person("p1", 0), person("p2", 2), person("p3", 4)],
        [supporter("s1", 0), supporter("s2", 2), supporter("s3", 4), supporter("s4", 3)],
    )
    inst = matching.parse_instance(data)
    # a deliberately non-optimal previous plan: p3 walks to s4 although s3 is nearer
    previous = [("p1", "s1"), ("p2", "s2"), ("p3", "s4")]
    result = matching.replan(inst, previous, ["s2"])
    assert ("p1", "s1") in pairs(result)
    assert ("p3", "s4") in pairs(result)  # kept although s3 would be nearer
    assert ("p2", "s3") in pairs(result)  # p2 lost s2 and gets the free s3
    assert result.kept == 2
    assert [(a.person, a.supporter) for a in result.released] == [("p2", "s2")]
    assert result.covered == 3


def test_replanning_a_person_needing_two_keeps_the_remaining_supporter() -> None:
    data = instance(
        [person("p1", 0, needs_two=True)],
        [supporter("s1", 0.5), supporter("s2", -0.5), supporter("s3", 1.5)],
    )
    inst = matching.parse_instance(data)
    result = matching.replan(inst, [("p1", "s1"), ("p1", "s2")], ["s2"])
    assert pairs(result) == {("p1", "s1"), ("p1", "s3")}
    assert result.kept == 1


def test_replanning_releases_a_lone_supporter_who_covers_nobody() -> None:
    data = instance(
        [person("p1", 0, needs_two=True), person("p2", 1)],
        [supporter("s1", 0.5), supporter("s2", -0.5)],
    )
    inst = matching.parse_instance(data)
    result = matching.replan(inst, [("p1", "s1"), ("p1", "s2")], ["s2"])
    assert pairs(result) == {("p2", "s1")}  # s1 alone cannot cover p1: it helps p2
    assert {(a.person, a.supporter) for a in result.released} == {("p1", "s1"), ("p1", "s2")}


def test_replanning_drops_pairs_that_are_no_longer_eligible_or_over_capacity() -> None:
    data = instance(
        [person("p1", 0, language="pt"), person("p2", 0.2), person("p3", 0.4)],
        [
            supporter("s1", 0, capacity=1, languages=["ja"]),
            supporter("s2", 8, capacity=3, languages=["pt"]),
        ],
        max_distance_m=800,
    )
    inst = matching.parse_instance(data)
    result = matching.replan(inst, [("p1", "s1"), ("p2", "s1"), ("p3", "s1")], [])
    assert ("p2", "s1") in pairs(result)  # the nearest valid one within capacity stays
    assert ("p1", "s1") not in pairs(result)  # p1 speaks pt, s1 does not
    assert result.kept == 1
    assert result.covered == 3  # the rest go to s2


def test_replanning_with_nothing_unavailable_changes_nothing_of_an_optimal_plan() -> None:
    data = instance(
        [person(f"p{i}", i * 0.6, needs_two=i % 3 == 0) for i in range(8)],
        [supporter(f"s{i}", i * 0.9, capacity=2) for i in range(5)],
    )
    inst = matching.parse_instance(data)
    first = matching.solve(inst)
    again = matching.replan(inst, sorted(pairs(first)), [])
    assert pairs(again) == pairs(first)
    assert again.kept == len(first.assignments)


def test_a_previous_file_naming_unknown_people_is_refused() -> None:
    inst = matching.parse_instance(instance([person()], [supporter()]))
    with pytest.raises(matching.InstanceError) as caught:
        matching.parse_previous({"assignments": [{"person": "px", "supporter": "s1"}]}, inst)
    assert caught.value.path == "assignments[0].person"
