"""Writes of the volunteer centre, and the audited read of a volunteer's details.

Each function takes the acting user first (None only for the public registration form), checks
permission (PermissionDenied), keeps the records consistent (ValidationError, keyed by form
field where there is one; messages are translated, so a user reads them in Japanese or
English), writes inside `transaction.atomic` and records an audit event. Nothing is saved when
a check fails.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from ainet.community import services as community_services
from ainet.community.models import Event, EventKind
from ainet.core import access, audit
from ainet.core.dates import today_tokyo
from ainet.core.models import District, Municipality, Town
from ainet.volunteers import matching, proposals
from ainet.volunteers.models import (
    CARAVAN_MATE,
    DEMENTIA_SUPPORTER,
    LANGUAGE_CODES,
    OPEN_STATES,
    UNMATCHED_STATES,
    ActivityLog,
    Assignment,
    AssignmentSource,
    Certificate,
    CourseAttendee,
    DementiaCourse,
    EventAttendance,
    Frequency,
    MatchRun,
    MatchRunStatus,
    RequesterKind,
    RequestState,
    RequestTransition,
    Skill,
    Volunteer,
    VolunteerCertificate,
    VolunteerRequest,
    VolunteerSource,
    VolunteerStatus,
)

MAX_CAPACITY = 20
MAX_DISTANCE_M = 20_000

DEFAULT_SKILLS: tuple[tuple[str, str, str], ...] = (
    ("shopping", "買い物支援", "Shopping help"),
    ("companion", "話し相手・見守り訪問", "Companionship visits"),
    ("escort", "通院・外出の付き添い", "Escort to hospital or outings"),
    ("housework", "家事援助", "Housework help"),
    ("garden", "庭仕事・簡単な修繕", "Gardening and small repairs"),
    ("salon", "サロン運営の手伝い", "Helping at salons"),
    ("childcare", "子育て支援", "Childcare support"),
    ("interpreting", "通訳・翻訳", "Interpreting and translation"),
    ("it", "スマートフォン・パソコン支援", "Smartphone and computer help"),
    ("event", "行事の手伝い", "Helping at events"),
)
DEFAULT_CERTIFICATES: tuple[tuple[str, str, str], ...] = (
    (DEMENTIA_SUPPORTER, "認知症サポーター", "Dementia supporter"),
    (CARAVAN_MATE, "キャラバン・メイト", "Caravan mate (dementia-supporter trainer)"),
    ("first_aid", "普通救命講習", "First aid (basic life support)"),
    ("care_worker", "介護職員初任者研修", "Care worker initial training"),
    ("disaster_volunteer", "災害ボランティア研修", "Disaster volunteer training"),
)

# Allowed workflow steps: 受付 → 調整 → 紹介 → 初回同行 → 活動中 → 振り返り → 終了; a
# request may be closed from any open state, and go back to 調整 when an introduction fails.
TRANSITIONS: dict[str, frozenset[str]] = {
    RequestState.RECEIVED: frozenset({RequestState.COORDINATING, RequestState.CLOSED}),
    RequestState.COORDINATING: frozenset({RequestState.INTRODUCED, RequestState.CLOSED}),
    RequestState.INTRODUCED: frozenset(
        {RequestState.ACCOMPANIED, RequestState.COORDINATING, RequestState.CLOSED}
    ),
    RequestState.ACCOMPANIED: frozenset(
        {RequestState.ACTIVE, RequestState.COORDINATING, RequestState.CLOSED}
    ),
    RequestState.ACTIVE: frozenset({RequestState.REVIEW, RequestState.CLOSED}),
    RequestState.REVIEW: frozenset({RequestState.ACTIVE, RequestState.CLOSED}),
    RequestState.CLOSED: frozenset(),
}
# States that need a volunteer assigned.
NEEDS_VOLUNTEER = frozenset(
    {RequestState.INTRODUCED, RequestState.ACCOMPANIED, RequestState.ACTIVE}
)


# --- Permission helpers ---------------------------------------------------------------


def _require(actor: Any, capability: str, municipality_id: int, district_id: int | None) -> None:
    if not access.can(actor, capability):
        raise PermissionDenied
    if municipality_id not in _municipality_ids(actor):
        raise PermissionDenied
    if district_id is None:
        if municipality_id not in access.administered_municipality_ids(actor):
            raise PermissionDenied
    elif district_id not in access.visible_district_ids(actor):
        raise PermissionDenied


def _municipality_ids(actor: Any) -> set[int]:
    return set(
        Municipality.objects.filter(access.municipality_q(actor, "pk")).values_list("pk", flat=True)
    )


def require_vocabulary_manager(actor: Any, municipality: Municipality) -> None:
    if not access.can(actor, "volunteers.manage") or municipality.pk not in _municipality_ids(
        actor
    ):
        raise PermissionDenied


# --- Vocabulary -----------------------------------------------------------------------


def ensure_default_vocabulary(municipality: Municipality) -> None:
    """The starting skills and certificates of a municipality (staff edit them afterwards)."""
    for model, rows in ((Skill, DEFAULT_SKILLS), (Certificate, DEFAULT_CERTIFICATES)):
        for order, (code, name, name_en) in enumerate(rows, start=1):
            model.objects.get_or_create(
                municipality=municipality,
                code=code,
                defaults={"name": name, "name_en": name_en, "sort_order": order * 10},
            )


def save_vocabulary_item(
    actor: Any,
    model: type[Skill] | type[Certificate],
    municipality: Municipality,
    *,
    item: Skill | Certificate | None = None,
    code: str,
    name: str,
    name_en: str = "",
    sort_order: int = 100,
    is_active: bool = True,
) -> Skill | Certificate:
    require_vocabulary_manager(actor, municipality)
    if item is not None and item.municipality_id != municipality.pk:
        raise PermissionDenied
    clash = model.objects.filter(municipality=municipality, code=code)
    if item is not None:
        clash = clash.exclude(pk=item.pk)
    if clash.exists():
        raise ValidationError({"code": _("This code is already used. Choose another code.")})
    if item is not None and item.code in {CARAVAN_MATE, DEMENTIA_SUPPORTER} and code != item.code:
        raise ValidationError(
            {"code": _("The software relies on this code, so it cannot be changed.")}
        )
    with transaction.atomic():
        if item is None:
            item = model.objects.create(
                municipality=municipality,
                code=code,
                name=name,
                name_en=name_en,
                sort_order=sort_order,
                is_active=is_active,
            )
            audit.record(actor, audit.Action.CREATE, obj=item)
        else:
            item.code, item.name, item.name_en = code, name, name_en
            item.sort_order, item.is_active = sort_order, is_active
            item.save(update_fields=["code", "name", "name_en", "sort_order", "is_active"])
            audit.record(actor, audit.Action.UPDATE, obj=item)
    return item


# --- Volunteers -----------------------------------------------------------------------


def _clean_volunteer(municipality: Municipality, data: dict[str, Any]) -> dict[str, Any]:
    """Check and complete a volunteer's fields; raise ValidationError naming the fields."""
    errors: dict[str, str] = {}
    data = dict(data)
    data["name"] = (data.get("name") or "").strip()
    if not data["name"]:
        errors["name"] = _("Enter the volunteer's name.")
    town: Town | None = data.get("town")
    district: District | None = data.get("district")
    if town is not None:
        if town.municipality_id != municipality.pk:
            errors["town"] = _("This town block belongs to another municipality.")
        else:
            if district is not None and district.pk != town.district_id:
                errors["district"] = _(
                    "The town block lies in another district. Choose the town block's "
                    "district or leave the district empty."
                )
            district = town.district
            data["lat"], data["lng"] = town.lat, town.lng
    else:
        data["lat"] = data["lng"] = None
    if district is None:
        errors.setdefault("district", _("Choose the district or the town block."))
    elif district.municipality_id != municipality.pk:
        errors["district"] = _("This district belongs to another municipality.")
    data["district"] = district
    languages = sorted(set(data.get("languages") or []))
    if set(languages) - LANGUAGE_CODES:
        errors["languages"] = _("Choose languages from the list.")
    data["languages"] = ",".join(languages)
    slots = set(data.get("availability") or [])
    if slots - set(matching.SLOTS):
        errors["availability"] = _("Choose days and times from the list.")
    data["availability"] = ",".join(s for s in matching.SLOTS if s in slots)
    if any(s.municipality_id != municipality.pk for s in data.get("skills") or []):
        errors["skills"] = _("Choose skills from the list.")
    if any(a.municipality_id != municipality.pk for a in data.get("areas") or []):
        errors["areas"] = _("Choose districts from the list.")
    capacity = data.get("capacity", 2)
    if capacity is None or not 0 <= capacity <= MAX_CAPACITY:
        errors["capacity"] = _("Enter a number from 0 to %(max)s.") % {"max": MAX_CAPACITY}
    if errors:
        raise ValidationError(errors)
    return data


