"""Batch volunteer matching: assign many open requests to volunteers at once, optimally.

Pure Python + numpy + OR-Tools (no Django), so it is quick to test and to benchmark.

Eligibility — volunteer *v* may serve request *r* when all hold:

* the haversine distance (sphere of radius 6 371 008.8 m) is at most ``max_distance_m``;
* *v* lists every skill *r* requires (a skill no volunteer lists is allowed: *r* simply
  cannot be served);
* *r* gives no language, or *v* speaks it;
* *r*'s slot is in *v*'s availability;
* *v*'s capacity is positive.

Objective — lexicographic, in this order (all exact, with integer costs):

1. maximise the number of requests served;
2. then maximise the sum of the served requests' ``priority`` (higher = more urgent);
3. then minimise the total distance in whole metres (each pair rounded half-to-even);
4. then balance load: minimise Σ_v load_v·(load_v − 1)/2, i.e. Σ load² for the fixed total.

Level 1 is guaranteed by ``SimpleMinCostFlow.solve_max_flow_with_min_cost`` (a maximum flow,
then the cheapest among maximum flows), so no cost can ever trade a served request away.
Levels 2–4 are one integer cost per unit of flow, with the weights chosen so that a lower
level can never outweigh one unit of a higher level:

* request arc (source → r): ``(p_max − p_r) · DIST_SPAN``;
* pair arc (r → v): ``distance_m · LOAD_SPAN``;
* the k-th unit arc (v → sink, k = 0 … capacity − 1): cost ``k`` (a convex load cost),

where ``LOAD_SPAN`` exceeds the largest possible total load cost and ``DIST_SPAN`` exceeds the
largest possible (distance · LOAD_SPAN + load) total. With the number served fixed,
Σ (p_max − p_r) = served · p_max − Σ p_r, so level 2 maximises the priority sum. If the
weights would overflow OR-Tools' int64 cost range, the load tier (4) is dropped first.

Candidate pairs come from a uniform lat/lng grid with cells slightly larger than the maximum
distance (vectorised with numpy), so a 5,000 × 2,000 instance never builds 10M Python pairs.
The grid does not wrap across the ±180° meridian (instances are in Japan).

Input rules (``parse_instance``): unknown keys are errors (catching typos such as
``skils``); ids are non-empty strings, unique among volunteers and among requests; lat/lng
finite and in range; ``max_distance_m`` finite and > 0; ``capacity`` an integer ≥ 0;
skills non-empty strings without surrounding whitespace (≤ 64 chars); languages match
``^[a-z]{2,3}$``; slots match ``^(mon|…|sun)-(am|pm|eve)$``; ``priority`` an integer 0–100
(default 0); a request's ``language`` may be omitted or null.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from ortools.graph.python import min_cost_flow

EARTH_RADIUS_M = 6_371_008.8
METRES_PER_DEGREE = EARTH_RADIUS_M * math.pi / 180.0
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PERIODS = ("am", "pm", "eve")
SLOTS = tuple(f"{d}-{p}" for d in DAYS for p in PERIODS)
SLOT_RE = re.compile(r"^(mon|tue|wed|thu|fri|sat|sun)-(am|pm|eve)$")
LANGUAGE_RE = re.compile(r"^[a-z]{2,3}$")
MAX_PRIORITY = 100
MAX_SKILL_LENGTH = 64
# OR-Tools' cost scaling multiplies costs by (num_nodes + 1); keep well inside int64.
_COST_LIMIT = 2**62
# candidate pairs expanded per numpy chunk (bounds peak memory)
_CHUNK_PAIRS = 4_000_000

IntArray = npt.NDArray[np.int64]


class InstanceError(ValueError):
    """Invalid matching instance; the message is Japanese / English and names the path."""

    def __init__(self, path: str, ja: str, en: str) -> None:
        self.path = path
        where = f"{path}: " if path else ""
        super().__init__(f"{where}{ja} / {en}")


@dataclass(frozen=True, slots=True)
class Volunteer:
    id: str
    lat: float
    lng: float
    capacity: int
    skills: frozenset[str]
    languages: frozenset[str]
    availability: frozenset[str]


@dataclass(frozen=True, slots=True)
class Request:
    id: str
    lat: float
    lng: float
    skills: frozenset[str]
    language: str | None
    slot: str
    priority: int = 0


@dataclass(frozen=True, slots=True)
class Instance:
    max_distance_m: float
    volunteers: tuple[Volunteer, ...]
    requests: tuple[Request, ...]


@dataclass(frozen=True, slots=True)
class Assignment:
    request: str
    volunteer: str
    distance_m: int


@dataclass(frozen=True, slots=True)
class Result:
    assignments: tuple[Assignment, ...]  # ordered by request id
    unassigned: tuple[str, ...]  # request ids, sorted
    priority_served: int

    @property
    def served(self) -> int:
        return len(self.assignments)

    @property
    def total_distance_m(self) -> int:
        return sum(a.distance_m for a in self.assignments)

    def loads(self) -> dict[str, int]:
        loads: dict[str, int] = {}
        for a in self.assignments:
            loads[a.volunteer] = loads.get(a.volunteer, 0) + 1
        return loads

    def to_json(self) -> dict[str, Any]:
        return {
            "assignments": [
                {"request": a.request, "volunteer": a.volunteer, "distance_m": a.distance_m}
                for a in self.assignments
            ],
            "unassigned": list(self.unassigned),
            "objective": {
                "served": self.served,
                "total_distance_m": self.total_distance_m,
                "priority_served": self.priority_served,
            },
        }


# --------------------------------------------------------------------------- validation


def _fail(path: str, ja: str, en: str) -> InstanceError:
    return InstanceError(path, ja, en)


def _object(value: Any, path: str, required: set[str], optional: set[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(path, "オブジェクトである必要があります", "must be a JSON object")
    for key in sorted(required):
        if key not in value:
            raise _fail(f"{path}.{key}" if path else key, "必須項目がありません", "is missing")
    for key in value:
        if key not in required and key not in optional:
            raise _fail(
                f"{path}.{key}" if path else str(key), "不明な項目です", "is not a known field"
            )
    return value


def _number(value: Any, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(path, "数値である必要があります", "must be a number")
    number = float(value)
    if not math.isfinite(number):
        raise _fail(path, "有限の数値である必要があります", "must be a finite number")
    return number


def _integer(value: Any, path: str, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(path, "整数である必要があります", "must be an integer")
    if value < low or (high is not None and value > high):
        span = f"{low}〜{high}" if high is not None else f"{low} 以上"
        span_en = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise _fail(path, f"{span}の整数である必要があります", f"must be an integer {span_en}")
    return value


def _identifier(value: Any, path: str, seen: set[str]) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, "空でない文字列である必要があります", "must be a non-empty string")
    if value in seen:
        raise _fail(path, f"ID {value!r} が重複しています", f"duplicate id {value!r}")
    seen.add(value)
    return value


def _lat_lng(item: dict[str, Any], path: str) -> tuple[float, float]:
    lat = _number(item["lat"], f"{path}.lat")
    lng = _number(item["lng"], f"{path}.lng")
    if not -90.0 <= lat <= 90.0:
        raise _fail(f"{path}.lat", "緯度は -90〜90 です", "latitude must be within -90..90")
    if not -180.0 <= lng <= 180.0:
        raise _fail(f"{path}.lng", "経度は -180〜180 です", "longitude must be within -180..180")
    return lat, lng


def _list(value: Any, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise _fail(path, "配列である必要があります", "must be a JSON array")
    return value


def _skill(value: Any, path: str) -> str:
    if (
        not isinstance(value, str)
        or not value
        or value != value.strip()
        or len(value) > MAX_SKILL_LENGTH
    ):
        raise _fail(
            path,
            f"技能は前後に空白のない {MAX_SKILL_LENGTH} 文字以内の文字列です",
            f"a skill must be a non-empty string (≤ {MAX_SKILL_LENGTH} chars, no outer spaces)",
        )
    return value


def _language(value: Any, path: str) -> str:
    if not isinstance(value, str) or not LANGUAGE_RE.match(value):
        raise _fail(
            path,
            "言語は ISO 639 の小文字 2〜3 文字のコードです（例: ja, pt）",
            "a language must be a lower-case ISO 639 code of 2-3 letters (e.g. ja, pt)",
        )
    return value


def _slot(value: Any, path: str) -> str:
    if not isinstance(value, str) or not SLOT_RE.match(value):
        raise _fail(
            path,
            "時間帯は mon-am のように 曜日(mon〜sun)-区分(am/pm/eve) で指定します",
            "a slot must look like mon-am: day (mon..sun) - part (am, pm, eve)",
        )
    return value


def parse_instance(data: Any) -> Instance:
    """Validate decoded JSON and build an `Instance`; raise `InstanceError` naming the path."""
    top = _object(data, "", {"max_distance_m", "volunteers", "requests"}, set())
    max_distance = _number(top["max_distance_m"], "max_distance_m")
    if max_distance <= 0:
        raise _fail("max_distance_m", "0 より大きい必要があります", "must be greater than 0")
    volunteers: list[Volunteer] = []
    seen: set[str] = set()
    v_fields = {"id", "lat", "lng", "capacity", "skills", "languages", "availability"}
    for i, raw in enumerate(_list(top["volunteers"], "volunteers")):
        path = f"volunteers[{i}]"
        item = _object(raw, path, v_fields, set())
        vid = _identifier(item["id"], f"{path}.id", seen)
        lat, lng = _lat_lng(item, path)
        volunteers.append(
            Volunteer(
                id=vid,
                lat=lat,
                lng=lng,
                capacity=_integer(item["capacity"], f"{path}.capacity", 0),
                skills=frozenset(
                    _skill(s, f"{path}.skills[{j}]")
                    for j, s in enumerate(_list(item["skills"], f"{path}.skills"))
                ),
                languages=frozenset(
                    _language(s, f"{path}.languages[{j}]")
                    for j, s in enumerate(_list(item["languages"], f"{path}.languages"))
                ),
                availability=frozenset(
                    _slot(s, f"{path}.availability[{j}]")
                    for j, s in enumerate(_list(item["availability"], f"{path}.availability"))
                ),
            )
        )
    requests: list[Request] = []
    seen = set()
    r_fields = {"id", "lat", "lng", "skills", "slot"}
    for i, raw in enumerate(_list(top["requests"], "requests")):
        path = f"requests[{i}]"
        item = _object(raw, path, r_fields, {"language", "priority"})
        rid = _identifier(item["id"], f"{path}.id", seen)
        lat, lng = _lat_lng(item, path)
        language = item.get("language")
        requests.append(
            Request(
                id=rid,
                lat=lat,
                lng=lng,
                skills=frozenset(
                    _skill(s, f"{path}.skills[{j}]")
                    for j, s in enumerate(_list(item["skills"], f"{path}.skills"))
                ),
                language=None if language is None else _language(language, f"{path}.language"),
                slot=_slot(item["slot"], f"{path}.slot"),
                priority=_integer(item.get("priority", 0), f"{path}.priority", 0, MAX_PRIORITY),
            )
        )
    return Instance(max_distance, tuple(volunteers), tuple(requests))


# --------------------------------------------------------------------------- candidates


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres (not rounded)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def _haversine_np(
    lat1: npt.NDArray[np.float64],
    lng1: npt.NDArray[np.float64],
    lat2: npt.NDArray[np.float64],
    lng2: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    p1, p2 = np.radians(lat1), np.radians(lat2)
    h = (
        np.sin((p2 - p1) / 2) ** 2
        + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lng2 - lng1) / 2) ** 2
    )
    result: npt.NDArray[np.float64] = 2 * EARTH_RADIUS_M * np.arcsin(np.minimum(1.0, np.sqrt(h)))
    return result


def _bitmasks(sets: list[frozenset[str]], bits: dict[str, int]) -> npt.NDArray[np.uint64]:
    """One row per set: the bits of its known items, in 64-bit words."""
    words = max(1, (len(bits) + 63) // 64)
    masks = [sum(1 << bits[item] for item in items if item in bits) for items in sets]
    rows = [[(m >> (64 * w)) & 0xFFFFFFFFFFFFFFFF for w in range(words)] for m in masks]
    return np.array(rows, dtype=np.uint64).reshape(len(sets), words)


def _covers(
    have: npt.NDArray[np.uint64], need: npt.NDArray[np.uint64], hi: IntArray, ni: IntArray
) -> npt.NDArray[np.bool_]:
    """Per pair k: does have[hi[k]] contain every bit of need[ni[k]]?"""
    if have.shape[1] == 1:
        n = need[:, 0][ni]
        single: npt.NDArray[np.bool_] = (have[:, 0][hi] & n) == n
        return single
    n2 = need[ni]
    multi: npt.NDArray[np.bool_] = ((have[hi] & n2) == n2).all(axis=1)
    return multi


@dataclass(frozen=True, slots=True)
class Candidates:
    """Eligible pairs as indices into `requests`/`volunteers` (both sorted by id)."""

    requests: tuple[Request, ...]
    volunteers: tuple[Volunteer, ...]
    req: IntArray  # request index per pair (order is deterministic, not sorted)
    vol: IntArray  # volunteer index per pair
    dist: IntArray  # rounded metres


def candidate_pairs(instance: Instance) -> Candidates:
    """All eligible (request, volunteer) pairs, vectorised over a distance grid."""
    reqs = tuple(sorted(instance.requests, key=lambda r: r.id))
    vols = tuple(sorted(instance.volunteers, key=lambda v: v.id))
    empty = np.zeros(0, dtype=np.int64)
    active = np.array([i for i, v in enumerate(vols) if v.capacity > 0], dtype=np.int64)
    if not reqs or active.size == 0:
        return Candidates(reqs, vols, empty, empty, empty)
    max_d = instance.max_distance_m

    skill_bits = {s: i for i, s in enumerate(sorted({s for r in reqs for s in r.skills}))}
    lang_bits = {s: i for i, s in enumerate(sorted({r.language for r in reqs if r.language}))}
    r_skill = _bitmasks([r.skills for r in reqs], skill_bits)
    v_skill = _bitmasks([v.skills for v in vols], skill_bits)
    r_lang = _bitmasks(
        [frozenset([r.language]) if r.language else frozenset() for r in reqs], lang_bits
    )
    v_lang = _bitmasks([v.languages for v in vols], lang_bits)

    r_lat = np.array([r.lat for r in reqs], dtype=np.float64)
    r_lng = np.array([r.lng for r in reqs], dtype=np.float64)
    v_lat = np.array([v.lat for v in vols], dtype=np.float64)
    v_lng = np.array([v.lng for v in vols], dtype=np.float64)

    # Grid cells a little larger than max_d (at least ~11 m, so cell ids stay small), so every
    # eligible pair lies in adjacent cells. Volunteers are indexed once per available slot
    # (key = slot, cell): a request only ever meets volunteers free in its slot.
    cell_lat = min(360.0, max(1e-4, max_d * 1.1 / METRES_PER_DEGREE))
    max_abs_lat = float(max(np.abs(r_lat).max(), np.abs(v_lat).max())) + cell_lat
    cos_lat = math.cos(math.radians(max_abs_lat)) if max_abs_lat < 89.0 else 0.0
    cell_lng = 360.0 if cos_lat <= 0.0 else min(360.0, cell_lat / cos_lat)
    ncols = int(360.0 / cell_lng) + 4
    ncells = (int(180.0 / cell_lat) + 4) * ncols

    def cells(lat: npt.NDArray[np.float64], lng: npt.NDArray[np.float64]) -> IntArray:
        rows = np.floor((lat + 90.0) / cell_lat).astype(np.int64) + 1
        cols = np.floor((lng + 180.0) / cell_lng).astype(np.int64) + 1
        result: IntArray = rows * ncols + cols
        return result

    slot_of = {s: i for i, s in enumerate(SLOTS)}
    entry_vol = np.array([i for i in active.tolist() for _ in vols[i].availability], dtype=np.int64)
    entry_slot = np.array(
        [slot_of[s] for i in active.tolist() for s in sorted(vols[i].availability)],
        dtype=np.int64,
    )
    if entry_vol.size == 0:
        return Candidates(reqs, vols, empty, empty, empty)
    v_key = entry_slot * ncells + cells(v_lat[entry_vol], v_lng[entry_vol])
    by_key = np.argsort(v_key, kind="stable")
    order = entry_vol[by_key]
    sorted_cells = v_key[by_key]
    r_cell = np.array([slot_of[r.slot] for r in reqs], dtype=np.int64) * ncells + cells(
        r_lat, r_lng
    )
    offsets = [dr * ncols + dc for dr in (-1, 0, 1) for dc in (-1, 0, 1)]
    lo = np.stack([np.searchsorted(sorted_cells, r_cell + o, "left") for o in offsets])
    hi = np.stack([np.searchsorted(sorted_cells, r_cell + o, "right") for o in offsets])
    per_request = (hi - lo).sum(axis=0)

    r_phi, r_lam, v_phi, v_lam = (np.radians(a) for a in (r_lat, r_lng, v_lat, v_lng))
    r_cos, v_cos = np.cos(r_phi), np.cos(v_phi)
    h_max = math.sin(min(math.pi / 2, max_d / (2 * EARTH_RADIUS_M))) ** 2
    parts_r: list[IntArray] = []
    parts_v: list[IntArray] = []
    parts_d: list[IntArray] = []
    start = 0
    cumulative = np.cumsum(per_request)
    while start < len(reqs):
        base = int(cumulative[start - 1]) if start else 0
        stop = int(np.searchsorted(cumulative, base + _CHUNK_PAIRS, "right"))
        stop = max(stop, start + 1)
        idx = np.arange(start, stop, dtype=np.int64)
        ri_parts, pos_parts = [], []
        for o in range(len(offsets)):
            lengths = hi[o, start:stop] - lo[o, start:stop]
            total = int(lengths.sum())
            if total == 0:
                continue
            firsts = np.cumsum(lengths) - lengths
            ri_parts.append(np.repeat(idx, lengths))
            pos_parts.append(
                np.arange(total, dtype=np.int64)
                - np.repeat(firsts, lengths)
                + np.repeat(lo[o, start:stop], lengths)
            )
        start = stop
        if not ri_parts:
            continue
        ri = np.concatenate(ri_parts)
        vi = order[np.concatenate(pos_parts)]
        keep = _covers(v_skill, r_skill, vi, ri)
        ri, vi = ri[keep], vi[keep]
        keep = _covers(v_lang, r_lang, vi, ri)
        ri, vi = ri[keep], vi[keep]
        # haversine's h against the threshold first; metres only for the pairs kept
        h = (
            np.sin((v_phi[vi] - r_phi[ri]) * 0.5) ** 2
            + r_cos[ri] * v_cos[vi] * np.sin((v_lam[vi] - r_lam[ri]) * 0.5) ** 2
        )
        keep = h <= h_max * (1 + 1e-9)
        ri, vi = ri[keep], vi[keep]
        d = _haversine_np(r_lat[ri], r_lng[ri], v_lat[vi], v_lng[vi])
        keep = d <= max_d
        parts_r.append(ri[keep])
        parts_v.append(vi[keep])
        parts_d.append(np.rint(d[keep]).astype(np.int64))
    if not parts_r:
        return Candidates(reqs, vols, empty, empty, empty)
    req, vol, dist = np.concatenate(parts_r), np.concatenate(parts_v), np.concatenate(parts_d)
    return Candidates(reqs, vols, req, vol, dist)


# --------------------------------------------------------------------------- flow graph


@dataclass(frozen=True, slots=True)
class FlowGraph:
    """The min-cost-flow network; arcs are source→request, request→volunteer, volunteer→sink."""

    candidates: Candidates
    num_nodes: int
    source: int
    sink: int
    tails: npt.NDArray[np.int32]
    heads: npt.NDArray[np.int32]
    capacities: IntArray
    costs: IntArray
    pair_arcs: npt.NDArray[np.int32]  # arc index of each candidate pair
    load_tier: bool  # whether level 4 (load balance) is in the costs


def _costs(cand: Candidates, with_load: bool) -> tuple[IntArray, IntArray, IntArray, int]:
    """(request arc costs, pair arc costs, per-volunteer effective capacity, LOAD_SPAN)."""
    n_r, n_v = len(cand.requests), len(cand.volunteers)
    degree = np.bincount(cand.vol, minlength=n_v).astype(np.int64)
    caps = np.array([v.capacity for v in cand.volunteers], dtype=np.int64)
    eff = np.minimum(caps, degree)
    load_span = 1 + int((eff * (eff - 1) // 2).sum()) if with_load else 1
    max_dist = np.zeros(n_r, dtype=np.int64)
    np.maximum.at(max_dist, cand.req, cand.dist)
    dist_span = (int(max_dist.sum()) + 1) * load_span
    prio = np.array([r.priority for r in cand.requests], dtype=np.int64)
    has_pair = np.zeros(n_r, dtype=bool)
    has_pair[cand.req] = True
    p_max = int(prio[has_pair].max()) if has_pair.any() else 0
    req_rank = np.where(has_pair, p_max - prio, 0)
    if int(req_rank.max(initial=0)) * dist_span >= _COST_LIMIT // (n_r + n_v + 3):
        raise OverflowError
    return req_rank * dist_span, cand.dist * load_span, eff, load_span


def build_graph(instance: Instance, candidates: Candidates | None = None) -> FlowGraph:
    cand = candidates if candidates is not None else candidate_pairs(instance)
    n_r, n_v = len(cand.requests), len(cand.volunteers)
    try:
        req_cost, pair_cost, eff, _ = _costs(cand, with_load=True)
        load_tier = True
    except OverflowError:
        try:
            req_cost, pair_cost, eff, _ = _costs(cand, with_load=False)
        except OverflowError:
            raise InstanceError(
                "",
                "インスタンスが大きすぎて厳密な優先順位付き費用を表せません",
                "the instance is too large for exact lexicographic costs",
            ) from None
        load_tier = False
    source, sink = 0, n_r + n_v + 1
    # source → request
    t1 = np.zeros(n_r, dtype=np.int64)
    h1 = np.arange(1, n_r + 1, dtype=np.int64)
    # request → volunteer
    t2 = cand.req + 1
    h2 = cand.vol + 1 + n_r
    # volunteer → sink: unit arcs with cost k (convex load), or one arc when no load tier
    used = np.flatnonzero(eff > 0)
    if load_tier:
        units = eff[used]
        t3 = np.repeat(used + 1 + n_r, units)
        firsts = np.cumsum(units) - units
        c3 = np.arange(int(units.sum()), dtype=np.int64) - np.repeat(firsts, units)
        cap3 = np.ones(t3.size, dtype=np.int64)
    else:
        t3 = used + 1 + n_r
        c3 = np.zeros(used.size, dtype=np.int64)
        cap3 = eff[used]
    h3 = np.full(t3.size, sink, dtype=np.int64)
    tails = np.concatenate([t1, t2, t3]).astype(np.int32)
    heads = np.concatenate([h1, h2, h3]).astype(np.int32)
    capacities = np.concatenate([np.ones(n_r + t2.size, dtype=np.int64), cap3])
    costs = np.concatenate([req_cost, pair_cost, c3])
    pair_arcs = np.arange(n_r, n_r + t2.size, dtype=np.int32)
    return FlowGraph(
        cand, n_r + n_v + 2, source, sink, tails, heads, capacities, costs, pair_arcs, load_tier
    )


def new_solver(graph: FlowGraph) -> min_cost_flow.SimpleMinCostFlow:
    """An OR-Tools solver loaded with `graph` (supply at the source, demand at the sink)."""
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(
        graph.tails, graph.heads, graph.capacities, graph.costs
    )
    n_r = len(graph.candidates.requests)
    smcf.set_node_supply(graph.source, n_r)
    smcf.set_node_supply(graph.sink, -n_r)
    return smcf


def _result(cand: Candidates, chosen: IntArray) -> Result:
    """Result from the indices of the chosen candidate pairs."""
    by_request: dict[int, tuple[int, int]] = {}
    for k in chosen.tolist():
        by_request[int(cand.req[k])] = (int(cand.vol[k]), int(cand.dist[k]))
    assignments = []
    unassigned = []
    priority = 0
    for i, r in enumerate(cand.requests):
        hit = by_request.get(i)
        if hit is None:
            unassigned.append(r.id)
        else:
            assignments.append(Assignment(r.id, cand.volunteers[hit[0]].id, hit[1]))
            priority += r.priority
    return Result(tuple(assignments), tuple(unassigned), priority)


def solve(instance: Instance) -> Result:
    """The lexicographic optimum (see module docstring); deterministic for a given instance."""
    cand = candidate_pairs(instance)
    if cand.req.size == 0:
        return _result(cand, np.zeros(0, dtype=np.int64))
    graph = build_graph(instance, cand)
    smcf = new_solver(graph)
    status = smcf.solve_max_flow_with_min_cost()
    if status != smcf.OPTIMAL:
        raise RuntimeError(f"OR-Tools min-cost flow failed with status {status}")
    flows = np.asarray(smcf.flows(graph.pair_arcs))
    return _result(cand, np.flatnonzero(flows > 0).astype(np.int64))


def greedy_nearest_first(instance: Instance) -> Result:
    """Baseline: take eligible pairs shortest first (ties by request, then volunteer id)."""
    cand = candidate_pairs(instance)
    remaining = [v.capacity for v in cand.volunteers]
    taken = [False] * len(cand.requests)
    chosen: list[int] = []
    order = np.lexsort((cand.vol, cand.req, cand.dist))
    req, vol = cand.req.tolist(), cand.vol.tolist()
    for k in order.tolist():
        r, v = req[k], vol[k]
        if not taken[r] and remaining[v] > 0:
            taken[r] = True
            remaining[v] -= 1
            chosen.append(k)
    return _result(cand, np.array(chosen, dtype=np.int64))
