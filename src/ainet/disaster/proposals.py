"""Supporter assignment in the web: build the solver's instance (`disaster/matching.py`)
from `care` people and supporters, run it, and describe the proposal.

People: everyone on the evacuation-help list whom the user may see, with coordinates, and
without a plan — plus, when re-planning, the people whose plan names a supporter who is no
longer active. A person needs two supporters when one of their kinds of need is in
`NEEDS_TWO_CODES` or their plan says so. Language: `Person.preferred_language`; district: the
person's and the supporter's district (the solver then keeps within a district).
Supporters: active ones with coordinates whom the user may see; capacity =
`evacuation_capacity` minus the plans already naming them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from ainet.care.models import ListKind, Person, Supporter
from ainet.core.models import Municipality
from ainet.disaster import matching
from ainet.disaster.models import EvacuationPlan

# NeedKind codes that mean two people are needed to move the person.
NEEDS_TWO_CODES = frozenset({"mobility", "two-supporters"})
DEFAULT_MAX_DISTANCE_M = 500
MAX_DISTANCE_LIMIT_M = 3000


def person_needs_two(person: Person) -> bool:
    return any(n.code in NEEDS_TWO_CODES for n in person.needs.all())


def distance_m(person: Person, supporter: Supporter) -> int | None:
    if None in (person.lat, person.lng, supporter.lat, supporter.lng):
        return None
    return round(
        matching.haversine_m(
            float(person.lat),  # type: ignore[arg-type]
            float(person.lng),  # type: ignore[arg-type]
            float(supporter.lat),  # type: ignore[arg-type]
            float(supporter.lng),  # type: ignore[arg-type]
        )
    )


def needs_replanning(plan: EvacuationPlan) -> bool:
    """A supporter of the plan is gone (inactive) or a needed supporter is missing."""
    named = plan.supporters
    if any(not s.is_active for s in named):
        return True
    return len(named) < (2 if plan.needs_two_supporters else 1)


@dataclass
class Row:
    person: Person
    needs_two: bool
    supporters: list[tuple[Supporter, int]] = field(default_factory=list)
    replanned: bool = False
    kept: list[Supporter] = field(default_factory=list)

    @property
    def covered(self) -> bool:
        return len(self.supporters) >= (2 if self.needs_two else 1)


@dataclass
class Proposal:
    max_distance_m: int
    rows: list[Row]
    covered: int
    total_distance_m: int
    proven_optimal: bool
    supporters_considered: int
    released: int = 0
    without_location: list[Person] = field(default_factory=list)

    @property
    def uncovered(self) -> list[Row]:
        return [r for r in self.rows if not r.covered]

    @property
    def covered_rows(self) -> list[Row]:
        return [r for r in self.rows if r.covered]


def _people(
    user: Any, municipality: Municipality, replan: bool
) -> tuple[list[Person], list[Person]]:
    without_plan = Q(evacuation_plan__isnull=True)
    if replan:
        gone = Q(evacuation_plan__primary_supporter__is_active=False) | Q(
            evacuation_plan__backup_supporter__is_active=False
        )
        without_plan |= gone
    people = list(
        Person.objects.for_user(user)
        .filter(
            without_plan,
            municipality=municipality,
            list_entries__list_kind=ListKind.EVACUATION,
            list_entries__left_on__isnull=True,
        )
        .select_related(
            "district",
            "evacuation_plan__primary_supporter",
            "evacuation_plan__backup_supporter",
        )
        .prefetch_related("needs")
        .distinct()
        .order_by("district__code", "name_kana", "pk")
    )
    located = [p for p in people if p.lat is not None and p.lng is not None]
    return located, [p for p in people if p.lat is None or p.lng is None]


def build(
    user: Any,
    municipality: Municipality,
    *,
    max_distance_m: int = DEFAULT_MAX_DISTANCE_M,
    replan: bool = False,
) -> Proposal:
    people, without_location = _people(user, municipality, replan)
    plans = {p.pk: getattr(p, "evacuation_plan", None) for p in people}
    supporters = list(
        Supporter.objects.for_user(user)
        .filter(municipality=municipality, lat__isnull=False, lng__isnull=False)
        .filter(
            Q(is_active=True)
            | Q(pk__in=[s.pk for pl in plans.values() if pl for s in pl.supporters])
        )
        .select_related("district")
        .order_by("pk")
    )
    from ainet.disaster.services import supporter_loads

    loads = supporter_loads([s.pk for s in supporters], excluding=[p.pk for p in people])
    needs_two = {
        p.pk: person_needs_two(p) or bool(plans[p.pk] and plans[p.pk].needs_two_supporters)  # type: ignore[union-attr]
        for p in people
    }
    instance = matching.Instance(
        max_distance_m=float(max_distance_m),
        people=tuple(
            matching.Person(
                id=str(p.pk),
                lat=float(p.lat),  # type: ignore[arg-type]
                lng=float(p.lng),  # type: ignore[arg-type]
                needs_two=needs_two[p.pk],
                language=p.preferred_language or None,
                district=p.district.code if p.district else None,
            )
            for p in people
        ),
        supporters=tuple(
            matching.Supporter(
                id=str(s.pk),
                lat=float(s.lat),  # type: ignore[arg-type]
                lng=float(s.lng),  # type: ignore[arg-type]
                capacity=max(0, s.evacuation_capacity - loads.get(s.pk, 0)) if s.is_active else 0,
                languages=frozenset(s.languages or ()),
                district=s.district.code if s.district else None,
            )
            for s in supporters
        ),
    )
    if replan:
        previous = [
            (str(p.pk), str(s.pk))
            for p in people
            if plans[p.pk] is not None
            for s in plans[p.pk].supporters  # type: ignore[union-attr]
        ]
        unavailable = [str(s.pk) for s in supporters if not s.is_active]
        result = matching.replan(instance, previous, unavailable)
    else:
        result = matching.solve(instance)
    by_id = {str(s.pk): s for s in supporters}
    rows = {str(p.pk): Row(p, needs_two[p.pk], replanned=plans[p.pk] is not None) for p in people}
    for a in result.assignments:
        rows[a.person].supporters.append((by_id[a.supporter], a.distance_m))
    for row in rows.values():
        plan = plans[row.person.pk]
        if plan is not None:
            row.kept = [s for s, _ in row.supporters if s in plan.supporters]
    return Proposal(
        max_distance_m=max_distance_m,
        rows=list(rows.values()),
        covered=result.covered,
        total_distance_m=result.total_distance_m,
        proven_optimal=result.proven_optimal,
        supporters_considered=sum(1 for s in instance.supporters if s.capacity > 0),
        released=len(result.released),
        without_location=without_location,
    )