_PLAIN_FIELDS = (
    "name",
    "name_kana",
    "district",
    "town",
    "lat",
    "lng",
    "phone",
    "email",
    "address",
    "contact_consent",
    "languages",
    "availability",
    "capacity",
    "notes",
)


def _set_relations(volunteer: Volunteer, data: dict[str, Any]) -> None:
    volunteer.skills.set(data.get("skills") or [])
    volunteer.areas.set(data.get("areas") or [])


def create_volunteer(actor: Any, municipality: Municipality, **fields: Any) -> Volunteer:
    """Staff entry: the volunteer is registered (active) from `registered_on` (today)."""
    data = _clean_volunteer(municipality, fields)
    district: District = data["district"]
    _require(actor, "volunteers.manage", municipality.pk, district.pk)
    today = today_tokyo()
    registered_on = fields.get("registered_on") or today
    with transaction.atomic():
        volunteer = Volunteer(
            municipality=municipality,
            status=VolunteerStatus.ACTIVE,
            source=VolunteerSource.STAFF,
            applied_on=registered_on,
            registered_on=registered_on,
            contact_consent_on=today if data.get("contact_consent") else None,
            **{f: data.get(f, "") for f in _PLAIN_FIELDS if f in data},
        )
        volunteer.full_clean(exclude=["skills", "areas"])
        volunteer.save()
        _set_relations(volunteer, data)
        audit.record(actor, audit.Action.CREATE, obj=volunteer)
    return volunteer


