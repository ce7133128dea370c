"""What this app contributes to the staff home page's "Needs attention" panel
(core/dashboard.py): counts over the same scoped querysets its lists read."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import ngettext

from ainet.core import access
from ainet.core.dashboard import Item, list_url, register
from ainet.volunteers.models import RequestState, Volunteer, VolunteerRequest, VolunteerStatus


@register(lambda user: access.can(user, "volunteers.manage"), order=50)
def _volunteer_items(user: Any, now: datetime.datetime) -> list[Item]:
    """The volunteer centre's waiting work: registrations to confirm (the volunteer list's
    ?status=pending) and requests still without a volunteer (the request list's ?state=)."""

    pending = Volunteer.objects.for_user(user).filter(status=VolunteerStatus.PENDING).count()
    requests = VolunteerRequest.objects.for_user(user).aggregate(
        received=Count("pk", filter=Q(state=RequestState.RECEIVED)),
        coordinating=Count("pk", filter=Q(state=RequestState.COORDINATING)),
    )
    return [
        Item(
            "volunteer_registrations",
            pending,
            ngettext(
                "%(count)s volunteer registration is awaiting confirmation.",
                "%(count)s volunteer registrations are awaiting confirmation.",
                pending,
            )
            % {"count": pending},
            list_url("volunteers:volunteer_list", status=VolunteerStatus.PENDING),
        ),
        Item(
            "volunteer_requests_received",
            requests["received"],
            ngettext(
                "%(count)s volunteer request was received and is not being coordinated yet.",
                "%(count)s volunteer requests were received and are not being coordinated yet.",
                requests["received"],
            )
            % {"count": requests["received"]},
            list_url("volunteers:request_list", state=RequestState.RECEIVED),
        ),
        Item(
            "volunteer_requests_coordinating",
            requests["coordinating"],
            ngettext(
                "%(count)s volunteer request is being coordinated and still needs a volunteer.",
                "%(count)s volunteer requests are being coordinated and still need a volunteer.",
                requests["coordinating"],
            )
            % {"count": requests["coordinating"]},
            list_url("volunteers:request_list", state=RequestState.COORDINATING),
        ),
    ]
