from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

from ainet.community.models import EventKind, Participation
from ainet.core.indicators import Span, Values, count_flow, register


@register(
    "forum_participants",
    _("Promotion forum participants"),
    "flow",
    20,
    _("Participants recorded at the promotion forums"),
)
def forum_participants(
    municipality: Any, spans: Sequence[Span], districts: Sequence[int]
) -> Values:
    return count_flow(
        Participation.objects.filter(event__municipality=municipality, event__kind=EventKind.FORUM),
        "event__date",
        "district_id",
        spans,
        districts,
    )
