from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from ainet.core import access
from ainet.core.models import Municipality


def ainet(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "site_name": settings.AINET_SITE_NAME,
        # A plain banner on every page while synthetic demo people are in the database.
        "demo_mode": Municipality.objects.filter(is_demo=True).exists(),
        "nav": {
            "districts": access.can(user, "core.view_districts"),
            "organisations": access.can(user, "core.view_organisations"),
            "accounts": access.can(user, "core.manage_accounts"),
            "audit": access.can(user, "core.view_audit_log"),
            "plan": access.can(user, "plan.view"),
            "community": access.can(user, "community.view"),
            "grants": access.can(user, "grants.view"),
            "grant_reviews": access.can(user, "grants.review"),
            "care_roster": access.can(user, "care.manage_basis"),
            "care": access.can(user, "care.view"),
            "safety": access.can(user, "disaster.safety_record"),
            # 見守り通報: the queue for district teams, "my reports" for partner companies.
            "concerns": access.can(user, "care.file_concern")
            or access.can(user, "care.handle_concerns"),
            "concern_queue": access.can(user, "care.handle_concerns"),
            "isolation": access.can(user, "care.manage"),
            "volunteers": access.can(user, "volunteers.view"),
            "disaster": access.can(user, "disaster.view_list"),
        },
        "disaster_mode": _disaster_mode(user),
    }


def _disaster_mode(user: Any) -> list[Any]:
    """Disaster-mode declarations in force now for the user's districts (or their whole
    municipality), for the banner on every staff page."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    from ainet.care.models import DisasterDeclaration

    mine = access.visible_district_ids(user)
    shown = []
    for declaration in (
        DisasterDeclaration.objects.in_force()
        .filter(access.municipality_q(user))
        .prefetch_related("districts")
    ):
        declared = list(declaration.districts.all())
        if not declared or any(d.pk in mine for d in declared):
            shown.append(declaration)
    return shown
