"""Writes of the community app, and the audited read of registration names.

Each function takes the acting user first, checks permission (PermissionDenied), keeps the
records consistent (ValidationError, keyed by form field where there is one), writes inside a
transaction and records an audit event. Registrations name people, so their audit events point
at the event and carry the registration's id rather than the name.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from ainet.community.models import (
    Activity,
    ActivityType,
    Event,
    EventKind,
    Group,
    GroupKind,
    Participation,
    Registration,
)
from ainet.core import access, audit
from ainet.core.dates import today_tokyo
from ainet.core.models import District, Municipality, Organisation
from ainet.plan.models import Pillar, Theme

MAX_WALK_INS = 5000


def _require_manage(actor: Any, municipality_id: int, district_id: int | None) -> None:
    """The actor manages community records of this municipality and, if any, this district."""
    if not access.can(actor, "community.manage"):
        raise PermissionDenied
    if not Municipality.objects.filter(
        access.municipality_q(actor, "pk"), pk=municipality_id
    ).exists():
        raise PermissionDenied
    if district_id is not None and district_id not in access.visible_district_ids(actor):
        raise PermissionDenied


def _check_district(municipality: Municipality, district: District | None, field: str) -> None:
    if district is not None and district.municipality_id != municipality.pk:
        raise ValidationError({field: _("This district belongs to another municipality.")})


# --- Groups and activity types -----------------------------------------------------


def create_group(
    actor: Any,
    municipality: Municipality,
    *,
    kind: str,
    name: str,
    name_kana: str = "",
    district: District | None = None,
    contact_name: str = "",
    contact_phone: str = "",
) -> Group:
    _require_manage(actor, municipality.pk, None)
    _check_district(municipality, district, "district")
    _require_manage(actor, municipality.pk, district.pk if district else None)
    if kind not in GroupKind.values:
        raise ValidationError({"kind": _("Choose a kind from the list.")})
    if Group.objects.filter(municipality=municipality, name=name).exists():
        raise ValidationError({"name": _("A group with this name is already registered.")})
    with transaction.atomic():
        group = Group.objects.create(
            municipality=municipality,
            kind=kind,
            name=name,
            name_kana=name_kana,
            district=district,
            contact_name=contact_name,
            contact_phone=contact_phone,
        )
        audit.record(actor, audit.Action.CREATE, obj=group)
    return group


def create_activity_type(
    actor: Any,
    municipality: Municipality,
    *,
    code: str,
    name: str,
    name_en: str = "",
    sort_order: int = 100,
) -> ActivityType:
    _require_manage(actor, municipality.pk, None)
    if ActivityType.objects.filter(municipality=municipality, code=code).exists():
        raise ValidationError({"code": _("This code is already used by another type.")})
    with transaction.atomic():
        activity_type = ActivityType.objects.create(
            municipality=municipality,
            code=code,
            name=name,
            name_en=name_en,
            sort_order=sort_order,
        )
        audit.record(actor, audit.Action.CREATE, obj=activity_type)
    return activity_type


# --- Activities ---------------------------------------------------------------------


def _check_activity(
    municipality: Municipality,
    *,
    activity_type: ActivityType,
    district: District | None,
    pillar: Pillar | None,
    theme: Theme | None,
    organisations: list[Organisation],
    groups: list[Group],
    started_on: datetime.date,
    ended_on: datetime.date | None,
) -> Pillar | None:
    """Raise ValidationError unless the activity is consistent; return its pillar (taken from
    the theme when only the theme was given)."""
    errors: dict[str, str] = {}
    if activity_type.municipality_id != municipality.pk:
        errors["activity_type"] = _("This type belongs to another municipality.")
    if district is not None and district.municipality_id != municipality.pk:
        errors["district"] = _("This district belongs to another municipality.")
    if theme is not None:
        if pillar is None:
            pillar = theme.pillar
        elif theme.pillar_id != pillar.pk:
            errors["theme"] = _(
                "This theme belongs to another pillar. Choose a theme of the chosen pillar."
            )
    if pillar is not None and pillar.period.municipality_id != municipality.pk:
        errors["pillar"] = _("This pillar belongs to the plan of another municipality.")
    if any(o.municipality_id != municipality.pk for o in organisations):
        errors["organisations"] = _("An organisation belongs to another municipality.")
    if any(g.municipality_id != municipality.pk for g in groups):
        errors["groups"] = _("A group belongs to another municipality.")
    if ended_on is not None and ended_on < started_on:
        errors["ended_on"] = _("The activity cannot end before it started.")
    if errors:
        raise ValidationError(errors)
    return pillar


def create_activity(
    actor: Any,
    municipality: Municipality,
    *,
    name: str,
    activity_type: ActivityType,
    started_on: datetime.date,
    district: District | None = None,
    pillar: Pillar | None = None,
    theme: Theme | None = None,
    organisations: Iterable[Organisation] = (),
    groups: Iterable[Group] = (),
    ended_on: datetime.date | None = None,
    description: str = "",
) -> Activity:
    _require_manage(actor, municipality.pk, None)
    organisation_list, group_list = list(organisations), list(groups)
    pillar = _check_activity(
        municipality,
        activity_type=activity_type,
        district=district,
        pillar=pillar,
        theme=theme,
        organisations=organisation_list,
        groups=group_list,
        started_on=started_on,
        ended_on=ended_on,
    )
    _require_manage(actor, municipality.pk, district.pk if district else None)
    with transaction.atomic():
        activity = Activity.objects.create(
            municipality=municipality,
            name=name,
            activity_type=activity_type,
            district=district,
            pillar=pillar,
            theme=theme,
            started_on=started_on,
            ended_on=ended_on,
            description=description,
        )
        activity.organisations.set(organisation_list)
        activity.groups.set(group_list)
        audit.record(actor, audit.Action.CREATE, obj=activity)
    return activity


def update_activity(
    actor: Any,
    activity: Activity,
    *,
    name: str,
    activity_type: ActivityType,
    started_on: datetime.date,
    district: District | None = None,
    pillar: Pillar | None = None,
    theme: Theme | None = None,
    organisations: Iterable[Organisation] = (),
    groups: Iterable[Group] = (),
    ended_on: datetime.date | None = None,
    description: str = "",
) -> Activity:
    municipality = activity.municipality
    # Both where the activity was and where it goes must be the actor's.
    _require_manage(actor, municipality.pk, activity.district_id)
    organisation_list, group_list = list(organisations), list(groups)
    pillar = _check_activity(
        municipality,
        activity_type=activity_type,
        district=district,
        pillar=pillar,
        theme=theme,
        organisations=organisation_list,
        groups=group_list,
        started_on=started_on,
        ended_on=ended_on,
    )
    _require_manage(actor, municipality.pk, district.pk if district else None)
    values: dict[str, Any] = {
        "name": name,
        "activity_type_id": activity_type.pk,
        "district_id": district.pk if district else None,
        "pillar_id": pillar.pk if pillar else None,
        "theme_id": theme.pk if theme else None,
        "started_on": started_on,
        "ended_on": ended_on,
        "description": description,
    }
    changed = sorted(field for field, value in values.items() if getattr(activity, field) != value)
    old_organisations = set(activity.organisations.values_list("pk", flat=True))
    old_groups = set(activity.groups.values_list("pk", flat=True))
    if old_organisations != {o.pk for o in organisation_list}:
        changed.append("organisations")
    if old_groups != {g.pk for g in group_list}:
        changed.append("groups")
    with transaction.atomic():
        for field, value in values.items():
            setattr(activity, field, value)
        activity.save()
        activity.organisations.set(organisation_list)
        activity.groups.set(group_list)
        audit.record(
            actor,
            audit.Action.UPDATE,
            obj=activity,
            details={"changed": [f.removesuffix("_id") for f in changed]},
        )
    return activity


# --- Events -------------------------------------------------------------------------


def create_event(
    actor: Any,
    municipality: Municipality,
    *,
    kind: str,
    title: str,
    date: datetime.date,
    start_time: datetime.time | None = None,
    end_time: datetime.time | None = None,
    place: str = "",
    capacity: int | None = None,
    activity: Activity | None = None,
    district: District | None = None,
) -> Event:
    _require_manage(actor, municipality.pk, None)
    errors: dict[str, str] = {}
    if kind not in EventKind.values:
        errors["kind"] = _("Choose a kind from the list.")
    if activity is not None:
        if activity.municipality_id != municipality.pk:
            errors["activity"] = _("This activity belongs to another municipality.")
        elif district is None:
            district = activity.district
        elif activity.district_id is not None and activity.district_id != district.pk:
            errors["district"] = _(
                "The activity belongs to another district. Choose the activity's district "
                "or leave the district empty."
            )
    if district is not None and district.municipality_id != municipality.pk:
        errors["district"] = _("This district belongs to another municipality.")
    if start_time and end_time and end_time <= start_time:
        errors["end_time"] = _("The event must end after it starts.")
    if capacity is not None and capacity < 1:
        errors["capacity"] = _("The capacity must be at least one person.")
    if errors:
        raise ValidationError(errors)
    _require_manage(actor, municipality.pk, district.pk if district else None)
    with transaction.atomic():
        event = Event.objects.create(
            municipality=municipality,
            kind=kind,
            title=title,
            date=date,
            start_time=start_time,
            end_time=end_time,
            place=place,
            capacity=capacity,
            activity=activity,
            district=district,
        )
        audit.record(actor, audit.Action.CREATE, obj=event)
    return event


def _require_manage_event(actor: Any, event: Event) -> None:
    _require_manage(actor, event.municipality_id, event.district_id)


def _locked(event: Event) -> Event:
    """The event, locked for the rest of the transaction so counts stay true."""
    return Event.objects.select_for_update().get(pk=event.pk)


def active_registrations(event: Event) -> int:
    return event.registrations.filter(cancelled_on__isnull=True).count()


def add_registration(
    actor: Any,
    event: Event,
    *,
    name: str,
    name_kana: str = "",
    organisation_name: str = "",
    district: District | None = None,
) -> Registration:
    _require_manage_event(actor, event)
    if district is not None and district.municipality_id != event.municipality_id:
        raise ValidationError({"district": _("This district belongs to another municipality.")})
    with transaction.atomic():
        event = _locked(event)
        if event.capacity is not None and active_registrations(event) >= event.capacity:
            raise ValidationError(
                _("The event is full: %(capacity)s places are all taken. Nothing was saved.")
                % {"capacity": event.capacity}
            )
        registration = Registration.objects.create(
            event=event,
            name=name,
            name_kana=name_kana,
            organisation_name=organisation_name,
            district=district,
            registered_on=today_tokyo(),
        )
        audit.record(
            actor,
            audit.Action.CREATE,
            obj=event,
            details={"registration_added": registration.pk},
        )
    return registration


def cancel_registration(actor: Any, registration: Registration) -> Registration:
    _require_manage_event(actor, registration.event)
    with transaction.atomic():
        _locked(registration.event)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.cancelled_on is not None:
            raise ValidationError(_("This registration is already cancelled."))
        if Participation.objects.filter(registration=registration).exists():
            raise ValidationError(
                _("This person's attendance is recorded, so the registration cannot be cancelled.")
            )
        registration.cancelled_on = today_tokyo()
        registration.save(update_fields=["cancelled_on"])
        audit.record(
            actor,
            audit.Action.UPDATE,
            obj=registration.event,
            details={"registration_cancelled": registration.pk},
        )
    return registration


def record_attendance(actor: Any, registration: Registration) -> Participation:
    _require_manage_event(actor, registration.event)
    with transaction.atomic():
        event = _locked(registration.event)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.cancelled_on is not None:
            raise ValidationError(
                _("This registration is cancelled. Record the person as a walk-in instead.")
            )
        if Participation.objects.filter(registration=registration).exists():
            raise ValidationError(_("This person's attendance is already recorded."))
        try:
            with transaction.atomic():
                participation = Participation.objects.create(
                    event=event, registration=registration, district=registration.district
                )
        except IntegrityError:
            raise ValidationError(_("This person's attendance is already recorded.")) from None
        audit.record(
            actor,
            audit.Action.CREATE,
            obj=event,
            details={"attendance": registration.pk, "participation": participation.pk},
        )
    return participation


def record_walk_ins(
    actor: Any, event: Event, count: int, district: District | None = None
) -> list[Participation]:
    """N people who came without registering: one Participation row each."""
    _require_manage_event(actor, event)
    errors: dict[str, str] = {}
    if not 1 <= count <= MAX_WALK_INS:
        errors["count"] = _("Enter a number from 1 to %(max)s.") % {"max": MAX_WALK_INS}
    if district is not None and district.municipality_id != event.municipality_id:
        errors["district"] = _("This district belongs to another municipality.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        event = _locked(event)
        rows = Participation.objects.bulk_create(
            [Participation(event=event, district=district) for _row in range(count)],
            batch_size=1000,
        )
        audit.record(
            actor,
            audit.Action.CREATE,
            obj=event,
            details={"walk_ins": count, "district": district.code if district else None},
        )
    return rows


def read_registrations(
    actor: Any, event: Event, request: HttpRequest | None = None
) -> list[Registration]:
    """The names of the people registered for an event: community.manage only, and audited."""
    _require_manage_event(actor, event)
    registrations = list(
        event.registrations.select_related("district", "attended").order_by("registered_on", "id")
    )
    if registrations:
        audit.record(
            actor,
            audit.Action.VIEW,
            obj=event,
            request=request,
            details={"registrations_shown": len(registrations)},
        )
    return registrations
