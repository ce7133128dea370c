"""Supporter assignment for individual evacuation plans (個別避難計画): propose evacuation
supporters for everyone without a plan, optimally.

Pure Python + numpy + scipy + OR-Tools (no Django), so it is quick to test and to benchmark.
The input rules, the haversine distance and the `InstanceError` message style are shared with
the volunteer solver (`ainet.volunteers.matching`).

Eligibility — supporter *s* may serve person *p* when all hold:

* the haversine distance (straight line on a sphere of radius 6 371 008.8 m — not a walking
  route) is at most ``max_distance_m``;
* *p* gives no ``language``, or *s* lists it in ``languages``;
* *p* or *s* gives no ``district``, or both give the same one;
* *s*'s ``capacity`` is positive.

A person with ``needs_two`` counts as covered only with two **distinct** supporters; one
supporter alone covers nobody. Everyone else needs one.

Objective — lexicographic, exact:

1. maximise the number of people covered;
2. then minimise the total distance in whole metres (each pair rounded half-to-even).

**Why a min-cost flow alone is not enough.** In the network source → person (capacity = need)
→ supporter (capacity 1 per pair, so two units are two distinct supporters) → sink (capacity),
"a person needing two gets 2 units or 0" is not a flow constraint: a flow may give such a
person a single unit. Scoring every unit of a one-supporter person 2 and every unit of a
two-supporter person 1 gives the *fractional* count (covered + ½ per half-served person) as
the flow's value; its maximum is therefore an upper bound on the true optimum (it is exactly
the LP relaxation), and when the optimal flow half-serves nobody it *is* the optimum.

The solver is a branch and bound whose relaxation is that min-cost flow:

* node relaxation: one OR-Tools ``SimpleMinCostFlow`` solve with unit costs
  ``−2W`` (one-supporter person), ``−W`` (two-supporter person), ``distance`` (pair), where
  ``W`` exceeds any possible total distance — so the flow's cost is
  ``−W · (2·covered + half-served) + distance`` and on integral points equals the true
  lexicographic objective ``−2W · covered + distance``. A bypass arc source → sink lets the
  flow leave demand unserved.
* if the root flow half-serves nobody, it is the optimum (both levels) and we stop.
* otherwise half-served people are first paired up along alternating paths
  (`_merge_halves`): the fractional count is unchanged, so when at most one is left over the
  coverage equals the root's bound ⌊count⌋ and is proven optimal. The covered set's distance
  is then re-optimised (`_polish`: one flow with those people's demand as node supply, over a
  sparse subgraph — each covered person's nearest supporters and the pairs the plan and the
  root flow use — so it costs a fraction of a full solve; it only yields an incumbent), and
* branching on a half-served person *p*: either *p* is left out (its source arc closed), or
  *p* must get two supporters (its demand becomes node supply; a node where that is
  infeasible is pruned). Best-first by relaxation cost, pruned by the incumbent.

When the search finishes, the result is the proven lexicographic optimum. A node or time
limit (``node_limit``; ``time_limit_s``, seconds after the root solve — a branching, two full
relaxations, starts only if the mean relaxation time says it ends within the limit; 0 skips the
distance search after merging) stops it early; the result then says
``proven_optimal = False`` and carries ``covered_bound`` (no plan covers more) and, when the
root's fractional count is even, ``distance_bound`` (no plan covering ``covered_bound`` people
is shorter: such plans are flows with the root's count, and the root minimises distance among
those).

Candidate pairs come from a ``scipy.spatial.cKDTree`` on 3-D unit vectors (the chord length
is monotone in the great-circle distance, so the ball query is exact after the haversine
filter), vectorised — 18,000 × 6,000 never builds 108M Python pairs.

Re-planning (``replan``): given a previous assignment and supporters who became unavailable,
every assignment that is still valid (both still in the instance, supporter available, pair
still eligible, within the supporter's capacity) is kept fixed and only the rest is
re-optimised. A two-supporter person who lost one supporter keeps the other and gets one more
if possible; if not, the kept one is released (a lone supporter covers nobody) and reported.
"""

from __future__ import annotations

import heapq
import math
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from ortools.graph.python import min_cost_flow
from scipy.spatial import cKDTree

from ainet.volunteers.matching import (
    EARTH_RADIUS_M,
    InstanceError,
    _identifier,
    _integer,
    _language,
    _lat_lng,
    _list,
    _number,
    _object,
    haversine_m,
)

__all__ = [
    "Assignment",
    "Instance",
    "InstanceError",
    "Person",
    "Result",
    "Supporter",
    "candidate_pairs",
    "greedy_nearest_first",
    "haversine_m",
    "parse_instance",
    "parse_previous",
    "replan",
    "solve",
]

