"""The roles staff and partners hold, each scoped to districts (ARCHITECTURE.md, pattern 3)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    WARD_ADMIN = "ward_admin", _("Ward administrator (ward office welfare section)")
    WARD_STAFF = "ward_staff", _("Ward office staff")
    SHAKYO_COORDINATOR = "shakyo_coordinator", _("Ward social welfare council coordinator")
    CARE_PLAZA_STAFF = "care_plaza_staff", _("Care plaza / community general support centre staff")
    MINSEI_IIN = "minsei_iin", _("Welfare commissioner (minsei-iin)")
    ASSOCIATION_MANAGER = "association_manager", _("Association information manager")
    VOLUNTEER = "volunteer", _("Volunteer")
    PARTNER_COMPANY = "partner_company", _("Partner company")
    COMMITTEE_MEMBER = "committee_member", _("Promotion committee member")
    AUDITOR = "auditor", _("Auditor")


# Roles whose district scope covers every district of their municipality.
WARD_WIDE_ROLES = frozenset({Role.WARD_ADMIN})

# Roles that work with district records (districts, organisations, later people and plans).
DISTRICT_STAFF_ROLES = frozenset(
    {
        Role.WARD_ADMIN,
        Role.WARD_STAFF,
        Role.SHAKYO_COORDINATOR,
        Role.CARE_PLAZA_STAFF,
        Role.MINSEI_IIN,
        Role.ASSOCIATION_MANAGER,
    }
)
