"""Coverage of the support network (isolation analysis), per district, as indicators: people
on a list, with at least one active tie, with at least two, and isolated — on the day after
each period (stocks). Definitions: `care.isolation`. Like every stock, a period before any
list records counts zero."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from ainet.care.isolation import active_tie_q, listed_on
from ainet.care.models import Person, SupportTie
from ainet.core.indicators import Span, Values, register

_MEASURES = ("listed", "with_one", "with_two", "isolated")


def _coverage(
    municipality: Any, spans: Sequence[Span], districts: Sequence[int], measure: str
) -> Values:
    result: Values = {}
    wanted = set(districts)
    for span in spans:
        day = span.period.day_after_end
        ties = (
            SupportTie.objects.filter(person_id=OuterRef("pk"))
            .filter(active_tie_q(day))
            .order_by()
            .values("person_id")
            .annotate(n=Count("*"))
            .values("n")
        )
        rows = (
            Person.objects.filter(municipality=municipality)
            .filter(listed_on(day))
            .annotate(n_ties=Coalesce(Subquery(ties, output_field=IntegerField()), 0))
            .values("district_id")
            .annotate(
                listed=Count("pk"),
                with_one=Count("pk", filter=Q(n_ties__gte=1)),
                with_two=Count("pk", filter=Q(n_ties__gte=2)),
                isolated=Count("pk", filter=Q(n_ties=0)),
            )
            .order_by()
        )
        total = 0
        cells = dict.fromkeys(districts, 0)
        for values in rows:
            row: dict[str, Any] = dict(values)
            total += row[measure]
            if row["district_id"] in wanted:
                cells[row["district_id"]] = row[measure]
        result[(span.number, None)] = total
        result.update({(span.number, d): n for d, n in cells.items()})
    return result


@register(
    "care_listed_people",
    _("People on the support lists"),
    "stock",
    100,
    _("People on the evacuation-help or watch-over list on the day after the period"),
)
def listed_people(municipality: Any, spans: Sequence[Span], districts: Sequence[int]) -> Values:
    return _coverage(municipality, spans, districts, "listed")


@register(
    "care_people_with_tie",
    _("Listed people with at least one supporter"),
    "stock",
    101,
    _("Listed people with at least one active support tie on the day after the period"),
)
def people_with_tie(municipality: Any, spans: Sequence[Span], districts: Sequence[int]) -> Values:
    return _coverage(municipality, spans, districts, "with_one")


@register(
    "care_people_with_two_ties",
    _("Listed people with at least two supporters"),
    "stock",
    102,
    _("Listed people with two or more active support ties on the day after the period"),
)
def people_with_two_ties(
    municipality: Any, spans: Sequence[Span], districts: Sequence[int]
) -> Values:
    return _coverage(municipality, spans, districts, "with_two")


@register(
    "care_isolated_people",
    _("Isolated listed people"),
    "stock",
    103,
    _("Listed people with no active support tie on the day after the period"),
)
def isolated_people(municipality: Any, spans: Sequence[Span], districts: Sequence[int]) -> Values:
    return _coverage(municipality, spans, districts, "isolated")