MAX_DISTRICT_LENGTH = 64
# OR-Tools' cost scaling multiplies costs by (num_nodes + 1); keep well inside int64.
_COST_LIMIT = 2**62
DEFAULT_NODE_LIMIT = 1_000
DEFAULT_TIME_LIMIT_S = 2.0
# each covered person's nearest supporters offered to the polishing flow
POLISH_NEAREST = 8

IntArray = npt.NDArray[np.int64]
Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


@dataclass(frozen=True, slots=True)
class Person:
    id: str
    lat: float
    lng: float
    needs_two: bool = False
    language: str | None = None
    district: str | None = None

    @property
    def need(self) -> int:
        return 2 if self.needs_two else 1


@dataclass(frozen=True, slots=True)
class Supporter:
    id: str
    lat: float
    lng: float
    capacity: int
    languages: frozenset[str] = frozenset()
    district: str | None = None


@dataclass(frozen=True, slots=True)
class Instance:
    max_distance_m: float
    people: tuple[Person, ...]
    supporters: tuple[Supporter, ...]


@dataclass(frozen=True, slots=True)
class Assignment:
    person: str
    supporter: str
    distance_m: int


@dataclass(frozen=True, slots=True)
class Result:
    assignments: tuple[Assignment, ...]  # ordered by person id, then supporter id
    uncovered: tuple[str, ...]  # person ids, sorted
    proven_optimal: bool = True
    covered_bound: int = 0  # no assignment can cover more people than this
    nodes: int = 1  # min-cost-flow relaxations solved
    distance_bound: int | None = 0  # no plan covering `covered_bound` people is shorter
    kept: int = 0  # re-planning: assignments kept from the previous plan
    released: tuple[Assignment, ...] = ()  # re-planning: previous assignments not kept

    @property
    def covered(self) -> int:
        return len({a.person for a in self.assignments})

    @property
    def total_distance_m(self) -> int:
        return sum(a.distance_m for a in self.assignments)

    def loads(self) -> dict[str, int]:
        loads: dict[str, int] = {}
        for a in self.assignments:
            loads[a.supporter] = loads.get(a.supporter, 0) + 1
        return loads

    def to_json(self) -> dict[str, Any]:
        return {
            "assignments": [
                {"person": a.person, "supporter": a.supporter, "distance_m": a.distance_m}
                for a in self.assignments
            ],
            "uncovered": list(self.uncovered),
            "objective": {"covered": self.covered, "total_distance_m": self.total_distance_m},
        }


# --------------------------------------------------------------------------- validation


def _fail(path: str, ja: str, en: str) -> InstanceError:
    return InstanceError(path, ja, en)


def _district(value: Any, path: str) -> str | None:
    if value is None:
        return None
    if (
        not isinstance(value, str)
        or not value.strip()
        or value != value.strip()
        or len(value) > MAX_DISTRICT_LENGTH
    ):
        raise _fail(
            path,
            f"地区は前後に空白のない {MAX_DISTRICT_LENGTH} 文字以内の文字列です",
            f"a district must be a non-empty string (≤ {MAX_DISTRICT_LENGTH} chars, "
            "no outer spaces)",
        )
    return value


