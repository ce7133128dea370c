"""What this app contributes to the staff home page's "Needs attention" panel
(core/dashboard.py): counts over the same scoped querysets its lists read."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ainet.care import concerns, selectors
from ainet.core import access
from ainet.core.dashboard import Item, list_url, register


@register(lambda user: access.can(user, "care.handle_concerns"), order=10)
def _concern_items(user: Any, now: datetime.datetime) -> list[Item]:
    """The district team's queue (care_concerns:queue): open reports, the overdue among them,
    and for ward administrators the escalated and the unrouted ones (its ?team= filters)."""

    administered = bool(access.administered_municipality_ids(user))
    overdue = concerns.overdue_q(now)
    counts = (
        concerns.handled_reports(user)
        .filter(status__in=concerns.OPEN_STATUSES)
        .aggregate(
            open=Count("pk"),
            overdue=Count("pk", filter=overdue),
            # The queue escalates every overdue report when it loads (escalate_overdue), so
            # an overdue report not marked yet is listed under ?team=escalated there too.
            escalated=Count("pk", filter=Q(escalated_at__isnull=False) | overdue),
            unrouted=Count("pk", filter=Q(district__isnull=True)),
        )
    )
    queue = list_url("care_concerns:queue")
    items = [
        Item(
            "concerns_overdue",
            counts["overdue"],
            ngettext(
                "%(count)s concern report is past its deadline.",
                "%(count)s concern reports are past their deadline.",
                counts["overdue"],
            )
            % {"count": counts["overdue"]},
            queue,
            urgent=True,
        ),
        Item(
            "concerns_open",
            counts["open"],
            ngettext(
                "%(count)s concern report is not closed yet.",
                "%(count)s concern reports are not closed yet.",
                counts["open"],
            )
            % {"count": counts["open"]},
            queue,
        ),
    ]
    if administered:
        items += [
            Item(
                "concerns_escalated",
                counts["escalated"],
                ngettext(
                    "%(count)s open concern report was escalated to the ward administrators.",
                    "%(count)s open concern reports were escalated to the ward administrators.",
                    counts["escalated"],
                )
                % {"count": counts["escalated"]},
                list_url("care_concerns:queue", team="escalated"),
                urgent=True,
            ),
            Item(
                "concerns_unrouted",
                counts["unrouted"],
                ngettext(
                    "%(count)s open concern report is not routed to a district.",
                    "%(count)s open concern reports are not routed to a district.",
                    counts["unrouted"],
                )
                % {"count": counts["unrouted"]},
                list_url("care_concerns:queue", team="unrouted"),
                urgent=True,
            ),
        ]
    return items


@register(lambda user: access.can(user, "care.view"), order=30)
def _worklist_items(user: Any, now: datetime.datetime) -> list[Item]:
    """The contact worklist (care:worklist) unfiltered: the selector the page lists."""

    counts = selectors.worklist(user, now).aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=Q(is_overdue=True)),
        follow_up=Count("pk", filter=Q(follow_up_pending=True)),
    )
    return [
        Item(
            "worklist",
            counts["total"],
            ngettext(
                "%(count)s person on the contact worklist is waiting for a visit or a call.",
                "%(count)s people on the contact worklist are waiting for a visit or a call.",
                counts["total"],
            )
            % {"count": counts["total"]},
            list_url("care:worklist"),
            detail=_("Contact overdue: %(overdue)s. Follow-up waiting: %(follow_up)s.")
            % {"overdue": counts["overdue"], "follow_up": counts["follow_up"]},
        )
    ]
