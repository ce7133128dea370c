"""Isolation analysis (孤立の分析): who has nobody, who hangs on one tie, which supporters carry
too many people, and who would be left with nobody if some supporters became unavailable.

Definitions (the pages and the indicators share them):
- a person counts when they are on a list on the day (a current ListEntry of any list);
- an *active tie* is a SupportTie in force on the day (`SupportTie.objects.active_on`) whose
  supporter is marked active — a supporter who stopped helping supports nobody;
- *isolated*: no active tie; *fragile*: exactly one.

Everything is scoped: only people the user may see (`access.person_q`) are counted or listed,
and only supporters the user may see (`access.supporter_q`) are listed. The people pages
annotate counts per kind with one GROUP BY per person (`with_tie_counts`); the whole-ward
figures (`analyse`) count three flat reads with array operations.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

import numpy as np
import numpy.typing as npt
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Case, Count, F, Q, QuerySet, When
from django.db.models.functions import Coalesce

from ainet.care.models import ListEntry, Person, Supporter, SupporterKind, SupportTie
from ainet.core import access

DEFAULT_OVERLOAD = 10
KINDS: tuple[str, ...] = tuple(SupporterKind.values)


def listed_on(day: datetime.date, prefix: str = "") -> Q:
    """People (reached through `prefix`) on any list on `day`. An IN over the current entries
    (one scan of the list table) rather than a correlated EXISTS per person: about twice as
    fast on SQLite for a whole ward."""
    entries = (
        ListEntry.objects.filter(joined_on__lte=day)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=day))
        .values("person_id")
    )
    return Q(**{f"{prefix}pk__in": entries})


def active_tie_q(day: datetime.date, prefix: str = "") -> Q:
    """Ties (reached through `prefix`, e.g. "ties__") active on `day` with an active
    supporter."""
    return (
        (Q(**{f"{prefix}since__lte": day}) | Q(**{f"{prefix}since__isnull": True}))
        & (Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gt": day}))
        & Q(**{f"{prefix}supporter__is_active": True})
    )


def people_in_scope(
    user: Any, day: datetime.date, district_ids: Sequence[int] | None = None
) -> QuerySet[Person]:
    people = Person.objects.for_user(user).filter(listed_on(day))
    if district_ids is not None:
        people = people.filter(district_id__in=list(district_ids))
    return people


def with_tie_counts(people: QuerySet[Person], day: datetime.date) -> QuerySet[Any]:
    """Annotate `ties_total` and `ties_<kind>` (active ties on `day`) in one GROUP BY."""
    active = active_tie_q(day, "ties__")
    counts: dict[str, Any] = {
        f"ties_{kind}": Count("ties", filter=active & Q(ties__supporter__kind=kind))
        for kind in KINDS
    }
    return people.annotate(ties_total=Count("ties", filter=active), **counts)


@dataclass
class Coverage:
    """Per district (None: people with no district)."""

    district_id: int | None
    listed: int = 0
    with_one: int = 0  # ≥ 1 active tie
    with_two: int = 0  # ≥ 2 active ties
    isolated: int = 0
    fragile: int = 0

    def share(self, part: int) -> float | None:
        return part / self.listed if self.listed else None


@dataclass
class WardAnalysis:
    day: datetime.date
    listed: int
    isolated: int
    fragile: int
    by_kind: dict[str, int]  # active ties per supporter kind
    people_with_kind: dict[str, int]  # people with ≥1 active tie of the kind
    coverage: list[Coverage]
    overloaded: list[SupporterLoad] = field(default_factory=list)


@dataclass(frozen=True)
class SupporterLoad:
    supporter_id: int
    name: str
    kind: str
    district_id: int | None
    people: int


IntArray = npt.NDArray[np.int64]


def _fetch(queryset: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """The rows of a values_list of plain integer and text columns, straight from the cursor:
    for tens of thousands of rows Django's per-row iteration costs more than the query. A
    condition nothing can match (a user who sees nobody) gives no rows, as the ORM would."""
    try:
        sql, params = queryset.order_by().query.sql_with_params()
    except EmptyResultSet:
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    return rows


def _column(rows: list[tuple[Any, ...]], index: int) -> IntArray:
    """One integer column of `rows` as an array (no Python loop per row)."""
    return np.fromiter(map(itemgetter(index), rows), dtype=np.int64, count=len(rows))


def _positions(keys: IntArray, values: IntArray) -> tuple[IntArray, npt.NDArray[np.bool_]]:
    """Where each of `values` is in `keys` (sorted, distinct, positive database ids), and
    whether it is there at all. Through a table indexed by id when the ids are dense enough
    (the usual case: few unused ids below the largest), else by binary search."""
    if not len(keys):
        return np.zeros(len(values), dtype=np.int64), np.zeros(len(values), dtype=np.bool_)
    top = int(keys[-1])
    if top <= 8 * len(keys) + 65_536:
        table = np.full(top + 2, -1, dtype=np.int64)
        table[keys] = np.arange(len(keys))
        at = table[np.clip(values, 0, top + 1)]
        found = at >= 0
        return np.where(found, at, 0), found
    at = np.minimum(np.searchsorted(keys, values), len(keys) - 1)
    return at, keys[at] == values


def _distinct(values: IntArray) -> IntArray:
    """The distinct values, sorted (np.unique, by sorting: faster than its hashing here)."""
    ordered = np.sort(values)
    keep = np.ones(len(ordered), dtype=np.bool_)
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def analyse(
    user: Any,
    day: datetime.date,
    *,
    district_ids: Sequence[int] | None = None,
    overload_threshold: int = DEFAULT_OVERLOAD,
) -> WardAnalysis:
    """The figures for every person the user may see. Three flat queries — the listed people
    in scope (id, district), the kinds of the active supporters, the ties in force (person,
    supporter) — are counted together with array operations (sorting and bincounts, no
    Python loop per person or tie). The supporters' read also brings the names of those the
    user may see, for the list of those above `overload_threshold`.

    Measured on the synthetic ward (bench/bench_isolation.py), this beats counting in SQL:
    on SQLite, the join of the scoped people with the ties, the DISTINCT over the pairs and
    the conditional count per kind each add between half and one and a half of the whole
    ties-per-person GROUP BY, while the three flat reads together cost about one and a half
    of it."""
    people = people_in_scope(user, day, district_ids).annotate(
        district_or_zero=Coalesce("district_id", 0)  # pks start at 1: 0 is "no district"
    )
    person_rows = _fetch(people.values_list("pk", "district_or_zero"))
    person_ids = _column(person_rows, 0)
    order = np.argsort(person_ids)
    person_ids, person_district = person_ids[order], _column(person_rows, 1)[order]
    # The active supporters of the user's municipalities with their kinds (kinds are not
    # personal data; a tie to a supporter the user may not see still counts for the person)
    # and, for those the user may see (`access.supporter_q`, within the districts asked
    # for), their names and districts: NULL names mark the others. Then the ties in force on
    # the day from the tie table alone: ties of people outside `person_ids` (not listed, not
    # visible, another municipality) or of other supporters are dropped by the lookups
    # below, cheaper than joining in SQL.
    shown = access.supporter_q(user)
    if district_ids is not None:
        shown &= Q(district_id__in=list(district_ids))
    supporter_rows = _fetch(
        Supporter.objects.filter(access.municipality_q(user), is_active=True)
        .annotate(
            shown_name=Case(When(shown, then=F("name")), default=None),
            shown_district=Case(When(shown, then=F("district_id")), default=None),
        )
        .values_list("pk", "kind", "shown_name", "shown_district")
    )
    kinds = [*KINDS, *sorted(set(map(itemgetter(1), supporter_rows)) - set(KINDS))]
    code = {kind: number for number, kind in enumerate(kinds)}
    supporter_ids = _column(supporter_rows, 0)
    supporter_kind = np.fromiter(
        map(code.__getitem__, map(itemgetter(1), supporter_rows)),
        dtype=np.int64,
        count=len(supporter_rows),
    )
    supporter_order = np.argsort(supporter_ids)
    supporter_ids, supporter_kind = supporter_ids[supporter_order], supporter_kind[supporter_order]
    tie_rows = _fetch(
        SupportTie.objects.filter(Q(since__lte=day) | Q(since__isnull=True))
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day))
        .values_list("person_id", "supporter_id")
    )
    person_at, person_found = _positions(person_ids, _column(tie_rows, 0))
    supporter_at, supporter_found = _positions(supporter_ids, _column(tie_rows, 1))
    counted = person_found & supporter_found
    # One (person, supporter) pair per active tie; a second tie between the same two counts
    # once.
    width = max(len(supporter_ids), 1)
    pairs = _distinct(person_at[counted] * width + supporter_at[counted])
    pair_person, pair_supporter = pairs // width, pairs % width
    pair_kind = supporter_kind[pair_supporter]
    per_person = np.bincount(pair_person, minlength=len(person_ids))
    loads = np.bincount(pair_supporter, minlength=len(supporter_ids))
    ties_of_kind = np.bincount(pair_kind, minlength=len(kinds)).tolist()
    person_kinds = _distinct(pair_person * len(kinds) + pair_kind)
    people_of_kind = np.bincount(person_kinds % len(kinds), minlength=len(kinds)).tolist()
    by_kind = {k: n for k, n in zip(kinds, ties_of_kind, strict=True) if k in KINDS or n}
    people_with_kind = {k: n for k, n in zip(kinds, people_of_kind, strict=True) if k in KINDS or n}

    # Per district.
    districts, district_at = np.unique(person_district, return_inverse=True)
    tied = per_person >= 1
    fragile_people = per_person == 1
    listed_in = np.bincount(district_at, minlength=len(districts)).tolist()
    tied_in = np.bincount(district_at[tied], minlength=len(districts)).tolist()
    fragile_in = np.bincount(district_at[fragile_people], minlength=len(districts)).tolist()
    coverage = [
        Coverage(
            d or None,
            listed=listed_in[i],
            with_one=tied_in[i],
            with_two=tied_in[i] - fragile_in[i],
            isolated=listed_in[i] - tied_in[i],
            fragile=fragile_in[i],
        )
        for i, d in enumerate(districts.tolist())
    ]
    coverage.sort(key=lambda c: (c.district_id is None, c.district_id))

    over = np.flatnonzero(loads > overload_threshold)
    overloaded = [
        SupporterLoad(pk, name, kind, district, people)
        for (pk, kind, name, district), people in zip(
            map(supporter_rows.__getitem__, supporter_order[over].tolist()),
            loads[over].tolist(),
            strict=True,
        )
        if name is not None
    ]
    overloaded.sort(key=lambda s: (-s.people, s.name, s.supporter_id))
    return WardAnalysis(
        day=day,
        listed=len(person_ids),
        isolated=int(np.count_nonzero(~tied)),
        fragile=int(np.count_nonzero(fragile_people)),
        by_kind=by_kind,
        people_with_kind=people_with_kind,
        coverage=coverage,
        overloaded=overloaded,
    )


def supporter_loads(
    user: Any, day: datetime.date, district_ids: Sequence[int] | None = None
) -> QuerySet[Any]:
    """Supporters the user may see, annotated with `load`: the people they may see whom the
    supporter is actively tied to on `day`."""
    visible = Person.objects.for_user(user).filter(listed_on(day))
    supporters = Supporter.objects.for_user(user)
    if district_ids is not None:
        supporters = supporters.filter(district_id__in=list(district_ids))
    tie_active = (Q(ties__since__lte=day) | Q(ties__since__isnull=True)) & (
        Q(ties__ended_on__isnull=True) | Q(ties__ended_on__gt=day)
    )
    return supporters.annotate(
        load=Count("ties__person", filter=tie_active & Q(ties__person__in=visible), distinct=True)
    )


def overloaded_supporters(
    user: Any,
    day: datetime.date,
    *,
    threshold: int = DEFAULT_OVERLOAD,
    district_ids: Sequence[int] | None = None,
) -> list[SupporterLoad]:
    """Active supporters carrying more than `threshold` people, heaviest first."""
    rows = (
        supporter_loads(user, day, district_ids)
        .filter(is_active=True, load__gt=threshold)
        .order_by("-load", "name", "pk")
        .values_list("pk", "name", "kind", "district_id", "load")
    )
    return [SupporterLoad(*row) for row in rows]


def left_with_nobody(user: Any, day: datetime.date, unavailable: Iterable[int]) -> QuerySet[Person]:
    """What if these supporters became unavailable: the people (the user may see) who have an
    active tie now and would have none left. Supporter ids the user may not see are ignored."""
    chosen = list(
        Supporter.objects.for_user(user)
        .filter(pk__in=list(unavailable))
        .values_list("pk", flat=True)
    )
    active = active_tie_q(day, "ties__")
    return (
        people_in_scope(user, day)
        .annotate(
            ties_total=Count("ties", filter=active),
            ties_left=Count("ties", filter=active & ~Q(ties__supporter_id__in=chosen)),
        )
        .filter(ties_total__gt=0, ties_left=0)
        .select_related("district", "town")
        .order_by(F("district__sort_order").asc(nulls_last=True), "name_kana", "name", "pk")
    )


def left_with_one(user: Any, day: datetime.date, unavailable: Iterable[int]) -> int:
    """How many would become fragile (one tie left, from two or more)."""
    chosen = list(
        Supporter.objects.for_user(user)
        .filter(pk__in=list(unavailable))
        .values_list("pk", flat=True)
    )
    active = active_tie_q(day, "ties__")
    return (
        people_in_scope(user, day)
        .annotate(
            ties_total=Count("ties", filter=active),
            ties_left=Count("ties", filter=active & ~Q(ties__supporter_id__in=chosen)),
        )
        .filter(ties_total__gt=1, ties_left=1)
        .count()
    )
