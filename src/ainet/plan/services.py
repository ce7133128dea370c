"""Writes to the plan's structure (periods, pillars, themes, initiatives, challenges)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model

from ainet.core import access, audit
from ainet.core.models import Municipality
from ainet.plan.models import SupportTeamMember


def save_plan_item(actor: Any, municipality: Municipality, item: Model) -> Model:
    """Create or update one element of the plan structure of `municipality`."""
    if not access.can(actor, "plan.manage") or (
        municipality.pk not in access.administered_municipality_ids(actor)
    ):
        raise PermissionDenied
    creating = item.pk is None
    with transaction.atomic():
        item.save()
        audit.record(
            actor,
            audit.Action.CREATE if creating else audit.Action.UPDATE,
            obj=item,
            municipality=municipality,
        )
    return item


def add_team_member(actor: Any, member: SupportTeamMember) -> SupportTeamMember:
    """Add a member to a district support team the actor works with."""
    district = member.team.district
    if not access.can(actor, "plan.record") or district.pk not in access.visible_district_ids(
        actor
    ):
        raise PermissionDenied
    with transaction.atomic():
        member.save()
        audit.record(actor, audit.Action.CREATE, obj=member, municipality=district.municipality)
    return member


def end_team_member(actor: Any, member: SupportTeamMember, on: datetime.date) -> None:
    district = member.team.district
    if not access.can(actor, "plan.record") or district.pk not in access.visible_district_ids(
        actor
    ):
        raise PermissionDenied
    with transaction.atomic():
        member.ends_on = on
        member.save(update_fields=["ends_on"])
        audit.record(actor, audit.Action.UPDATE, obj=member, municipality=district.municipality)