def update_volunteer(actor: Any, volunteer: Volunteer, **fields: Any) -> Volunteer:
    _require(actor, "volunteers.manage", volunteer.municipality_id, volunteer.district_id)
    data = _clean_volunteer(volunteer.municipality, fields)
    _require(actor, "volunteers.manage", volunteer.municipality_id, data["district"].pk)
    with transaction.atomic():
        volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
        had_consent = volunteer.contact_consent
        changed = [f for f in _PLAIN_FIELDS if f in data]
        for f in changed:
            setattr(volunteer, f, data[f])
        if volunteer.contact_consent and not had_consent:
            volunteer.contact_consent_on = today_tokyo()
            changed.append("contact_consent_on")
        elif not volunteer.contact_consent:
            volunteer.contact_consent_on = None
            changed.append("contact_consent_on")
        volunteer.full_clean(exclude=["skills", "areas"])
        volunteer.save(update_fields=changed)
        _set_relations(volunteer, data)
        audit.record(actor, audit.Action.UPDATE, obj=volunteer, details={"fields": changed})
    return volunteer


def register_publicly(
    municipality: Municipality, request: HttpRequest | None = None, **fields: Any
) -> Volunteer:
    """The public form: a pending registration a coordinator confirms. Consent is required."""
    if not fields.get("contact_consent"):
        raise ValidationError(
            {
                "contact_consent": _(
                    "Please agree that the volunteer centre may keep your details and contact "
                    "you; without it we cannot register you."
                )
            }
        )
    data = _clean_volunteer(municipality, fields)
    today = today_tokyo()
    with transaction.atomic():
        volunteer = Volunteer(
            municipality=municipality,
            status=VolunteerStatus.PENDING,
            source=VolunteerSource.PUBLIC,
            applied_on=today,
            registered_on=None,
            contact_consent_on=today,
            **{f: data.get(f, "") for f in _PLAIN_FIELDS if f in data},
        )
        volunteer.full_clean(exclude=["skills", "areas"])
        volunteer.save()
        _set_relations(volunteer, data)
        audit.record(
            None,
            audit.Action.CREATE,
            obj=volunteer,
            request=request,
            actor_username="public registration form",
        )
    return volunteer


def confirm_registration(
    actor: Any, volunteer: Volunteer, on: datetime.date | None = None
) -> Volunteer:
    _require(actor, "volunteers.manage", volunteer.municipality_id, volunteer.district_id)
    with transaction.atomic():
        volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
        if volunteer.status != VolunteerStatus.PENDING:
            raise ValidationError(_("This registration is already confirmed."))
        volunteer.status = VolunteerStatus.ACTIVE
        volunteer.registered_on = on or today_tokyo()
        volunteer.save(update_fields=["status", "registered_on"])
        audit.record(actor, audit.Action.UPDATE, obj=volunteer, details={"confirmed": True})
    return volunteer


STATUS_CHANGES: dict[str, frozenset[str]] = {
    VolunteerStatus.PENDING: frozenset({VolunteerStatus.ENDED}),
    VolunteerStatus.ACTIVE: frozenset({VolunteerStatus.PAUSED, VolunteerStatus.ENDED}),
    VolunteerStatus.PAUSED: frozenset({VolunteerStatus.ACTIVE, VolunteerStatus.ENDED}),
    VolunteerStatus.ENDED: frozenset(),
}


