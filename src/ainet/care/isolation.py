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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from ainet.care.models import ListEntry, Person, Supporter, SupporterKind

DEFAULT_OVERLOAD = 10
KINDS: tuple[str, ...] = tuple(SupporterKind.values)


def listed_on(day: datetime.date, prefix: str = "") -> Q:
    """People (reached through `prefix`) on any list on `day`."""
    entries = ListEntry.objects.filter(
        person_id=OuterRef(f"{prefix}pk"), joined_on__lte=day
    ).filter(Q(left_on__isnull=True) | Q(left_on__gt=day))
    return Q(Exists(entries))


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


def analyse(
    user: Any,
    day: datetime.date,
    *,
    district_ids: Sequence[int] | None = None,
    overload_threshold: int = DEFAULT_OVERLOAD,
) -> WardAnalysis:
    """The figures for every person the user may see, in two queries: per person the active
    ties by kind (one GROUP BY), and the supporters above `overload_threshold`."""
    rows = (
        with_tie_counts(people_in_scope(user, day, district_ids), day)
        .order_by()
        .values_list("district_id", "ties_total", *(f"ties_{k}" for k in KINDS))
    )
    by_district: dict[int | None, Coverage] = {}
    by_kind = dict.fromkeys(KINDS, 0)
    people_with_kind = dict.fromkeys(KINDS, 0)
    listed = isolated = fragile = 0
    for district_id, total, *per_kind in rows.iterator(chunk_size=5000):
        cell = by_district.get(district_id)
        if cell is None:
            cell = by_district[district_id] = Coverage(district_id)
        cell.listed += 1
        listed += 1
        if total == 0:
            cell.isolated += 1
            isolated += 1
        else:
            cell.with_one += 1
            if total == 1:
                cell.fragile += 1
                fragile += 1
            else:
                cell.with_two += 1
            for kind, n in zip(KINDS, per_kind, strict=True):
                if n:
                    by_kind[kind] += n
                    people_with_kind[kind] += 1
    coverage = sorted(by_district.values(), key=lambda c: (c.district_id is None, c.district_id))
    return WardAnalysis(
        day=day,
        listed=listed,
        isolated=isolated,
        fragile=fragile,
        by_kind=by_kind,
        people_with_kind=people_with_kind,
        coverage=coverage,
        overloaded=overloaded_supporters(
            user, day, threshold=overload_threshold, district_ids=district_ids
        ),
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
