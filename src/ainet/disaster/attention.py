"""What this app contributes to the staff home page's "Needs attention" panel
(core/dashboard.py): counts over the same scoped querysets its lists read."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import ngettext

from ainet.core import access
from ainet.core.dashboard import Item, list_url, register
from ainet.disaster.models import SafetyCampaign


@register(lambda user: access.can(user, "disaster.safety_record"), order=20)
def _safety_items(user: Any, now: datetime.datetime) -> list[Item]:
    """Open safety-confirmation campaigns, as the campaign list (safety:campaign_list) lists
    them."""

    count = SafetyCampaign.objects.for_user(user).open().count()
    return [
        Item(
            "safety_campaigns",
            count,
            ngettext(
                "%(count)s safety confirmation campaign is open.",
                "%(count)s safety confirmation campaigns are open.",
                count,
            )
            % {"count": count},
            list_url("safety:campaign_list"),
            urgent=True,
        )
    ]