def _boolean(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise _fail(path, "true か false である必要があります", "must be true or false")
    return value


def parse_instance(data: Any) -> Instance:
    """Validate decoded JSON and build an `Instance`; raise `InstanceError` naming the path."""
    top = _object(data, "", {"max_distance_m", "people", "supporters"}, set())
    max_distance = _number(top["max_distance_m"], "max_distance_m")
    if max_distance <= 0:
        raise _fail("max_distance_m", "0 より大きい必要があります", "must be greater than 0")
    people: list[Person] = []
    seen: set[str] = set()
    for i, raw in enumerate(_list(top["people"], "people")):
        path = f"people[{i}]"
        item = _object(raw, path, {"id", "lat", "lng"}, {"needs_two", "language", "district"})
        pid = _identifier(item["id"], f"{path}.id", seen)
        lat, lng = _lat_lng(item, path)
        language = item.get("language")
        people.append(
            Person(
                id=pid,
                lat=lat,
                lng=lng,
                needs_two=_boolean(item.get("needs_two", False), f"{path}.needs_two"),
                language=None if language is None else _language(language, f"{path}.language"),
                district=_district(item.get("district"), f"{path}.district"),
            )
        )
    supporters: list[Supporter] = []
    seen = set()
    for i, raw in enumerate(_list(top["supporters"], "supporters")):
        path = f"supporters[{i}]"
        item = _object(raw, path, {"id", "lat", "lng", "capacity"}, {"languages", "district"})
        sid = _identifier(item["id"], f"{path}.id", seen)
        lat, lng = _lat_lng(item, path)
        supporters.append(
            Supporter(
                id=sid,
                lat=lat,
                lng=lng,
                capacity=_integer(item["capacity"], f"{path}.capacity", 0),
                languages=frozenset(
                    _language(s, f"{path}.languages[{j}]")
                    for j, s in enumerate(_list(item.get("languages", []), f"{path}.languages"))
                ),
                district=_district(item.get("district"), f"{path}.district"),
            )
        )
    return Instance(max_distance, tuple(people), tuple(supporters))


def parse_previous(data: Any, instance: Instance) -> list[tuple[str, str]]:
    """The (person, supporter) pairs of a previous output file (its `assignments`).

    Pairs naming people or supporters absent from `instance` are errors (a mistyped id would
    otherwise silently drop a plan); whether a pair is still *valid* is `replan`'s business.
    """
    top = _object(data, "", {"assignments"}, {"uncovered", "objective"})
    people = {p.id for p in instance.people}
    supporters = {s.id for s in instance.supporters}
    pairs: list[tuple[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for i, raw in enumerate(_list(top["assignments"], "assignments")):
        path = f"assignments[{i}]"
        item = _object(raw, path, {"person", "supporter"}, {"distance_m"})
        person, supporter = item["person"], item["supporter"]
        if not isinstance(person, str) or person not in people:
            raise _fail(
                f"{path}.person",
                f"入力にない要支援者です（{person!r}）",
                f"is not a person of the input ({person!r})",
            )
        if not isinstance(supporter, str) or supporter not in supporters:
            raise _fail(
                f"{path}.supporter",
                f"入力にない支援者です（{supporter!r}）",
                f"is not a supporter of the input ({supporter!r})",
            )
        if (person, supporter) in seen:
            raise _fail(path, "同じ割当が重複しています", "duplicate assignment")
        seen.add((person, supporter))
        pairs.append((person, supporter))
    return pairs


# --------------------------------------------------------------------------- candidates


@dataclass(frozen=True, slots=True)
class Candidates:
    """Eligible pairs as indices into `people`/`supporters` (both sorted by id), sorted by
    person, then distance, then supporter (so each person's nearest supporters come first)."""

    people: tuple[Person, ...]
    supporters: tuple[Supporter, ...]
    person: IntArray
    supporter: IntArray
    dist: IntArray  # rounded metres


def _unit_vectors(lat: npt.NDArray[np.float64], lng: npt.NDArray[np.float64]) -> Any:
    phi, lam = np.radians(lat), np.radians(lng)
    return np.column_stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)])


def _codes(values: Iterable[str | None], table: dict[str, int]) -> IntArray:
    return np.array(
        [-1 if v is None else table.setdefault(v, len(table)) for v in values], np.int64
    )


def candidate_pairs(instance: Instance) -> Candidates:
    """Every eligible (person, supporter) pair, found with a KD-tree ball query."""
    people = tuple(sorted(instance.people, key=lambda p: p.id))
    supporters = tuple(sorted(instance.supporters, key=lambda s: s.id))
    empty = np.zeros(0, dtype=np.int64)
    active = np.array([i for i, s in enumerate(supporters) if s.capacity > 0], dtype=np.int64)
    if not people or active.size == 0:
        return Candidates(people, supporters, empty, empty, empty)
    max_d = instance.max_distance_m
    p_lat = np.array([p.lat for p in people], dtype=np.float64)
    p_lng = np.array([p.lng for p in people], dtype=np.float64)
    s_lat = np.array([s.lat for s in supporters], dtype=np.float64)[active]
    s_lng = np.array([s.lng for s in supporters], dtype=np.float64)[active]
    # chord of the unit sphere for max_d, a hair wider; the haversine below is the judge
    chord = 2.0 * math.sin(min(math.pi, max_d / EARTH_RADIUS_M) / 2.0) * (1 + 1e-9) + 1e-12
    near = cKDTree(_unit_vectors(s_lat, s_lng)).sparse_distance_matrix(
        cKDTree(_unit_vectors(p_lat, p_lng)), chord, output_type="ndarray"
    )
    si = active[near["i"].astype(np.int64)]
    pi = near["j"].astype(np.int64)
    # the great-circle distance from the chord c: 2R·asin(c/2) (the haversine formula's own
    # identity, without recomputing trigonometry for millions of pairs)
    d = 2.0 * EARTH_RADIUS_M * np.arcsin(np.minimum(1.0, near["v"] / 2.0))
    keep = d <= max_d
    # district: when both give one, they must match
    districts: dict[str, int] = {}
    p_dist = _codes((p.district for p in people), districts)
    s_dist = _codes((s.district for s in supporters), districts)
    keep &= (p_dist[pi] < 0) | (s_dist[si] < 0) | (p_dist[pi] == s_dist[si])
    pi, si, d = pi[keep], si[keep], d[keep]
    # language: a person who gives one needs a supporter who lists it
    languages: dict[str, int] = {}
    p_lang = _codes((p.language for p in people), languages)
    keep = p_lang[pi] < 0
    needs = np.flatnonzero(~keep)
    if needs.size:
        speaks = {
            i * len(languages) + languages[lang]
            for i, s in enumerate(supporters)
            for lang in s.languages
            if lang in languages
        }
        keys = si[needs] * len(languages) + p_lang[pi[needs]]
        keep[needs] = np.isin(keys, np.fromiter(speaks, dtype=np.int64, count=len(speaks)))
    pi, si = pi[keep], si[keep]
    metres = np.rint(d[keep]).astype(np.int64)
    # one integer sort key (person, metres, supporter) when it fits, else a lexsort
    span = (int(metres.max(initial=0)) + 1) * len(supporters)
    if len(people) * span < 2**62:
        order = np.argsort((pi * (int(metres.max(initial=0)) + 1) + metres) * len(supporters) + si)
    else:
        order = np.lexsort((si, metres, pi))
    return Candidates(people, supporters, pi[order], si[order], metres[order])


