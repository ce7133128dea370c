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
        "demo_mode": _demo_mode(),
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
            "facilities": access.can(user, "facilities.view"),
            "public_texts": access.can(user, "public.edit_translations"),
        },
        "disaster_mode": _disaster_mode(user),
        # Staff pages offer Japanese and English only (settings.STAFF_LANGUAGES).
        "staff_languages": settings.STAFF_LANGUAGES,
    }


def _demo_mode() -> bool:
    """Whether a demo municipality exists; its SQL is compiled once per worker."""
    return bool(
        access.compiled_rows(
            ("demo_mode",), lambda: Municipality.objects.filter(is_demo=True).values_list("pk")[:1]
        )
    )


def _disaster_mode(user: Any) -> list[Any]:
    """Disaster-mode declarations in force now for the user's districts (or their whole
    municipality), for the banner on every staff page. The access scope has read them for
    this request already (the same read widens what the user may see)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    mine = access.visible_district_ids(user)
    return [
        declaration
        for declaration, declared in access.declarations_in_force(user)
        if not declared or declared & mine
    ]
