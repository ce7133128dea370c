from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

from ainet.core.indicators import Span, Values, count_flow, register
from ainet.grants.models import FundedProject


@register(
    "grant_funded_projects",
    _("Grant-funded projects"),
    "flow",
    50,
    _("Projects started with a grant, all programmes"),
)
def grant_funded_projects(
    municipality: Any, spans: Sequence[Span], districts: Sequence[int]
) -> Values:
    return count_flow(
        FundedProject.objects.filter(programme__municipality=municipality),
        "started_on",
        "district_id",
        spans,
        districts,
    )
