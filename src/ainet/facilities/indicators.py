from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

from ainet.core.indicators import Span, Values, count_stock, register
from ainet.facilities.models import Facility, FacilityKind


def _open_facilities(
    kind: FacilityKind, municipality: Any, spans: Sequence[Span], districts: Sequence[int]
) -> Values:
    return count_stock(
        Facility.objects.filter(municipality=municipality, kind=kind),
        "opened_on",
        "closed_on",
        "district_id",
        spans,
        districts,
    )


@register(
    "care_plazas",
    _("Community care plazas"),
    "stock",
    80,
    _("Care plazas open on the day after the period"),
)
def care_plazas(municipality: Any, spans: Sequence[Span], districts: Sequence[int]) -> Values:
    return _open_facilities(FacilityKind.CARE_PLAZA, municipality, spans, districts)


@register(
    "nurseries",
    _("Nurseries"),
    "stock",
    90,
    _("Licensed nurseries open on the day after the period"),
)
def nurseries(municipality: Any, spans: Sequence[Span], districts: Sequence[int]) -> Values:
    return _open_facilities(FacilityKind.NURSERY, municipality, spans, districts)
