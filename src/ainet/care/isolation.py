"""Isolation analysis (孤立の分析): who has nobody, who hangs on one tie, which supporters carry
too many people, and who would be left with nobody if some supporters became unavailable.

Definitions (the pages and the indicators share them):
- a person counts when they are on a list on the day (a current ListEntry of any list);
- an *active tie* is a SupportTie in force on the day (`SupportTie.objects.active_on`) whose
  supporter is marked active — a supporter who stopped helping supports nobody;
- *isolated*: no active tie; *fragile*: exactly one.

Everything is scoped: only people the user may see (`access.person_q`) are counted or listed,
and only supporters the user may see (`access.supporter_q`) are listed. The whole-ward figures
come from one GROUP BY per person with a conditional count per supporter kind.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from django.db import connection
from django.db.models import Count, F, Q, QuerySet

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


def _fetch(queryset: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """The rows of a values_list of plain integer and text columns, straight from the cursor:
    for tens of thousands of rows Django's per-row iteration costs more than the query."""
    sql, params = queryset.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    return rows


def analyse(
    user: Any,
    day: datetime.date,
    *,
    district_ids: Sequence[int] | None = None,
    overload_threshold: int = DEFAULT_OVERLOAD,
) -> WardAnalysis:
    """The figures for every person the user may see, from four flat queries and no GROUP BY:
    the listed people (id, district), the supporters' kinds, the ties in force (person,
    supporter), and the names of the supporters above `overload_threshold` (those the user may
    see) — counted in one pass here."""
    people = people_in_scope(user, day, district_ids)
    district_of: dict[int, int | None] = dict(_fetch(people.values_list("pk", "district_id")))
    # Kinds of the active supporters of the user's municipalities (kinds are not personal
    # data; a tie to a supporter the user may not see still counts for the person), and the
    # ties in force on the day from the tie table alone: ties of people outside `district_of`
    # (not listed, not visible, another municipality) or of inactive supporters are skipped
    # here, cheaper than joining in SQL.
    kind_of: dict[int, str] = dict(
        _fetch(
            Supporter.objects.filter(access.municipality_q(user), is_active=True).values_list(
                "pk", "kind"
            )
        )
    )
    ties = (
        SupportTie.objects.filter(Q(since__lte=day) | Q(since__isnull=True))
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day))
        .order_by()
        .values_list("person_id", "supporter_id")
    )
    # One (person, supporter) pair per active tie; a second tie between the same two counts
    # once. Counted with C-level iteration (map, zip, Counter): no Python loop per tie.
    pairs = list({(p, t) for p, t in _fetch(ties) if t in kind_of and p in district_of})
    kinds = list(map(kind_of.__getitem__, map(itemgetter(1), pairs)))
    per_person = Counter(map(itemgetter(0), pairs))
    loads = Counter(map(itemgetter(1), pairs))
    by_kind = dict.fromkeys(KINDS, 0)
    by_kind.update(Counter(kinds))
    people_with_kind = dict.fromkeys(KINDS, 0)
    person_kinds = set(zip(map(itemgetter(0), pairs), kinds, strict=True))
    people_with_kind.update(Counter(map(itemgetter(1), person_kinds)))

    # Per district, again without a Python loop per person.
    district = district_of.__getitem__
    listed_in = Counter(district_of.values())
    tied_in = Counter(map(district, per_person))
    fragile_in = Counter(map(district, [p for p, n in per_person.items() if n == 1]))
    by_district = {
        d: Coverage(
            d,
            listed=n,
            with_one=tied_in[d],
            with_two=tied_in[d] - fragile_in[d],
            isolated=n - tied_in[d],
            fragile=fragile_in[d],
        )
        for d, n in listed_in.items()
    }
    fragile = sum(fragile_in.values())
    isolated = len(district_of) - len(per_person)
    heavy = sorted(pk for pk, n in loads.items() if n > overload_threshold)
    visible = Supporter.objects.for_user(user).filter(is_active=True)
    if district_ids is not None:
        visible = visible.filter(district_id__in=list(district_ids))
    overloaded: list[SupporterLoad] = []
    for start in range(0, len(heavy), 500):  # bounded IN lists, whatever the threshold
        rows = visible.filter(pk__in=heavy[start : start + 500]).values_list(
            "pk", "name", "kind", "district_id"
        )
        overloaded += [SupporterLoad(pk, n, k, d, loads[pk]) for pk, n, k, d in rows]
    overloaded.sort(key=lambda s: (-s.people, s.name, s.supporter_id))
    coverage = sorted(by_district.values(), key=lambda c: (c.district_id is None, c.district_id))
    return WardAnalysis(
        day=day,
        listed=len(district_of),
        isolated=isolated,
        fragile=fragile,
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
