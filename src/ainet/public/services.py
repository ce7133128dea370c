"""Writes made from the public pages: a resident registering for an event, and staff editing
the public texts."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ainet.community.models import Event, Registration
from ainet.core import access, audit
from ainet.core.dates import today_tokyo
from ainet.core.models import Municipality
from ainet.public.content import TEXTS
from ainet.public.models import PublicText


def register_for_event(event: Event, *, name: str, name_kana: str = "") -> Registration:
    """A visitor signs up for an upcoming event; refused when it is past or full."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Please write your name.")})
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        if event.date < today_tokyo():
            raise ValidationError(_("This event has already taken place. Nothing was saved."))
        taken = event.registrations.filter(cancelled_on__isnull=True).count()
        if event.capacity is not None and taken >= event.capacity:
            raise ValidationError(
                _("The event is full: %(capacity)s places are all taken. Nothing was saved.")
                % {"capacity": event.capacity}
            )
        registration = Registration.objects.create(
            event=event,
            name=name[:100],
            name_kana=" ".join(name_kana.split())[:200],
            registered_on=today_tokyo(),
        )
        audit.record(
            None,
            audit.Action.CREATE,
            obj=event,
            actor_username="public registration",
            details={"registration_added": registration.pk, "via": "public"},
        )
    return registration


def save_text(
    actor: Any, municipality: Municipality, key: str, language: str, body: str
) -> PublicText | None:
    """Write (or, with an empty body, delete) one public text. Returns the record, or None."""
    if not access.can(actor, "public.edit_translations"):
        raise PermissionDenied
    if not Municipality.objects.filter(
        access.municipality_q(actor, "pk"), pk=municipality.pk
    ).exists():
        raise PermissionDenied
    if key not in TEXTS:
        raise ValidationError(_("There is no such text."))
    with transaction.atomic():
        existing = PublicText.objects.filter(municipality=municipality, key=key, language=language)
        if not body.strip():
            deleted = existing.first()
            existing.delete()
            if deleted is not None:
                audit.record(
                    actor,
                    audit.Action.UPDATE,
                    municipality=municipality,
                    details={"public_text": key, "language": language, "deleted": True},
                )
            return None
        text, _created = PublicText.objects.update_or_create(
            municipality=municipality,
            key=key,
            language=language,
            defaults={"body": body.strip(), "updated_by": actor},
        )
        audit.record(
            actor, audit.Action.UPDATE, obj=text, details={"public_text": key, "language": language}
        )
    return text
