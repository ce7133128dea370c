from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

from ainet.core.indicators import Span, Values, count_stock, register
from ainet.volunteers.models import CARAVAN_MATE, Volunteer, VolunteerCertificate


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
    # A pending registration has no registered_on yet, so count_stock leaves it out.
    return count_stock(
        Volunteer.objects.filter(municipality=municipality),
        "registered_on",
        "ended_on",
        "district_id",
        spans,
        districts,
    )


@register(
    "caravan_mates",
    _("Caravan mates (dementia-supporter trainers)"),
    "stock",
    70,
    _("Caravan mates registered on the day after the period"),
)
def caravan_mates(municipality: Any, spans: Sequence[Span], districts: Sequence[int]) -> Values:
    # A caravan mate is a person holding the キャラバン・メイト certificate on that day.
    return count_stock(
        VolunteerCertificate.objects.filter(
            volunteer__municipality=municipality, certificate__code=CARAVAN_MATE
        ),
        "obtained_on",
        "ended_on",
        "volunteer__district_id",
        spans,
        districts,
    )