# --------------------------------------------------------------------------- optimisation


@dataclass(frozen=True, slots=True)
class FlowGraph:
    """The relaxation's network. Arc order: source→person (one per person), person→supporter
    (one per pair), supporter→sink (one per supporter), then the source→sink bypass."""

    num_nodes: int
    source: int
    sink: int
    tails: npt.NDArray[np.int32]
    heads: npt.NDArray[np.int32]
    capacities: IntArray
    costs: IntArray
    supply: int
    weight: int  # W: one unit of fractional count beats any total distance
    demand: IntArray  # per person: supporters needed (0 = out of play)
    pair_person: IntArray
    pair_supporter: IntArray
    pair_dist: IntArray

    @property
    def n_people(self) -> int:
        return int(self.demand.size)

    @property
    def n_pairs(self) -> int:
        return int(self.pair_person.size)


def build_graph(
    demand: IntArray,
    capacity: IntArray,
    pair_person: IntArray,
    pair_supporter: IntArray,
    pair_dist: IntArray,
) -> FlowGraph:
    """The relaxation network for people needing `demand` supporters each (0, 1 or 2)."""
    n_p, n_s, m = demand.size, capacity.size, pair_person.size
    degree = np.bincount(pair_person, minlength=n_p)
    # a person with fewer eligible supporters than they need can never be covered
    demand = np.where(degree >= demand, demand, 0).astype(np.int64)
    live = demand[pair_person] > 0
    pair_person, pair_supporter, pair_dist = (
        pair_person[live],
        pair_supporter[live],
        pair_dist[live],
    )
    m = pair_person.size
    far = np.zeros(n_p, dtype=np.int64)
    np.maximum.at(far, pair_person, pair_dist)
    weight = int((demand * far).sum()) + 1
    supply = int(demand.sum())
    num_nodes = n_p + n_s + 2
    # OR-Tools scales costs by (num_nodes + 1); the total cost must fit as well
    if 2 * weight * (num_nodes + 1) * 4 >= _COST_LIMIT or 2 * weight * supply >= _COST_LIMIT:
        raise InstanceError(
            "",
            "インスタンスが大きすぎて厳密な目的関数を表せません",
            "the instance is too large for exact lexicographic costs",
        )
    source, sink = 0, num_nodes - 1
    person_node = np.arange(1, n_p + 1, dtype=np.int64)
    supporter_node = np.arange(n_p + 1, n_p + n_s + 1, dtype=np.int64)
    unit_reward = np.where(demand == 2, weight, 2 * weight)
    tails = np.concatenate(
        [np.zeros(n_p, np.int64), person_node[pair_person], supporter_node, [source]]
    ).astype(np.int32)
    heads = np.concatenate(
        [person_node, supporter_node[pair_supporter], np.full(n_s, sink, np.int64), [sink]]
    ).astype(np.int32)
    capacities = np.concatenate([demand, np.ones(m, np.int64), capacity, [supply]])
    costs = np.concatenate([-unit_reward, pair_dist, np.zeros(n_s, np.int64), [0]])
    return FlowGraph(
        num_nodes,
        source,
        sink,
        tails,
        heads,
        capacities.astype(np.int64),
        costs.astype(np.int64),
        supply,
        weight,
        demand,
        pair_person,
        pair_supporter,
        pair_dist,
    )


def new_solver(
    graph: FlowGraph, capacities: IntArray | None = None, forced: Iterable[int] = ()
) -> min_cost_flow.SimpleMinCostFlow:
    """An OR-Tools solver loaded with `graph`, optionally with changed arc capacities and with
    `forced` people given their demand as node supply (they must be served in full)."""
    smcf = min_cost_flow.SimpleMinCostFlow()
    caps = graph.capacities if capacities is None else capacities
    smcf.add_arcs_with_capacity_and_unit_cost(graph.tails, graph.heads, caps, graph.costs)
    supply = graph.supply
    for p in forced:
        smcf.set_node_supply(p + 1, int(graph.demand[p]))
        supply -= int(graph.demand[p])
    smcf.set_node_supply(graph.source, supply)
    smcf.set_node_supply(graph.sink, -graph.supply)
    return smcf


