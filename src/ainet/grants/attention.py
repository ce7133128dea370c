"""What this app contributes to the staff home page's "Needs attention" panel
(core/dashboard.py): counts over the same scoped querysets its lists read."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import ngettext

from ainet.core import access
from ainet.core.dashboard import Item, list_url, register
from ainet.grants.models import Application, ApplicationStatus


@register(
    lambda user: access.can(user, "grants.manage") or access.can(user, "grants.review"), order=40
)
def _grant_items(user: Any, now: datetime.datetime) -> list[Item]:

    items = []
    if access.can(user, "grants.manage"):
        # The application list's ?status=submitted (the grants home card links there too).
        submitted = (
            Application.objects.for_user(user).filter(status=ApplicationStatus.SUBMITTED).count()
        )
        items.append(
            Item(
                "grants_submitted",
                submitted,
                ngettext(
                    "%(count)s grant application is waiting for a decision.",
                    "%(count)s grant applications are waiting for a decision.",
                    submitted,
                )
                % {"count": submitted},
                list_url("grants:application_list", status=ApplicationStatus.SUBMITTED),
            )
        )
    if access.can(user, "grants.review"):
        # "Not scored yet" on the reviewer's list (grants:review_list), still undecided.
        unscored = (
            Application.objects.for_reviewer(user)
            .filter(status=ApplicationStatus.SUBMITTED)
            .exclude(reviews__reviewer_id=user.pk)
            .count()
        )
        items.append(
            Item(
                "grants_to_score",
                unscored,
                ngettext(
                    "%(count)s grant application is waiting for your scores.",
                    "%(count)s grant applications are waiting for your scores.",
                    unscored,
                )
                % {"count": unscored},
                list_url("grants:review_list"),
            )
        )
    return items
