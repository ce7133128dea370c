"""Supporter assignment (individual evacuation plans) on 18,000 people × 6,000 supporters around
Tsurumi, side by side in one run:

(a) `disaster.matching.solve()` end to end with its default search (KD-tree candidates,
    graph, root min-cost flow, merging half-served people, the distance polish on a sparse
    subgraph, and branch and bound for as long as a branching fits the time limit) and (a')
    with `time_limit_s=0` (no polish, no branching), against (b) OR-Tools' bare
    min-cost-flow solve of the same prebuilt root graph;
(c) an independent upper bound on the number coverable, from three maximum flows computed
    with scipy.sparse.csgraph.maximum_flow on eligibility found by brute force (dense numpy
    haversine over every person × supporter, no KD-tree, none of the solver's code):
    with M1 = max flow to one-supporter people, M2 = max flow to two-supporter people
    (capacity 2 each, 1 per pair) and F = max flow to everyone, the fractional optimum is
    M1 + min(M2, F − M1) / 2 (the feasible (f1, f2) region of a two-group transportation
    flow is the polymatroid {f1 ≤ M1, f2 ≤ M2, f1 + f2 ≤ F}), so no plan covers more than
    M1 + ⌊min(M2, F − M1) / 2⌋;
(d) greedy nearest-first's coverage and mean distance.

People and supporters are synthetic: the real 町丁目 points of Tsurumi Ward
(/work/shared/data/tsurumi_towns.json, the copy in src/ainet/demo/data) with Gaussian jitter.

    .venv/bin/python bench/bench_disaster_matching.py
    .venv/bin/python bench/run.py bench_disaster_matching    # the same, via the runner
"""

from __future__ import annotations

import json
import random
import statistics
import time
from pathlib import Path
from typing import Any

import numpy as np
from scipy.sparse import csr_array
from scipy.sparse.csgraph import maximum_flow

from ainet.disaster import matching

N_PEOPLE = 18_000
N_SUPPORTERS = 6_000
MAX_DISTANCE_M = 500
NEEDS_TWO_SHARE = 0.15
ROUNDS = 3
SEED = 20240117
TOWNS = Path(__file__).resolve().parents[1] / "src/ainet/demo/data/tsurumi_towns.json"
LANGUAGES = ["pt", "es", "zh", "ko", "tl", "vi", "en"]
LANGUAGE_WEIGHTS = [30, 10, 20, 10, 12, 8, 10]  # foreign languages in Tsurumi's mix
DISTRICTS = ["north", "centre", "south", "east", "west", "bay"]


def synthetic_instance() -> dict[str, Any]:
    rng = random.Random(SEED)
    towns = [
        (t["lat"], t["lng"], DISTRICTS[i % len(DISTRICTS)])
        for i, t in enumerate(json.loads(TOWNS.read_text(encoding="utf-8")))
    ]

    def point() -> tuple[float, float, str]:
        lat, lng, district = rng.choice(towns)
        return (
            round(lat + rng.gauss(0, 0.002), 6),
            round(lng + rng.gauss(0, 0.0025), 6),
            district,
        )

    supporters = []
    for i in range(N_SUPPORTERS):
        lat, lng, district = point()
        languages = ["ja"]
        if rng.random() < 0.2:
            languages += rng.choices(LANGUAGES, LANGUAGE_WEIGHTS, k=rng.randint(1, 2))
        supporter: dict[str, Any] = {
            "id": f"s{i:05d}",
            "lat": lat,
            "lng": lng,
            "capacity": rng.choices([1, 2, 3, 4], [35, 35, 20, 10])[0],
            "languages": sorted(set(languages)),
        }
        if rng.random() < 0.3:  # e.g. a 民生委員 bound to their district
            supporter["district"] = district
        supporters.append(supporter)
    people = []
    for i in range(N_PEOPLE):
        lat, lng, district = point()
        person: dict[str, Any] = {
            "id": f"p{i:05d}",
            "lat": lat,
            "lng": lng,
            "needs_two": rng.random() < NEEDS_TWO_SHARE,
            "district": district,
        }
        if rng.random() < 0.06:
            person["language"] = rng.choices(LANGUAGES, LANGUAGE_WEIGHTS)[0]
        people.append(person)
    return {"max_distance_m": MAX_DISTANCE_M, "people": people, "supporters": supporters}


def dense_eligible_pairs(instance: matching.Instance) -> tuple[np.ndarray, np.ndarray]:
    """Every eligible (person, supporter) pair by brute force over the full matrix."""
    people = sorted(instance.people, key=lambda p: p.id)
    sups = sorted(instance.supporters, key=lambda s: s.id)
    s_lat = np.radians([s.lat for s in sups])
    s_lng = np.radians([s.lng for s in sups])
    s_ok = np.array([s.capacity > 0 for s in sups])
    tails, heads = [], []
    for i, p in enumerate(people):
        lat, lng = np.radians(p.lat), np.radians(p.lng)
        h = (
            np.sin((s_lat - lat) / 2) ** 2
            + np.cos(lat) * np.cos(s_lat) * np.sin((s_lng - lng) / 2) ** 2
        )
        near = 2 * 6_371_008.8 * np.arcsin(np.sqrt(h)) <= instance.max_distance_m
        for j in np.flatnonzero(near & s_ok).tolist():
            s = sups[j]
            if (p.language is None or p.language in s.languages) and (
                p.district is None or s.district is None or p.district == s.district
            ):
                tails.append(i)
                heads.append(j)
    return np.array(tails, dtype=np.int32), np.array(heads, dtype=np.int32)


