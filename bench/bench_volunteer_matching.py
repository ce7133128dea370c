"""Batch volunteer matching on 5,000 requests × 2,000 volunteers around Tsurumi: the full
`matching.solve()` (candidates + graph + OR-Tools) against OR-Tools' bare min-cost-flow solve
of the same prebuilt graph, an independent maximum-flow bound (dense numpy eligibility +
OR-Tools SimpleMaxFlow), and greedy nearest-first beside it.

    .venv/bin/python bench/bench_volunteer_matching.py
    .venv/bin/python bench/run.py bench_volunteer_matching    # the same, via the runner
"""

from __future__ import annotations

import json
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from ortools.graph.python import max_flow

from ainet.volunteers import matching

N_REQUESTS = 5_000
N_VOLUNTEERS = 2_000
MAX_DISTANCE_M = 1_500
ROUNDS = 7
SEED = 20240401
TOWNS = Path(__file__).resolve().parents[1] / "src/ainet/demo/data/tsurumi_towns.json"
SKILLS = ["shopping", "escort", "meal", "cleaning", "garden", "it", "talk", "childcare"]
SKILL_WEIGHTS = [30, 20, 15, 12, 6, 6, 8, 3]
LANGUAGES = ["ja", "pt", "es", "zh", "ko", "tl", "vi", "en"]
LANGUAGE_WEIGHTS = [0, 30, 10, 20, 10, 12, 8, 10]  # foreign languages in Tsurumi's mix


def timed(fn: Callable[[], object], rounds: int = ROUNDS) -> float:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def synthetic_instance() -> dict[str, Any]:
    rng = random.Random(SEED)
    towns = [
        (t["lat"], t["lng"])
        for t in json.loads(TOWNS.read_text(encoding="utf-8"))
        if 35.47 <= t["lat"] <= 35.53 and 139.64 <= t["lng"] <= 139.72
    ]

    def point() -> tuple[float, float]:
        lat, lng = rng.choice(towns)
        lat = min(35.53, max(35.47, lat + rng.gauss(0, 0.002)))
        lng = min(139.72, max(139.64, lng + rng.gauss(0, 0.0025)))
        return round(lat, 6), round(lng, 6)

    volunteers = []
    for i in range(N_VOLUNTEERS):
        lat, lng = point()
        languages = ["ja"]
        if rng.random() < 0.25:
            languages += rng.choices(LANGUAGES[1:], LANGUAGE_WEIGHTS[1:], k=rng.randint(1, 2))
        slots = rng.sample(matching.SLOTS, rng.randint(2, 8))
        volunteers.append(
            {
                "id": f"v{i:05d}",
                "lat": lat,
                "lng": lng,
                "capacity": rng.randint(1, 4),
                "skills": sorted(set(rng.choices(SKILLS, SKILL_WEIGHTS, k=rng.randint(1, 4)))),
                "languages": sorted(set(languages)),
                "availability": sorted(slots),
            }
        )
    requests = []
    for i in range(N_REQUESTS):
        lat, lng = point()
        language = None
        if rng.random() < 0.15:
            language = rng.choices(LANGUAGES[1:], LANGUAGE_WEIGHTS[1:])[0]
        elif rng.random() < 0.5:
            language = "ja"
        day = rng.choices(matching.DAYS, [16, 16, 16, 16, 16, 12, 8])[0]
        part = rng.choices(matching.PERIODS, [50, 40, 10])[0]
        request: dict[str, Any] = {
            "id": f"r{i:05d}",
            "lat": lat,
            "lng": lng,
            "skills": sorted(set(rng.choices(SKILLS, SKILL_WEIGHTS, k=rng.choice([1, 1, 1, 2])))),
            "slot": f"{day}-{part}",
            "priority": rng.choices([0, 1, 2, 3], [50, 30, 15, 5])[0],
        }
        if language is not None:
            request["language"] = language
        requests.append(request)
    return {"max_distance_m": MAX_DISTANCE_M, "volunteers": volunteers, "requests": requests}


