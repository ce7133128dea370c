from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

from ainet.core.indicators import Span, Values, count_stock, register
from ainet.volunteers.models import Volunteer


@register(
    "registered_volunteers",
    _("Registered volunteers (ward social welfare council)"),
    "stock",
    60,
    _("Volunteers registered on the day after the period"),
)
def registered_volunteers(
    municipality: Any, spans: Sequence[Span], districts: Sequence[int]
) -> Values:
    return count_stock(
        Volunteer.objects.filter(municipality=municipality),
        "registered_on",
        "ended_on",
        "district_id",
        spans,
        districts,
    )