@dataclass(slots=True)
class _Node:
    bound: int  # relaxation cost: a lower bound on every integral objective in this node
    fractional_count2: int  # 2·covered + half-served: twice the node's fractional count
    halves: IntArray  # half-served people (branching candidates)
    objective: int  # the rounded (half-served dropped) solution's objective
    covered: int  # people it covers
    chosen: IntArray  # its pair indices
    flowing: IntArray  # pair indices carrying flow (half-served people's too)
    excluded: frozenset[int] = field(default_factory=frozenset)
    forced: frozenset[int] = field(default_factory=frozenset)


def _relax(graph: FlowGraph, excluded: frozenset[int], forced: frozenset[int]) -> _Node | None:
    """Solve one node's relaxation; None when the forced people cannot all be served."""
    n_p = graph.n_people
    capacities = graph.capacities
    if excluded or forced:
        capacities = capacities.copy()
        capacities[list(excluded | forced)] = 0  # forced people get their supply directly
    smcf = new_solver(graph, capacities, sorted(forced))
    status = smcf.solve()
    if status == smcf.INFEASIBLE:
        return None
    if status != smcf.OPTIMAL:
        raise RuntimeError(f"OR-Tools min-cost flow failed with status {status}")
    person_flow = np.asarray(smcf.flows(np.arange(n_p, dtype=np.int32)), dtype=np.int64)
    pair_flow = np.asarray(
        smcf.flows(np.arange(n_p, n_p + graph.n_pairs, dtype=np.int32)), dtype=np.int64
    )
    forced_list = list(forced)
    person_flow[forced_list] = graph.demand[forced_list]
    # the forced people's reward is not in the flow's cost: add it back
    bound = int(smcf.optimal_cost()) + int(
        (graph.costs[forced_list] * graph.demand[forced_list]).sum()
    )
    full = (person_flow == graph.demand) & (graph.demand > 0)
    halves = np.flatnonzero((person_flow > 0) & ~full)
    chosen = np.flatnonzero((pair_flow > 0) & full[graph.pair_person])
    covered = int(full.sum())
    objective = -2 * graph.weight * covered + int(graph.pair_dist[chosen].sum())
    count2 = 2 * covered + int(halves.size)
    flowing = np.flatnonzero(pair_flow > 0)
    return _Node(bound, count2, halves, objective, covered, chosen, flowing, excluded, forced)


@dataclass(frozen=True, slots=True)
class _Search:
    chosen: IntArray  # pair indices into the graph's pairs
    proven_optimal: bool
    covered_bound: int
    nodes: int
    distance_bound: int | None = None  # lower bound on the distance of any max-coverage plan


def _merge_halves(graph: FlowGraph, node: _Node) -> _Node:
    """Pair up half-served people along alternating paths; the resulting plan.

    A half-served person's single unit is worth nothing in a plan, so a path from half-served
    *q* (to a supporter it does not have yet) that ends at the supporter of another
    half-served *r* serves *q* fully and drops *r*: the fractional count is unchanged and one
    more person is covered. Intermediate supporters hand one of their people on to another
    eligible supporter (breadth first: fewest moves). The flow stays feasible throughout;
    half-served people left over are dropped.
    """
    n_p = graph.n_people
    n_s = int(graph.capacities.size - n_p - graph.n_pairs - 1)
    starts = np.searchsorted(graph.pair_person, np.arange(n_p + 1)).tolist()
    arcs: dict[int, list[tuple[int, int]]] = {}  # person → [(pair, supporter)], on demand

    def pairs_of(person: int) -> list[tuple[int, int]]:
        found = arcs.get(person)
        if found is None:
            lo, hi = starts[person], starts[person + 1]
            found = list(zip(range(lo, hi), graph.pair_supporter[lo:hi].tolist(), strict=True))
            arcs[person] = found
        return found

    serving: list[set[int]] = [set() for _ in range(n_s)]  # supporter → people
    has: dict[int, dict[int, int]] = {}  # person → {supporter: pair}
    flowing = node.flowing
    for k, p, s in zip(
        flowing.tolist(),
        graph.pair_person[flowing].tolist(),
        graph.pair_supporter[flowing].tolist(),
        strict=True,
    ):
        serving[s].add(p)
        has.setdefault(p, {})[s] = k
    halves = set(node.halves.tolist())
    for q in sorted(halves):
        if q not in halves:
            continue
        # supporter → (person moved in, supporter it leaves or -1, pair index)
        parent: dict[int, tuple[int, int, int]] = {}
        frontier = []
        for k, t in pairs_of(q):
            if t not in has[q] and t not in parent:
                parent[t] = (q, -1, k)
                frontier.append(t)
        target, dropped = -1, -1
        while frontier and target < 0:
            following: list[int] = []
            for s in frontier:
                others = [r for r in serving[s] if r in halves and r != q]
                if others:
                    target, dropped = s, min(others)
                    break
                for mover in sorted(serving[s]):
                    if mover == q or mover in halves:
                        continue
                    for k, t in pairs_of(mover):
                        if t not in parent and t not in has[mover]:
                            parent[t] = (mover, s, k)
                            following.append(t)
            frontier = following
        if target < 0:
            continue
        for t in has[dropped]:
            serving[t].discard(dropped)
        has[dropped].clear()
        halves.discard(dropped)
        s = target
        while s >= 0:
            mover, origin, k = parent[s]
            serving[s].add(mover)
            has.setdefault(mover, {})[s] = k
            if origin >= 0:
                serving[origin].discard(mover)
                del has[mover][origin]
            s = origin
        halves.discard(q)
    demand = graph.demand.tolist()
    full = [p for p, got in has.items() if demand[p] > 0 and len(got) == demand[p]]
    chosen = np.array(sorted(k for p in full for k in has[p].values()), dtype=np.int64)
    covered = len(full)
    objective = -2 * graph.weight * covered + int(graph.pair_dist[chosen].sum())
    return _Node(
        node.bound,
        2 * covered,
        np.zeros(0, np.int64),
        objective,
        covered,
        chosen,
        chosen,
        node.excluded,
        node.forced,
    )