def change_status(
    actor: Any, volunteer: Volunteer, status: str, on: datetime.date, note: str = ""
) -> Volunteer:
    """Pause, resume or end a registration (a pending one may only be declined: ended)."""
    _require(actor, "volunteers.manage", volunteer.municipality_id, volunteer.district_id)
    with transaction.atomic():
        volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
        old = volunteer.status
        if status not in STATUS_CHANGES.get(old, frozenset()):
            raise ValidationError(
                {
                    "status": _("A volunteer whose status is “%(old)s” cannot become “%(new)s”.")
                    % {
                        "old": VolunteerStatus(old).label,
                        "new": VolunteerStatus(status).label
                        if status in VolunteerStatus.values
                        else status,
                    }
                }
            )
        if volunteer.registered_on and on < volunteer.registered_on:
            raise ValidationError({"on": _("The date is before the registration began.")})
        fields = ["status"]
        volunteer.status = status
        if status == VolunteerStatus.PAUSED:
            volunteer.paused_on = on
            fields.append("paused_on")
        elif status == VolunteerStatus.ACTIVE:
            volunteer.paused_on = None
            fields.append("paused_on")
        elif status == VolunteerStatus.ENDED:
            if volunteer.registered_on is not None:
                volunteer.ended_on = on
                fields.append("ended_on")
            ended = volunteer.assignments.current().update(ended_on=on)
            if ended:
                fields.append(f"assignments_ended:{ended}")
        if note:
            volunteer.notes = (volunteer.notes + "\n" if volunteer.notes else "") + (
                f"{on.isoformat()} {note}"
            )
            fields.append("notes")
        volunteer.save(update_fields=[f for f in fields if ":" not in f])
        audit.record(
            actor,
            audit.Action.UPDATE,
            obj=volunteer,
            details={"status": [old, status], "on": on.isoformat()},
        )
    return volunteer


def add_certificate(
    actor: Any,
    volunteer: Volunteer,
    certificate: Certificate,
    obtained_on: datetime.date,
    ended_on: datetime.date | None = None,
    note: str = "",
) -> VolunteerCertificate:
    _require(actor, "volunteers.manage", volunteer.municipality_id, volunteer.district_id)
    errors: dict[str, str] = {}
    if certificate.municipality_id != volunteer.municipality_id:
        errors["certificate"] = _("Choose a certificate from the list.")
    if ended_on is not None and ended_on <= obtained_on:
        errors["ended_on"] = _("The end date must come after the date obtained.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        holding = VolunteerCertificate.objects.create(
            volunteer=volunteer,
            certificate=certificate,
            obtained_on=obtained_on,
            ended_on=ended_on,
            note=note,
        )
        audit.record(
            actor,
            audit.Action.UPDATE,
            obj=volunteer,
            details={"certificate_added": certificate.code, "holding": holding.pk},
        )
    return holding


def read_volunteer(actor: Any, volunteer: Volunteer, request: HttpRequest | None = None) -> None:
    """Record that the actor read the volunteer's details (personal data)."""
    if not access.can(actor, "volunteers.view"):
        raise PermissionDenied
    audit.record(actor, audit.Action.VIEW, obj=volunteer, request=request)


def read_request(actor: Any, req: VolunteerRequest, request: HttpRequest | None = None) -> None:
    """Record that the actor read a request (it names the requester and the person helped)."""
    if not access.can(actor, "volunteers.view"):
        raise PermissionDenied
    audit.record(actor, audit.Action.VIEW, obj=req, request=request)


def read_course(actor: Any, course: DementiaCourse, request: HttpRequest | None = None) -> None:
    """Record that the actor read a course's attendee names."""
    if not access.can(actor, "volunteers.view"):
        raise PermissionDenied
    audit.record(actor, audit.Action.VIEW, obj=course, request=request)


# --- Requests and their workflow ------------------------------------------------------


