"""Writes for district support teams: notes the team shares. Each takes the acting user first,
checks the capability and the district scope, writes inside a transaction and records an audit
event."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ainet.core import access, audit
from ainet.core.models import District
from ainet.plan.models import SupportTeam, TeamNote

NOTE_MAX_LENGTH = 5000


def add_team_note(actor: Any, district: District, text: str) -> TeamNote:
    """Add a note to the district's support team. PermissionDenied without `plan.record` or
    outside the actor's districts; ValidationError for an empty or over-long note, or when the
    district has no support team yet."""
    if not access.can(actor, "plan.record"):
        raise PermissionDenied
    if district.pk not in access.visible_district_ids(actor):
        raise PermissionDenied
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Write the note first: it is empty."), code="required")
    if len(text) > NOTE_MAX_LENGTH:
        raise ValidationError(
            _("A note holds at most %(limit)s characters; this one has %(length)s."),
            code="max_length",
            params={"limit": NOTE_MAX_LENGTH, "length": len(text)},
        )
    team = SupportTeam.objects.filter(district=district).first()
    if team is None:
        raise ValidationError(_("This district has no support team yet."), code="no_team")
    with transaction.atomic():
        note = TeamNote.objects.create(team=team, author=actor, text=text)
        audit.record(
            actor,
            audit.Action.CREATE,
            obj=note,
            municipality=district.municipality,
            details={"district": district.code, "length": len(text)},
        )
    return note