def max_flow_value(
    tails: np.ndarray, heads: np.ndarray, need: np.ndarray, caps: np.ndarray, group: np.ndarray
) -> int:
    """Max flow source → people in `group` (capacity `need`) → supporters (1 per pair) → sink."""
    n_p, n_s = need.size, caps.size
    source, sink = n_p + n_s, n_p + n_s + 1
    keep = group[tails]
    row = np.concatenate([np.full(n_p, source), tails[keep], np.arange(n_p, n_p + n_s)])
    col = np.concatenate([np.arange(n_p), heads[keep] + n_p, np.full(n_s, sink)])
    cap = np.concatenate([np.where(group, need, 0), np.ones(int(keep.sum())), caps])
    graph = csr_array(
        (cap.astype(np.int32), (row.astype(np.int32), col.astype(np.int32))),
        shape=(n_p + n_s + 2, n_p + n_s + 2),
    )
    return int(maximum_flow(graph, source, sink).flow_value)


def coverage_bound(instance: matching.Instance) -> tuple[int, int]:
    """(upper bound on people coverable, number of eligible pairs) — independent of the solver."""
    tails, heads = dense_eligible_pairs(instance)
    people = sorted(instance.people, key=lambda p: p.id)
    need = np.array([2 if p.needs_two else 1 for p in people])
    caps = np.array([s.capacity for s in sorted(instance.supporters, key=lambda s: s.id)])
    m1 = max_flow_value(tails, heads, need, caps, need == 1)
    m2 = max_flow_value(tails, heads, need, caps, need == 2)
    f = max_flow_value(tails, heads, need, caps, need > 0)
    return m1 + min(m2, f - m1) // 2, int(tails.size)


def main() -> None:
    instance = matching.parse_instance(synthetic_instance())
    result = matching.solve(instance)
    quick = matching.solve(instance, time_limit_s=0)
    cand = matching.candidate_pairs(instance)
    demand = np.array([p.need for p in cand.people], dtype=np.int64)
    capacity = np.array([s.capacity for s in cand.supporters], dtype=np.int64)
    graph = matching.build_graph(demand, capacity, cand.person, cand.supporter, cand.dist)

    def bare() -> float:
        smcf = matching.new_solver(graph)
        start = time.perf_counter()
        assert smcf.solve() == smcf.OPTIMAL
        return time.perf_counter() - start

    # interleave (a) and (b) so load on a shared machine hits both alike
    full_samples, quick_samples, bare_samples, cand_samples = [], [], [], []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        matching.solve(instance)
        full_samples.append(time.perf_counter() - start)
        bare_samples.append(bare())
        start = time.perf_counter()
        matching.solve(instance, time_limit_s=0)
        quick_samples.append(time.perf_counter() - start)
        start = time.perf_counter()
        matching.candidate_pairs(instance)
        cand_samples.append(time.perf_counter() - start)
    full, bare_t = statistics.median(full_samples), statistics.median(bare_samples)
    cand_t = statistics.median(cand_samples)
    quick_t = statistics.median(quick_samples)
    start = time.perf_counter()
    load = matching.new_solver(graph)
    load_t = time.perf_counter() - start
    del load
    bound, dense_pairs = coverage_bound(instance)
    start = time.perf_counter()
    greedy = matching.greedy_nearest_first(instance)
    greedy_t = time.perf_counter() - start

    two = sum(p.needs_two for p in instance.people)
    print(
        f"instance: {N_PEOPLE} people ({two} need two) × {N_SUPPORTERS} supporters "
        f"(capacity {sum(s.capacity for s in instance.supporters)}), max {MAX_DISTANCE_M} m, "
        f"{cand.person.size} eligible pairs (dense check: {dense_pairs}), {graph.tails.size} arcs"
    )
    print(
        f"(a) solve() end to end, default search: {full * 1e3:9.1f} ms  (median of {ROUNDS}; "
        f"{result.nodes} min-cost-flow solves incl. the sparse polish, "
        f"limit {matching.DEFAULT_TIME_LIMIT_S:g} s)"
    )
    print(
        f"(a') solve(time_limit_s=0):             {quick_t * 1e3:9.1f} ms  "
        f"(root flow + merging half-served people, {quick.nodes} solve)"
    )
    print(f"    of which candidate pairs (KD-tree):  {cand_t * 1e3:9.1f} ms")
    print(f"    of which loading arcs into OR-Tools: {load_t * 1e3:9.1f} ms (per solve)")
    print(f"(b) bare OR-Tools min-cost-flow solve:   {bare_t * 1e3:9.1f} ms  (root graph)")
    print(f"    ratio a / b:                         {full / bare_t:9.2f}x  (goal ≤ 2x)")
    print(f"    ratio a' / b:                        {quick_t / bare_t:9.2f}x  (goal ≤ 2x)")
    verdict = "optimum reached" if result.covered == bound else "BELOW THE BOUND"
    print(
        f"(c) max-flow bound (independent):        {bound:9d}  "
        f"solver covered {result.covered}: {verdict}; "
        f"proven optimal by the solver: {result.proven_optimal}"
    )
    for name, r in (("solver (a) ", result), ("solver (a')", quick)):
        pairs = max(1, len(r.assignments))
        gap = (
            f"{r.total_distance_m - r.distance_bound} m above the distance bound "
            f"{r.distance_bound} m"
            if r.distance_bound is not None
            else "no distance bound"
        )
        print(
            f"    {name}: covered {r.covered:5d}, total {r.total_distance_m:10d} m, "
            f"mean {r.total_distance_m / pairs:6.1f} m per supporter; {gap}"
        )
    gpairs = max(1, len(greedy.assignments))
    print(
        f"(d) greedy:  covered {greedy.covered:5d}, total {greedy.total_distance_m:10d} m, "
        f"mean {greedy.total_distance_m / gpairs:6.1f} m per supporter  ({greedy_t * 1e3:.0f} ms)"
    )


if __name__ == "__main__":
    main()