def _clean_request(municipality: Municipality, data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    data = dict(data)
    for field, message in (
        ("title", _("Say what is asked.")),
        ("requester_name", _("Enter who asks.")),
    ):
        data[field] = (data.get(field) or "").strip()
        if not data[field]:
            errors[field] = message
    if data.get("requester_kind") not in RequesterKind.values:
        errors["requester_kind"] = _("Choose who asks from the list.")
    town: Town | None = data.get("town")
    district: District | None = data.get("district")
    if town is not None:
        if town.municipality_id != municipality.pk:
            errors["town"] = _("This town block belongs to another municipality.")
        else:
            if district is not None and district.pk != town.district_id:
                errors["district"] = _(
                    "The town block lies in another district. Choose the town block's "
                    "district or leave the district empty."
                )
            district = town.district
            data["lat"], data["lng"] = town.lat, town.lng
    else:
        data["lat"] = data["lng"] = None
    if district is None:
        errors.setdefault("district", _("Choose the district or the town block."))
    elif district.municipality_id != municipality.pk:
        errors["district"] = _("This district belongs to another municipality.")
    data["district"] = district
    if data.get("language") and data["language"] not in LANGUAGE_CODES:
        errors["language"] = _("Choose a language from the list.")
    if data.get("slot") not in matching.SLOTS:
        errors["slot"] = _("Choose a day and time from the list.")
    if data.get("frequency", Frequency.ONCE) not in Frequency.values:
        errors["frequency"] = _("Choose how often from the list.")
    priority = data.get("priority", 0)
    if priority is None or not 0 <= priority <= matching.MAX_PRIORITY:
        errors["priority"] = _("Enter a number from 0 to %(max)s.") % {"max": matching.MAX_PRIORITY}
    if any(s.municipality_id != municipality.pk for s in data.get("skills") or []):
        errors["skills"] = _("Choose skills from the list.")
    coordinator = data.get("coordinator")
    if coordinator is not None and not access.can(coordinator, "volunteers.manage"):
        errors["coordinator"] = _("The coordinator must be staff who manage volunteers.")
    if errors:
        raise ValidationError(errors)
    return data


_REQUEST_FIELDS = (
    "title",
    "description",
    "requester_kind",
    "requester_name",
    "requester_contact",
    "beneficiary",
    "district",
    "town",
    "lat",
    "lng",
    "language",
    "slot",
    "frequency",
    "starts_on",
    "requirements",
    "priority",
    "coordinator",
)


def create_request(actor: Any, municipality: Municipality, **fields: Any) -> VolunteerRequest:
    data = _clean_request(municipality, fields)
    _require(actor, "volunteers.manage", municipality.pk, data["district"].pk)
    today = fields.get("received_on") or today_tokyo()
    with transaction.atomic():
        req = VolunteerRequest(
            municipality=municipality,
            received_on=today,
            state_changed_on=today,
            state=RequestState.RECEIVED,
            **{f: data[f] for f in _REQUEST_FIELDS if f in data},
        )
        if req.coordinator is None:
            req.coordinator = actor
        req.full_clean(exclude=["skills"])
        req.save()
        req.skills.set(data.get("skills") or [])
        RequestTransition.objects.create(
            request=req, from_state="", to_state=RequestState.RECEIVED, on=today, actor=actor
        )
        audit.record(actor, audit.Action.CREATE, obj=req)
    return req


def update_request(actor: Any, req: VolunteerRequest, **fields: Any) -> VolunteerRequest:
    _require(actor, "volunteers.manage", req.municipality_id, req.district_id)
    data = _clean_request(req.municipality, fields)
    _require(actor, "volunteers.manage", req.municipality_id, data["district"].pk)
    with transaction.atomic():
        req = VolunteerRequest.objects.select_for_update().get(pk=req.pk)
        if not req.is_open:
            raise ValidationError(_("This request is closed, so it cannot be changed."))
        changed = [f for f in _REQUEST_FIELDS if f in data]
        for f in changed:
            setattr(req, f, data[f])
        req.full_clean(exclude=["skills"])
        req.save(update_fields=changed)
        req.skills.set(data.get("skills") or [])
        audit.record(actor, audit.Action.UPDATE, obj=req, details={"fields": changed})
    return req


def transition(
    actor: Any, req: VolunteerRequest, to_state: str, on: datetime.date, note: str = ""
) -> VolunteerRequest:
    """Move a request one step through the workflow; refuse steps the workflow does not allow."""
    _require(actor, "volunteers.manage", req.municipality_id, req.district_id)
    with transaction.atomic():
        req = VolunteerRequest.objects.select_for_update().get(pk=req.pk)
        old = req.state
        if to_state not in TRANSITIONS.get(old, frozenset()):
            target = RequestState(to_state).label if to_state in RequestState.values else to_state
            raise ValidationError(
                {
                    "to_state": _(
                        "A request in “%(from)s” cannot move to “%(to)s”. Nothing was changed."
                    )
                    % {"from": RequestState(old).label, "to": target}
                }
            )
        if on < req.state_changed_on:
            raise ValidationError(
                {
                    "on": _("The date is before the request's previous step (%(date)s).")
                    % {"date": req.state_changed_on.isoformat()}
                }
            )
        if on > today_tokyo():
            raise ValidationError({"on": _("The date cannot be in the future.")})
        current = req.assignments.current()
        if to_state in NEEDS_VOLUNTEER and not current.exists():
            raise ValidationError(
                {"to_state": _("Assign a volunteer before introducing them to the requester.")}
            )
        if to_state in {RequestState.COORDINATING, RequestState.CLOSED} and old in (
            NEEDS_VOLUNTEER | {RequestState.REVIEW}
        ):
            current.update(ended_on=on)
        req.state = to_state
        req.state_changed_on = on
        fields = ["state", "state_changed_on"]
        if to_state == RequestState.CLOSED:
            current.update(ended_on=on)
            req.closed_on = on
            fields.append("closed_on")
        req.save(update_fields=fields)
        RequestTransition.objects.create(
            request=req, from_state=old, to_state=to_state, on=on, note=note, actor=actor
        )
        audit.record(actor, audit.Action.UPDATE, obj=req, details={"state": [old, to_state]})
    return req


def _load(volunteer_id: int) -> int:
    return (
        Assignment.objects.current()
        .filter(volunteer_id=volunteer_id, request__state__in=OPEN_STATES)
        .count()
    )


def assign(
    actor: Any,
    req: VolunteerRequest,
    volunteer: Volunteer,
    *,
    source: str = AssignmentSource.MANUAL,
    distance_m: int | None = None,
    on: datetime.date | None = None,
) -> Assignment:
    """Put a volunteer on a request that is waiting for one (受付 or 調整); the request moves
    to 調整. The volunteer must be active, agree to be contacted and have room."""
    _require(actor, "volunteers.manage", req.municipality_id, req.district_id)
    _require(actor, "volunteers.manage", volunteer.municipality_id, volunteer.district_id)
    on = on or today_tokyo()
    with transaction.atomic():
        # Fixed lock order: request, then volunteer.
        req = VolunteerRequest.objects.select_for_update().get(pk=req.pk)
        volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
        if req.state not in UNMATCHED_STATES:
            raise ValidationError(
                _("Volunteers are assigned while a request is received or being coordinated.")
            )
        if req.assignments.current().filter(volunteer=volunteer).exists():
            raise ValidationError(_("This volunteer is already assigned to the request."))
        if volunteer.status != VolunteerStatus.ACTIVE:
            raise ValidationError(_("Only active volunteers can be assigned."))
        if not volunteer.contact_consent:
            raise ValidationError(
                _("This volunteer has not agreed to be contacted, so they cannot be assigned.")
            )
        if _load(volunteer.pk) >= volunteer.capacity:
            raise ValidationError(
                _("This volunteer already has %(n)s requests, as many as they take on.")
                % {"n": volunteer.capacity}
            )
        if distance_m is None:
            distance_m = proposals.distance_between(req, volunteer)
        assignment = Assignment.objects.create(
            request=req,
            volunteer=volunteer,
            source=source,
            distance_m=distance_m,
            started_on=on,
            created_by=actor,
        )
        if req.state == RequestState.RECEIVED:
            req.state = RequestState.COORDINATING
            req.state_changed_on = on
            req.save(update_fields=["state", "state_changed_on"])
            RequestTransition.objects.create(
                request=req,
                from_state=RequestState.RECEIVED,
                to_state=RequestState.COORDINATING,
                on=on,
                note=_("Volunteer assigned."),
                actor=actor,
            )
        audit.record(
            actor,
            audit.Action.UPDATE,
            obj=req,
            details={"assigned": volunteer.pk, "source": source, "assignment": assignment.pk},
        )
    return assignment


def end_assignment(actor: Any, assignment: Assignment, on: datetime.date | None = None) -> None:
    req = assignment.request
    _require(actor, "volunteers.manage", req.municipality_id, req.district_id)
    with transaction.atomic():
        assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if assignment.ended_on is not None:
            raise ValidationError(_("This assignment has already ended."))
        assignment.ended_on = on or today_tokyo()
        assignment.save(update_fields=["ended_on"])
        audit.record(actor, audit.Action.UPDATE, obj=req, details={"unassigned": assignment.pk})


# --- Batch matching -------------------------------------------------------------------


def run_batch(actor: Any, municipality: Municipality, max_distance_m: int) -> MatchRun:
    """Run the solver over every open, unassigned request the actor may see; store the
    proposal (nothing is assigned until the coordinator applies it)."""
    if not access.can(actor, "volunteers.manage") or municipality.pk not in _municipality_ids(
        actor
    ):
        raise PermissionDenied
    if not 1 <= max_distance_m <= MAX_DISTANCE_M:
        raise ValidationError(
            {
                "max_distance_m": _("Enter a distance from 1 to %(max)s metres.")
                % {"max": MAX_DISTANCE_M}
            }
        )
    started = time.perf_counter()
    built = proposals.build_instance(actor, municipality, max_distance_m)
    result = matching.solve(built.instance)
    seconds = time.perf_counter() - started
    with transaction.atomic():
        run = MatchRun.objects.create(
            municipality=municipality,
            created_by=actor,
            max_distance_m=max_distance_m,
            request_count=len(built.instance.requests),
            volunteer_count=len(built.instance.volunteers),
            candidate_pairs=built.pair_count,
            served=result.served,
            total_distance_m=result.total_distance_m,
            seconds=round(seconds, 4),
            proposal=[
                {
                    "request": built.request_pk[a.request],
                    "volunteer": built.volunteer_pk[a.volunteer],
                    "distance_m": a.distance_m,
                }
                for a in result.assignments
            ],
            unassigned=[built.request_pk[r] for r in result.unassigned],
        )
        audit.record(
            actor,
            audit.Action.CREATE,
            obj=run,
            details={"requests": run.request_count, "served": run.served},
        )
    return run


def apply_run(actor: Any, run: MatchRun, request_ids: Iterable[int]) -> list[Assignment]:
    """Assign the chosen proposals of a run through `assign`, all or nothing."""
    if not access.can(actor, "volunteers.manage") or run.municipality_id not in _municipality_ids(
        actor
    ):
        raise PermissionDenied
    if run.status != MatchRunStatus.PROPOSED:
        raise ValidationError(_("This proposal has already been applied."))
    wanted = set(request_ids)
    chosen = [p for p in run.proposal if p["request"] in wanted]
    if not chosen:
        raise ValidationError(_("Choose at least one proposed assignment."))
    if len(chosen) != len(wanted):
        raise ValidationError(_("Some chosen requests are not part of this proposal."))
    made: list[Assignment] = []
    with transaction.atomic():
        run = MatchRun.objects.select_for_update().get(pk=run.pk)
        if run.status != MatchRunStatus.PROPOSED:
            raise ValidationError(_("This proposal has already been applied."))
        requests = VolunteerRequest.objects.for_user(actor).in_bulk([p["request"] for p in chosen])
        volunteers = Volunteer.objects.for_user(actor).in_bulk([p["volunteer"] for p in chosen])
        for p in chosen:
            req, volunteer = requests.get(p["request"]), volunteers.get(p["volunteer"])
            if req is None or volunteer is None:
                raise ValidationError(
                    _("A proposed request or volunteer is no longer available. Run again.")
                )
            try:
                made.append(
                    assign(
                        actor,
                        req,
                        volunteer,
                        source=AssignmentSource.BATCH,
                        distance_m=p["distance_m"],
                    )
                )
            except ValidationError as exc:
                raise ValidationError(
                    _("“%(title)s”: %(reason)s Nothing was assigned; run the matching again.")
                    % {"title": req.title, "reason": " ".join(exc.messages)}
                ) from None
        run.status = MatchRunStatus.APPLIED
        run.applied_count = len(made)
        run.save(update_fields=["status", "applied_count"])
        audit.record(actor, audit.Action.UPDATE, obj=run, details={"applied": len(made)})
    return made


# --- Hours and events -----------------------------------------------------------------


def log_hours(
    actor: Any,
    volunteer: Volunteer,
    *,
    date: datetime.date,
    hours: Decimal,
    request: VolunteerRequest | None = None,
    note: str = "",
) -> ActivityLog:
    _require(actor, "volunteers.manage", volunteer.municipality_id, volunteer.district_id)
    errors: dict[str, str] = {}
    if not Decimal("0.5") <= hours <= Decimal("24"):
        errors["hours"] = _("Enter hours from 0.5 to 24.")
    if date > today_tokyo():
        errors["date"] = _("The date cannot be in the future.")
    if request is not None and not request.assignments.filter(volunteer=volunteer).exists():
        errors["request"] = _("The volunteer is not assigned to this request.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        entry = ActivityLog.objects.create(
            volunteer=volunteer,
            request=request,
            date=date,
            hours=hours,
            note=note,
            recorded_by=actor,
        )
        audit.record(actor, audit.Action.UPDATE, obj=volunteer, details={"hours_logged": entry.pk})
    return entry


def record_event_attendance(actor: Any, event: Event, volunteer: Volunteer) -> EventAttendance:
    """A volunteer took part in an exchange meeting or training: one community Participation
    (so the event's attendance counts them) linked to the volunteer."""
    _require(actor, "volunteers.manage", volunteer.municipality_id, volunteer.district_id)
    if event.municipality_id != volunteer.municipality_id:
        raise ValidationError({"event": _("Choose an event from the list.")})
    if EventAttendance.objects.filter(event=event, volunteer=volunteer).exists():
        raise ValidationError({"event": _("This volunteer's attendance is already recorded.")})
    with transaction.atomic():
        (participation,) = community_services.record_walk_ins(actor, event, 1, volunteer.district)
        attendance = EventAttendance.objects.create(
            volunteer=volunteer, event=event, participation=participation
        )
        audit.record(
            actor, audit.Action.UPDATE, obj=volunteer, details={"attended_event": event.pk}
        )
    return attendance


# --- Dementia-supporter courses -------------------------------------------------------


def active_caravan_mates(municipality: Municipality, on: datetime.date) -> Any:
    return Volunteer.objects.filter(
        municipality=municipality,
        certificates__certificate__code=CARAVAN_MATE,
        certificates__obtained_on__lte=on,
    ).exclude(certificates__certificate__code=CARAVAN_MATE, certificates__ended_on__lte=on)


def create_course(
    actor: Any,
    municipality: Municipality,
    *,
    title: str,
    date: datetime.date,
    district: District,
    trainers: Sequence[Volunteer],
    place: str = "",
    audience: str = "",
    capacity: int | None = None,
) -> DementiaCourse:
    _require(actor, "volunteers.manage", municipality.pk, district.pk)
    if not trainers:
        raise ValidationError({"trainers": _("Choose at least one caravan mate to teach.")})
    qualified = set(
        active_caravan_mates(municipality, date)
        .filter(pk__in=[t.pk for t in trainers])
        .values_list("pk", flat=True)
    )
    unqualified = [t.name for t in trainers if t.pk not in qualified]
    if unqualified:
        raise ValidationError(
            {
                "trainers": _("These people are not caravan mates on the course date: %(names)s.")
                % {"names": "、".join(unqualified)}
            }
        )
    with transaction.atomic():
        event = community_services.create_event(
            actor,
            municipality,
            kind=EventKind.TRAINING,
            title=title,
            date=date,
            place=place,
            capacity=capacity,
            district=district,
        )
        course = DementiaCourse.objects.create(
            municipality=municipality, event=event, audience=audience
        )
        course.trainers.set(trainers)
        audit.record(actor, audit.Action.CREATE, obj=course)
    return course


def add_attendee(
    actor: Any, course: DementiaCourse, *, name: str, volunteer: Volunteer | None = None
) -> CourseAttendee:
    _require(actor, "volunteers.manage", course.municipality_id, course.event.district_id)
    name = (name or (volunteer.name if volunteer else "")).strip()
    if not name:
        raise ValidationError({"name": _("Enter the attendee's name.")})
    if volunteer is not None and volunteer.municipality_id != course.municipality_id:
        raise ValidationError({"volunteer": _("Choose a volunteer from the list.")})
    with transaction.atomic():
        attendee = CourseAttendee.objects.create(course=course, name=name, volunteer=volunteer)
        audit.record(actor, audit.Action.UPDATE, obj=course, details={"attendee": attendee.pk})
    return attendee


def graduate(actor: Any, attendee: CourseAttendee) -> CourseAttendee:
    """The attendee completed the course: they count as a participant of the event, and a
    registered volunteer receives the 認知症サポーター certificate."""
    course = attendee.course
    _require(actor, "volunteers.manage", course.municipality_id, course.event.district_id)
    with transaction.atomic():
        attendee = CourseAttendee.objects.select_for_update().get(pk=attendee.pk)
        if attendee.graduated_on is not None:
            raise ValidationError(_("This attendee has already completed the course."))
        on = course.event.date
        if on > today_tokyo():
            raise ValidationError(_("The course has not taken place yet."))
        (participation,) = community_services.record_walk_ins(
            actor, course.event, 1, attendee.volunteer.district if attendee.volunteer else None
        )
        attendee.graduated_on = on
        attendee.participation = participation
        attendee.save(update_fields=["graduated_on", "participation"])
        if attendee.volunteer is not None:
            certificate, _created = Certificate.objects.get_or_create(
                municipality_id=course.municipality_id,
                code=DEMENTIA_SUPPORTER,
                defaults={"name": "認知症サポーター", "name_en": "Dementia supporter"},
            )
            if not attendee.volunteer.certificates.filter(certificate=certificate).exists():
                VolunteerCertificate.objects.create(
                    volunteer=attendee.volunteer,
                    certificate=certificate,
                    obtained_on=on,
                    note=str(course.event.title)[:200],
                )
        audit.record(actor, audit.Action.UPDATE, obj=course, details={"graduated": attendee.pk})
    return attendee