def _polish(graph: FlowGraph, plan: _Node, root: _Node) -> _Node | None:
    """A shorter plan covering exactly the people `plan` covers, or None.

    One min-cost flow with those people's demand as node supply, over a sparse subgraph: each
    covered person's `POLISH_NEAREST` nearest supporters, the pairs the plan uses and the pairs
    the root flow uses (the root is distance-optimal for its fractional count, so it shows
    where short assignments lie). The plan is a feasible flow of that subgraph, so the result
    is never worse; it is an incumbent for the branch and bound, not a bound, so restricting
    the pairs costs no correctness — only, perhaps, distance the search may still find.
    """
    n_p = graph.n_people
    full = np.zeros(n_p, dtype=bool)
    full[graph.pair_person[plan.chosen]] = True
    # pairs are sorted by person, then distance: the rank within a person is its nearness
    starts = np.searchsorted(graph.pair_person, np.arange(n_p))
    rank = np.arange(graph.n_pairs) - starts[graph.pair_person]
    keep = rank < POLISH_NEAREST
    keep[plan.chosen] = True
    keep[root.flowing] = True
    keep &= full[graph.pair_person]
    sel = np.flatnonzero(keep)
    n_s = int(graph.capacities.size - n_p - graph.n_pairs - 1)
    capacity = graph.capacities[n_p + graph.n_pairs : n_p + graph.n_pairs + n_s]
    sub = build_graph(
        np.where(full, graph.demand, 0),
        capacity,
        graph.pair_person[sel],
        graph.pair_supporter[sel],
        graph.pair_dist[sel],
    )
    if sub.n_pairs != sel.size:  # every selected pair is a covered person's: all stay live
        raise RuntimeError("the polishing subgraph lost pairs")
    node = _relax(sub, frozenset(), frozenset(np.flatnonzero(full).tolist()))
    if node is None or node.covered != plan.covered:  # cannot happen: the plan is feasible
        return None
    chosen = sel[node.chosen]
    return _Node(
        node.bound,
        2 * node.covered,
        np.zeros(0, np.int64),
        -2 * graph.weight * node.covered + int(graph.pair_dist[chosen].sum()),
        node.covered,
        chosen,
        chosen,
        plan.excluded,
        plan.forced,
    )


