"""The evacuation-help list (避難行動要支援者名簿, Disaster Countermeasures Basic Act art. 49-10):
the people with a current evacuation `ListEntry` whom the user may see (`access.person_q`),
with the reason help is needed and the consent state, per district or per association (an
association's area is its `Organisation.districts`).

Each row says whether the user sees the person's special-care data (`access.person_full_q`,
i.e. FieldLevel.FULL) and whether only disaster mode shows them (an unlock, audited by the
page that shows it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, Prefetch, Q

from ainet.care.models import ListEntry, ListKind, Person
from ainet.core import access, audit
from ainet.core.models import District, Organisation, OrganisationKind


@dataclass
class Row:
    person: Person
    entry: ListEntry
    full: bool  # special-care fields may be shown
    unlocked: bool  # visible only because of disaster mode
    plan: Any  # EvacuationPlan | None


def associations_for(user: Any) -> list[Organisation]:
    return list(
        Organisation.objects.for_user(user)
        .filter(kind=OrganisationKind.ASSOCIATION)
        .prefetch_related("districts")
        .order_by("name")
    )


def rows(
    user: Any,
    *,
    district: District | None = None,
    association: Organisation | None = None,
) -> list[Row]:
    current = ListEntry.objects.filter(list_kind=ListKind.EVACUATION, left_on__isnull=True)
    people = (
        Person.objects.for_user(user)
        .filter(list_entries__list_kind=ListKind.EVACUATION, list_entries__left_on__isnull=True)
        .select_related("district", "town")
        .prefetch_related(
            Prefetch("list_entries", queryset=current, to_attr="evacuation_entries"), "needs"
        )
        .annotate(
            is_full=ExpressionWrapper(access.person_full_q(user), output_field=BooleanField()),
            is_normal=ExpressionWrapper(
                access.person_q(user, disaster_unlocks=False), output_field=BooleanField()
            ),
        )
        .distinct()
        .order_by("district__sort_order", "district__code", "name_kana", "name", "pk")
    )
    if district is not None:
        people = people.filter(district=district)
    if association is not None:
        people = people.filter(district__in=list(association.districts.all()))
    from ainet.disaster.models import EvacuationPlan

    plans = {
        p.person_id: p
        for p in EvacuationPlan.objects.filter(person__in=people.values("pk")).select_related(
            "primary_supporter", "backup_supporter", "destination_facility"
        )
    }
    result = []
    for p in people:
        entries = p.evacuation_entries  # type: ignore[attr-defined]
        if not entries:
            continue
        result.append(
            Row(
                person=p,
                entry=entries[0],
                full=bool(p.is_full),  # type: ignore[attr-defined]
                unlocked=not p.is_normal,  # type: ignore[attr-defined]
                plan=plans.get(p.pk),
            )
        )
    return result


def audit_unlocks(
    user: Any, people: list[Person], *, page: str, request: Any = None, municipality: Any = None
) -> None:
    """Record that disaster mode let `user` see these people (law art. 49-11(3))."""
    ids = sorted(p.pk for p in people)
    if not ids:
        return
    audit.record(
        user,
        audit.Action.VIEW,
        municipality=municipality or people[0].municipality,
        request=request,
        reason="disaster mode",
        details={"disaster_mode": True, "page": page, "people": ids},
    )


def unlock_filter(user: Any) -> Q:
    """People visible only through disaster mode."""
    return access.person_q(user) & ~access.person_q(user, disaster_unlocks=False)