def dense_eligible_pairs(instance: matching.Instance) -> tuple[np.ndarray, np.ndarray]:
    """Every eligible pair by brute force over the full request × volunteer matrix."""
    reqs = sorted(instance.requests, key=lambda r: r.id)
    vols = sorted(instance.volunteers, key=lambda v: v.id)
    v_lat = np.radians([v.lat for v in vols])
    v_lng = np.radians([v.lng for v in vols])
    v_cap = np.array([v.capacity > 0 for v in vols])
    tails, heads = [], []
    for i, r in enumerate(reqs):
        lat, lng = np.radians(r.lat), np.radians(r.lng)
        h = (
            np.sin((v_lat - lat) / 2) ** 2
            + np.cos(lat) * np.cos(v_lat) * np.sin((v_lng - lng) / 2) ** 2
        )
        near = 2 * matching.EARTH_RADIUS_M * np.arcsin(np.sqrt(h)) <= instance.max_distance_m
        for j in np.flatnonzero(near & v_cap).tolist():
            v = vols[j]
            if (
                r.skills <= v.skills
                and (r.language is None or r.language in v.languages)
                and r.slot in v.availability
            ):
                tails.append(i)
                heads.append(j)
    return np.array(tails, dtype=np.int32), np.array(heads, dtype=np.int32)


def max_flow_bound(instance: matching.Instance) -> tuple[int, int]:
    """(maximum number of requests servable, number of eligible pairs) — independent of
    `matching`'s candidate grid and cost model."""
    tails, heads = dense_eligible_pairs(instance)
    vols = sorted(instance.volunteers, key=lambda v: v.id)
    n_r, n_v = len(instance.requests), len(vols)
    source, sink = n_r + n_v, n_r + n_v + 1
    flow = max_flow.SimpleMaxFlow()
    flow.add_arcs_with_capacity(
        np.full(n_r, source, dtype=np.int32), np.arange(n_r, dtype=np.int32), np.ones(n_r)
    )
    flow.add_arcs_with_capacity(tails, heads + n_r, np.ones(tails.size))
    flow.add_arcs_with_capacity(
        np.arange(n_r, n_r + n_v, dtype=np.int32),
        np.full(n_v, sink, dtype=np.int32),
        np.array([v.capacity for v in vols]),
    )
    assert flow.solve(source, sink) == flow.OPTIMAL
    return int(flow.optimal_flow()), int(tails.size)


def main() -> None:
    data = synthetic_instance()
    instance = matching.parse_instance(data)

    result = matching.solve(instance)
    candidates_t = timed(lambda: matching.candidate_pairs(instance))
    graph = matching.build_graph(instance)
    arrays_t = timed(lambda: matching.build_graph(instance, graph.candidates))
    load_t = timed(lambda: matching.new_solver(graph))

    def bare() -> float:
        smcf = matching.new_solver(graph)
        start = time.perf_counter()
        assert smcf.solve_max_flow_with_min_cost() == smcf.OPTIMAL
        return time.perf_counter() - start

    # interleave (a) and (b) so load on a shared machine hits both alike
    full_samples, bare_samples = [], []
    for _ in range(ROUNDS):
        full_samples.append(timed(lambda: matching.solve(instance), rounds=1))
        bare_samples.append(bare())
    full, bare_t = statistics.median(full_samples), statistics.median(bare_samples)
    bound, dense_pairs = max_flow_bound(instance)
    greedy_t = timed(lambda: matching.greedy_nearest_first(instance))
    greedy = matching.greedy_nearest_first(instance)

    print(
        f"instance: {N_REQUESTS} requests × {N_VOLUNTEERS} volunteers, "
        f"max {MAX_DISTANCE_M} m, {graph.candidates.req.size} eligible pairs "
        f"(dense check: {dense_pairs}), {graph.tails.size} arcs, "
        f"load tier {'on' if graph.load_tier else 'off'}"
    )
    print(f"(a) solve() end to end:                  {full * 1e3:9.1f} ms  (median of {ROUNDS})")
    print(f"    of which candidate pairs (numpy):    {candidates_t * 1e3:9.1f} ms")
    print(f"    of which graph arrays (numpy):       {arrays_t * 1e3:9.1f} ms")
    print(f"    of which loading arcs into OR-Tools: {load_t * 1e3:9.1f} ms")
    print(f"(b) bare OR-Tools min-cost-flow solve:   {bare_t * 1e3:9.1f} ms")
    print(f"    ratio a / b:                         {full / bare_t:9.2f}x")
    verdict = "optimum reached" if result.served == bound else "NOT OPTIMAL"
    print(
        f"(c) max-flow bound (independent):        {bound:9d}  "
        f"solver served {result.served}: {verdict}"
    )
    print(
        f"    solver:  served {result.served:5d}, distance {result.total_distance_m:9d} m, "
        f"priority sum {result.priority_served}"
    )
    print(
        f"(d) greedy:  served {greedy.served:5d}, distance {greedy.total_distance_m:9d} m, "
        f"priority sum {greedy.priority_served}  ({greedy_t * 1e3:.1f} ms)"
    )


if __name__ == "__main__":
    main()