def branch_and_bound(
    graph: FlowGraph,
    node_limit: int = DEFAULT_NODE_LIMIT,
    time_limit_s: float = DEFAULT_TIME_LIMIT_S,
    progress: Progress = _quiet,
) -> _Search:
    """The lexicographic optimum over `graph` (see the module docstring)."""
    started = time.perf_counter()
    root = _relax(graph, frozenset(), frozenset())
    if root is None:  # nothing is forced at the root, so this cannot happen
        raise RuntimeError("the root relaxation reported a forced person")
    searching = time.perf_counter()
    relax_times = [searching - started]  # full-graph relaxations: the price of one node
    progress("root")
    nodes = 1
    covered_bound = root.fractional_count2 // 2
    # among plans covering the maximum, none is shorter than the root's flow when its
    # fractional count is even (such plans have the same count, and the root minimises
    # distance among all flows with that count)
    distance_bound = (
        root.bound + graph.weight * root.fractional_count2
        if root.fractional_count2 % 2 == 0
        else None
    )
    if not root.halves.size:
        return _Search(root.chosen, True, covered_bound, nodes, distance_bound)
    best = _merge_halves(graph, root)
    progress("repair")
    if best.objective > root.objective:  # cannot happen (merging never uncovers anyone)
        best = root
    heap: list[tuple[int, int, _Node]] = []
    if root.bound < best.objective:
        heap.append((root.bound, 0, root))
    stopped = False
    if heap and time_limit_s > 0 and node_limit > nodes:
        polished = _polish(graph, best, root)
        nodes += 1
        progress("polish")
        if polished is not None and polished.objective < best.objective:
            best = polished
    while heap:
        bound, _, node = heapq.heappop(heap)
        if bound >= best.objective:
            continue  # integral objectives are integers: nothing better below
        # a branching solves two full relaxations: start it only if it can end in time
        expected = 2 * sum(relax_times) / len(relax_times)
        if nodes >= node_limit or time.perf_counter() - searching + expected > time_limit_s:
            heapq.heappush(heap, (bound, 0, node))
            stopped = True
            break
        p = int(node.halves[0])
        for excluded, forced in (
            (node.excluded, node.forced | {p}),
            (node.excluded | {p}, node.forced),
        ):
            solving = time.perf_counter()
            child = _relax(graph, excluded, forced)
            relax_times.append(time.perf_counter() - solving)
            nodes += 1
            progress("node")
            if child is None:
                continue
            if child.objective < best.objective:
                best = child
            if child.halves.size and child.bound < best.objective:
                heapq.heappush(heap, (child.bound, nodes, child))
    open_nodes = [n for b, _, n in heap if b < best.objective]
    if not (stopped and open_nodes):
        return _Search(
            best.chosen, True, best.covered, nodes, int(graph.pair_dist[best.chosen].sum())
        )
    return _Search(best.chosen, False, covered_bound, nodes, distance_bound)


def _result(
    cand: Candidates,
    chosen_pairs: list[tuple[int, int, int]],
    search: _Search,
    kept: int = 0,
    released: tuple[Assignment, ...] = (),
) -> Result:
    """Result from (person index, supporter index, metres) triples."""
    assignments = sorted(
        (Assignment(cand.people[p].id, cand.supporters[s].id, d) for p, s, d in chosen_pairs),
        key=lambda a: (a.person, a.supporter),
    )
    covered = {a.person for a in assignments}
    uncovered = tuple(sorted(p.id for p in cand.people if p.id not in covered))
    return Result(
        tuple(assignments),
        uncovered,
        search.proven_optimal,
        search.covered_bound,
        search.nodes,
        search.distance_bound,
        kept,
        released,
    )


def _optimise(
    cand: Candidates,
    demand: IntArray,
    capacity: IntArray,
    allowed: npt.NDArray[np.bool_],
    node_limit: int,
    time_limit_s: float,
    progress: Progress,
) -> tuple[list[tuple[int, int, int]], _Search]:
    graph = build_graph(
        demand, capacity, cand.person[allowed], cand.supporter[allowed], cand.dist[allowed]
    )
    progress("graph")
    if graph.n_pairs == 0:
        return [], _Search(np.zeros(0, np.int64), True, 0, 0)
    search = branch_and_bound(graph, node_limit, time_limit_s, progress)
    triples = list(
        zip(
            graph.pair_person[search.chosen].tolist(),
            graph.pair_supporter[search.chosen].tolist(),
            graph.pair_dist[search.chosen].tolist(),
            strict=True,
        )
    )
    return triples, search


def solve(
    instance: Instance,
    *,
    node_limit: int = DEFAULT_NODE_LIMIT,
    time_limit_s: float = DEFAULT_TIME_LIMIT_S,
    progress: Progress = _quiet,
) -> Result:
    """The lexicographic optimum (see module docstring); deterministic for a given instance."""
    cand = candidate_pairs(instance)
    progress("candidates")
    demand = np.array([p.need for p in cand.people], dtype=np.int64)
    capacity = np.array([s.capacity for s in cand.supporters], dtype=np.int64)
    allowed = np.ones(cand.person.size, dtype=bool)
    triples, search = _optimise(cand, demand, capacity, allowed, node_limit, time_limit_s, progress)
    return _result(cand, triples, search)


def replan(
    instance: Instance,
    previous: Iterable[tuple[str, str]],
    unavailable: Iterable[str],
    *,
    node_limit: int = DEFAULT_NODE_LIMIT,
    time_limit_s: float = DEFAULT_TIME_LIMIT_S,
    progress: Progress = _quiet,
) -> Result:
    """Keep every still-valid previous (person, supporter) pair and re-optimise the rest.

    A previous pair is still valid when the supporter is not in `unavailable`, the pair is
    still eligible in `instance`, the supporter's capacity still allows it (pairs beyond the
    capacity are released farthest first) and the person needs that many supporters.
    Among the plans that keep them, the result is the lexicographic optimum.
    """
    cand = candidate_pairs(instance)
    progress("candidates")
    p_index = {p.id: i for i, p in enumerate(cand.people)}
    s_index = {s.id: i for i, s in enumerate(cand.supporters)}
    off = set(unavailable)
    pair_index: Mapping[tuple[int, int], int] = {
        (p, s): k
        for k, (p, s) in enumerate(zip(cand.person.tolist(), cand.supporter.tolist(), strict=True))
    }
    released: list[Assignment] = []
    candidates_kept: list[int] = []
    for person_id, supporter_id in previous:
        p, s = p_index[person_id], s_index[supporter_id]
        k = pair_index.get((p, s))
        if supporter_id in off or k is None:
            distance = round(
                haversine_m(
                    cand.people[p].lat,
                    cand.people[p].lng,
                    cand.supporters[s].lat,
                    cand.supporters[s].lng,
                )
            )
            released.append(Assignment(person_id, supporter_id, distance))
        else:
            candidates_kept.append(k)
    # capacity and need: keep the nearest first
    candidates_kept.sort(key=lambda k: (int(cand.dist[k]), k))
    load = np.zeros(len(cand.supporters), dtype=np.int64)
    got = np.zeros(len(cand.people), dtype=np.int64)
    kept: list[int] = []
    for k in candidates_kept:
        p, s = int(cand.person[k]), int(cand.supporter[k])
        if load[s] < cand.supporters[s].capacity and got[p] < cand.people[p].need:
            load[s] += 1
            got[p] += 1
            kept.append(k)
        else:
            released.append(Assignment(cand.people[p].id, cand.supporters[s].id, int(cand.dist[k])))
    need = np.array([p.need for p in cand.people], dtype=np.int64)
    base_capacity = np.array([s.capacity for s in cand.supporters], dtype=np.int64)
    for s_id in off:
        if s_id in s_index:
            base_capacity[s_index[s_id]] = 0
    while True:
        demand = need - got
        allowed = np.ones(cand.person.size, dtype=bool)
        allowed[kept] = False  # the same supporter twice is never two supporters
        triples, search = _optimise(
            cand, demand, base_capacity - load, allowed, node_limit, time_limit_s, progress
        )
        served = {p for p, _, _ in triples}
        # a lone kept supporter of a person needing two covers nobody: release it and
        # re-optimise with its capacity free (the kept set shrinks, so this ends)
        lone = [
            k
            for k in kept
            if got[int(cand.person[k])] < need[int(cand.person[k])]
            and int(cand.person[k]) not in served
        ]
        if not lone:
            break
        for k in lone:
            p, s = int(cand.person[k]), int(cand.supporter[k])
            kept.remove(k)
            got[p] -= 1
            load[s] -= 1
            released.append(Assignment(cand.people[p].id, cand.supporters[s].id, int(cand.dist[k])))
    final = list(triples) + [
        (int(cand.person[k]), int(cand.supporter[k]), int(cand.dist[k])) for k in kept
    ]
    fully_kept = sum(1 for p in {int(cand.person[k]) for k in kept} if got[p] == need[p])
    search = _Search(
        search.chosen,
        search.proven_optimal,
        search.covered_bound + fully_kept,
        search.nodes,
        None
        if search.distance_bound is None
        else search.distance_bound + sum(int(cand.dist[k]) for k in kept),
    )
    released.sort(key=lambda a: (a.person, a.supporter))
    return _result(cand, final, search, len(kept), tuple(released))


def greedy_nearest_first(instance: Instance) -> Result:
    """Baseline: take eligible pairs shortest first (ties by person, then supporter id); a
    person needing two is covered once a second distinct supporter is taken, and a lone
    first supporter is given back at the end."""
    cand = candidate_pairs(instance)
    remaining = [s.capacity for s in cand.supporters]
    need = [p.need for p in cand.people]
    taken: list[list[int]] = [[] for _ in cand.people]
    order = np.lexsort((cand.supporter, cand.person, cand.dist))
    person, supporter, dist = cand.person.tolist(), cand.supporter.tolist(), cand.dist.tolist()
    for k in order.tolist():
        p, s = person[k], supporter[k]
        if len(taken[p]) < need[p] and remaining[s] > 0:
            taken[p].append(k)
            remaining[s] -= 1
    triples = [
        (person[k], supporter[k], dist[k])
        for p, ks in enumerate(taken)
        if len(ks) == need[p]
        for k in ks
    ]
    return _result(cand, triples, _Search(np.zeros(0, np.int64), False, 0, 0))
