"""Writes of the care app: people, their needs, their place on the lists and its legal basis,
supporters and support ties, contacts and follow-ups.

Each function takes the acting user first, checks permission (PermissionDenied), checks the
record is one the actor may see (`access.person_access`; otherwise PermissionDenied — views
have already answered 404 for records outside the actor's scope), keeps the records
consistent (ValidationError keyed by form field), writes inside a transaction and records an
audit event. Audit events name the fields that changed, never their values: the values are
personal data and some are 要配慮個人情報.

The legal basis of a list entry changes only here, and every change also writes a
`ConsentEvent`, so the consent history is complete by construction.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ainet.care import kana
from ainet.care.models import (
    Basis,
    ConsentEvent,
    ConsentEventKind,
    Contact,
    ContactCategory,
    ContactMethod,
    Frequency,
    HouseholdType,
    ListEntry,
    ListKind,
    NeedKind,
    Person,
    Sex,
    Supporter,
    SupporterKind,
    SupportTie,
    WatchLevel,
)
from ainet.core import access, audit
from ainet.core.dates import today_tokyo
from ainet.core.models import District, Municipality, Town

# Fields that hold 要配慮個人情報; only holders of care.view_special read or write them.
SPECIAL_CARE_FIELDS = ("care_level", "disability", "illness", "notes")
PERSON_FIELDS = (
    "resident_number",
    "name",
    "name_kana",
    "birth_date",
    "sex",
    "postal_code",
    "address",
    "address_detail",
    "town",
    "district",
    "phone",
    "household_type",
    "emergency_contact_name",
    "emergency_contact_phone",
    "preferred_language",
    "watch_level",
    *SPECIAL_CARE_FIELDS,
)


def _require(actor: Any, capability: str) -> None:
    if not access.can(actor, capability):
        raise PermissionDenied


def _require_municipality(actor: Any, municipality_id: int) -> None:
    if not Municipality.objects.filter(
        access.municipality_q(actor, "pk"), pk=municipality_id
    ).exists():
        raise PermissionDenied


def _require_visible(actor: Any, person: Person) -> access.PersonAccess:
    seen = access.person_access(actor, person)
    if seen is None:
        raise PermissionDenied
    return seen


def _require_district(actor: Any, district: District | None) -> None:
    if district is not None and district.pk not in access.visible_district_ids(actor):
        raise PermissionDenied


# --- Needs ---------------------------------------------------------------------------


def create_need_kind(
    actor: Any,
    municipality: Municipality,
    *,
    code: str,
    name: str,
    name_en: str = "",
    is_special_care: bool = False,
    sort_order: int = 100,
) -> NeedKind:
    _require(actor, "care.manage")
    _require_municipality(actor, municipality.pk)
    if is_special_care and not access.can(actor, "care.view_special"):
        raise PermissionDenied
    if NeedKind.objects.filter(municipality=municipality, code=code).exists():
        raise ValidationError({"code": _("This code is already used by another kind of need.")})
    with transaction.atomic():
        need = NeedKind.objects.create(
            municipality=municipality,
            code=code,
            name=name,
            name_en=name_en,
            is_special_care=is_special_care,
            sort_order=sort_order,
        )
        audit.record(actor, audit.Action.CREATE, obj=need)
    return need


# --- People --------------------------------------------------------------------------


def _check_person_values(municipality: Municipality, values: dict[str, Any]) -> None:
    town: Town | None = values.get("town")
    district: District | None = values.get("district")
    if town is not None and town.municipality_id != municipality.pk:
        raise ValidationError({"town": _("This town block belongs to another municipality.")})
    if district is not None and district.municipality_id != municipality.pk:
        raise ValidationError({"district": _("This district belongs to another municipality.")})
    if town is not None and district is not None and town.district_id != district.pk:
        raise ValidationError({"district": _("This town block lies in another district.")})
    if town is None and district is None:
        raise ValidationError({"town": _("Choose the town block or at least the district.")})
    born = values.get("birth_date")
    if born is not None and born > today_tokyo():
        raise ValidationError({"birth_date": _("The date of birth cannot be in the future.")})
    choices = {
        "sex": Sex.values,
        "household_type": HouseholdType.values,
        "watch_level": WatchLevel.values,
    }
    for field, allowed in choices.items():
        if field in values and values[field] not in allowed:
            raise ValidationError({field: _("Choose a value from the list.")})
    number = values.get("resident_number") or ""
    if number and not number.isdigit():
        raise ValidationError({"resident_number": _("The resident number is digits only.")})


def _place(values: dict[str, Any]) -> None:
    """The town block decides the district and the point on the map."""
    town: Town | None = values.get("town")
    if town is not None:
        values["district"] = town.district
        values["lat"] = town.lat
        values["lng"] = town.lng


def _check_needs(actor: Any, municipality: Municipality, needs: list[NeedKind]) -> None:
    for need in needs:
        if need.municipality_id != municipality.pk:
            raise ValidationError({"needs": _("This kind of need belongs to another ward.")})
        if need.is_special_care and not access.can(actor, "care.view_special"):
            raise PermissionDenied


def create_person(
    actor: Any,
    municipality: Municipality,
    *,
    needs: list[NeedKind] | None = None,
    **values: Any,
) -> Person:
    _require(actor, "care.manage")
    _require_municipality(actor, municipality.pk)
    unknown = set(values) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"unknown person fields: {sorted(unknown)}")
    if not access.can(actor, "care.view_special") and any(
        values.get(f) for f in SPECIAL_CARE_FIELDS
    ):
        raise PermissionDenied
    _check_person_values(municipality, values)
    _place(values)
    _require_district(actor, values.get("district"))
    needs = list(needs or [])
    _check_needs(actor, municipality, needs)
    number = values.get("resident_number") or ""
    if number and Person.objects.filter(municipality=municipality, resident_number=number).exists():
        raise ValidationError(
            {"resident_number": _("Another person already has this resident number.")}
        )
    with transaction.atomic():
        person = Person(municipality=municipality, **values)
        person.match_kana = kana.kana_key(person.name_kana)
        person.match_address = kana.address_key(person.address)
        person.save()
        person.needs.set(needs)
        audit.record(actor, audit.Action.CREATE, obj=person)
    return person


def update_person(
    actor: Any, person: Person, *, needs: list[NeedKind] | None = None, **values: Any
) -> list[str]:
    """Change the given fields; returns the names of the fields that changed. Special-care
    fields and needs are only written by holders of care.view_special; for others, special
    needs already recorded stay as they are."""
    _require(actor, "care.manage")
    _require_visible(actor, person)
    unknown = set(values) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"unknown person fields: {sorted(unknown)}")
    special = access.can(actor, "care.view_special")
    if not special and set(values) & set(SPECIAL_CARE_FIELDS):
        raise PermissionDenied
    merged = {f: getattr(person, f) for f in ("town", "district")} | values
    _check_person_values(person.municipality, merged)
    _place(merged)
    values = {k: v for k, v in merged.items() if k in values or k in ("district", "lat", "lng")}
    _require_district(actor, values.get("district"))
    number = values.get("resident_number") or ""
    if (
        number
        and Person.objects.filter(municipality_id=person.municipality_id, resident_number=number)
        .exclude(pk=person.pk)
        .exists()
    ):
        raise ValidationError(
            {"resident_number": _("Another person already has this resident number.")}
        )
    changed = [f for f, v in values.items() if getattr(person, f) != v]
    needs_changed = False
    new_needs: list[NeedKind] = []
    if needs is not None:
        _check_needs(actor, person.municipality, list(needs))
        current = list(person.needs.all())
        kept_special = [] if special else [n for n in current if n.is_special_care]
        new_needs = list({n.pk: n for n in [*needs, *kept_special]}.values())
        needs_changed = {n.pk for n in new_needs} != {n.pk for n in current}
    if not changed and not needs_changed:
        return []
    with transaction.atomic():
        for field, value in values.items():
            setattr(person, field, value)
        person.match_kana = kana.kana_key(person.name_kana)
        person.match_address = kana.address_key(person.address)
        person.updated_at = timezone.now()
        person.save()
        if needs_changed:
            person.needs.set(new_needs)
            changed.append("needs")
        audit.record(actor, audit.Action.UPDATE, obj=person, details={"fields": sorted(changed)})
    return changed


# --- Lists and legal basis -------------------------------------------------------------

# Which bases each list allows (MISSION.md §3).
LIST_BASES = {
    ListKind.EVACUATION: (Basis.CONSENT, Basis.HAND_RAISED, Basis.OPT_OUT, Basis.WARD_ONLY),
    ListKind.WATCH: (Basis.CONSENT, Basis.WATCH_PROGRAMME, Basis.WARD_ONLY),
}


def _check_basis(
    list_kind: str,
    basis: str,
    consent_on: datetime.date | None,
    on: datetime.date,
) -> None:
    if list_kind not in ListKind.values:
        raise ValidationError({"list_kind": _("Choose a list.")})
    if basis not in LIST_BASES[ListKind(list_kind)]:
        raise ValidationError({"basis": _("This legal basis does not apply to this list.")})
    if basis == Basis.CONSENT and consent_on is None:
        raise ValidationError({"consent_on": _("Enter the date the person gave consent.")})
    today = today_tokyo()
    if consent_on is not None and consent_on > today:
        raise ValidationError({"consent_on": _("The date of consent cannot be in the future.")})
    if on > today:
        raise ValidationError({"joined_on": _("The date cannot be in the future.")})


def _consent_event(
    actor: Any,
    entry: ListEntry,
    kind: str,
    on: datetime.date,
    note: str = "",
) -> ConsentEvent:
    return ConsentEvent.objects.create(
        person=entry.person,
        list_kind=entry.list_kind,
        kind=kind,
        basis=entry.basis,
        on=on,
        scope=entry.consent_scope,
        note=note,
        recorded_by=actor,
    )


def add_to_list(
    actor: Any,
    person: Person,
    *,
    list_kind: str,
    basis: str,
    joined_on: datetime.date,
    consent_on: datetime.date | None = None,
    consent_scope: str = "",
    reason: str = "",
    source: str = "",
) -> ListEntry:
    _require(actor, "care.manage_basis")
    _require_visible(actor, person)
    _check_basis(list_kind, basis, consent_on, joined_on)
    if ListEntry.objects.filter(person=person, list_kind=list_kind, left_on__isnull=True).exists():
        raise ValidationError({"list_kind": _("The person is already on this list.")})
    with transaction.atomic():
        entry = ListEntry.objects.create(
            person=person,
            list_kind=list_kind,
            basis=basis,
            joined_on=joined_on,
            consent_on=consent_on if basis == Basis.CONSENT else None,
            consent_scope=consent_scope if basis == Basis.CONSENT else "",
            reason=reason,
            source=source,
        )
        _consent_event(actor, entry, ConsentEventKind.ADDED, joined_on)
        if basis == Basis.CONSENT and consent_on is not None:
            _consent_event(actor, entry, ConsentEventKind.CONSENT_GIVEN, consent_on)
        audit.record(
            actor,
            audit.Action.CREATE,
            obj=entry,
            municipality=person.municipality,
            details={"list": list_kind, "basis": basis},
        )
    return entry


def change_basis(
    actor: Any,
    entry: ListEntry,
    *,
    basis: str,
    on: datetime.date,
    consent_on: datetime.date | None = None,
    consent_scope: str = "",
    note: str = "",
) -> ListEntry:
    """A new legal basis or consent scope for a current entry (e.g. consent withdrawn: the
    entry moves to ward-only)."""
    _require(actor, "care.manage_basis")
    _require_visible(actor, entry.person)
    if entry.left_on is not None:
        raise ValidationError(_("The person has left this list; add them again instead."))
    _check_basis(entry.list_kind, basis, consent_on, on)
    old_basis, old_scope = entry.basis, entry.consent_scope
    if basis != Basis.CONSENT:
        consent_on, consent_scope = None, ""
    if basis == old_basis and consent_scope == old_scope and consent_on == entry.consent_on:
        raise ValidationError(_("Nothing changed: the basis and scope are as recorded."))
    with transaction.atomic():
        entry.basis = basis
        entry.consent_on = consent_on
        entry.consent_scope = consent_scope
        if basis == Basis.OPT_OUT and old_basis != Basis.OPT_OUT:
            entry.removal_requested_on = None
        entry.save()
        if old_basis == Basis.CONSENT and basis != Basis.CONSENT:
            _consent_event(actor, entry, ConsentEventKind.CONSENT_WITHDRAWN, on, note)
        elif basis == Basis.CONSENT and old_basis != Basis.CONSENT:
            _consent_event(actor, entry, ConsentEventKind.CONSENT_GIVEN, on, note)
        elif basis == old_basis:
            _consent_event(actor, entry, ConsentEventKind.SCOPE_CHANGED, on, note)
        else:
            _consent_event(actor, entry, ConsentEventKind.BASIS_CHANGED, on, note)
        audit.record(
            actor,
            audit.Action.UPDATE,
            obj=entry,
            municipality=entry.person.municipality,
            details={"list": entry.list_kind, "basis_from": old_basis, "basis_to": basis},
        )
    return entry


def record_removal_request(
    actor: Any, entry: ListEntry, *, on: datetime.date, note: str = ""
) -> ListEntry:
    """情報共有 (opt-out): the person returned a removal request; from now on the entry is not
    shared. Recording one only narrows sharing, so care.manage is enough."""
    _require(actor, "care.manage")
    _require_visible(actor, entry.person)
    if entry.basis != Basis.OPT_OUT or entry.left_on is not None:
        raise ValidationError(_("A removal request applies to current opt-out entries only."))
    if entry.removal_requested_on is not None:
        raise ValidationError(_("A removal request is already recorded."))
    if on > today_tokyo():
        raise ValidationError({"on": _("The date cannot be in the future.")})
    with transaction.atomic():
        entry.removal_requested_on = on
        entry.save(update_fields=["removal_requested_on"])
        _consent_event(actor, entry, ConsentEventKind.REMOVAL_REQUESTED, on, note)
        audit.record(
            actor,
            audit.Action.UPDATE,
            obj=entry,
            municipality=entry.person.municipality,
            details={"list": entry.list_kind, "removal_requested": True},
        )
    return entry


def leave_list(actor: Any, entry: ListEntry, *, on: datetime.date, note: str = "") -> ListEntry:
    _require(actor, "care.manage_basis")
    _require_visible(actor, entry.person)
    if entry.left_on is not None:
        raise ValidationError(_("The person has already left this list."))
    if on < entry.joined_on or on > today_tokyo():
        raise ValidationError({"on": _("The date must be between joining the list and today.")})
    with transaction.atomic():
        entry.left_on = on
        entry.save(update_fields=["left_on"])
        _consent_event(actor, entry, ConsentEventKind.REMOVED, on, note)
        audit.record(
            actor,
            audit.Action.UPDATE,
            obj=entry,
            municipality=entry.person.municipality,
            details={"list": entry.list_kind, "left": True},
        )
    return entry


# --- Supporters and ties -------------------------------------------------------------


def create_supporter(
    actor: Any,
    municipality: Municipality,
    *,
    kind: str,
    name: str,
    name_kana: str = "",
    district: District | None = None,
    phone: str = "",
    town: Town | None = None,
    languages: list[str] | None = None,
    evacuation_capacity: int = 1,
) -> Supporter:
    _require(actor, "care.manage")
    _require_municipality(actor, municipality.pk)
    if kind not in SupporterKind.values:
        raise ValidationError({"kind": _("Choose a value from the list.")})
    if town is not None:
        if town.municipality_id != municipality.pk:
            raise ValidationError({"town": _("This town block belongs to another municipality.")})
        district = district or town.district
    if district is None:
        raise ValidationError({"district": _("Choose the district the supporter works in.")})
    if district.municipality_id != municipality.pk:
        raise ValidationError({"district": _("This district belongs to another municipality.")})
    _require_district(actor, district)
    with transaction.atomic():
        supporter = Supporter.objects.create(
            municipality=municipality,
            kind=kind,
            name=name,
            name_kana=name_kana,
            district=district,
            phone=phone,
            lat=town.lat if town else None,
            lng=town.lng if town else None,
            languages=list(languages or []),
            evacuation_capacity=evacuation_capacity,
        )
        audit.record(actor, audit.Action.CREATE, obj=supporter)
    return supporter


def _require_managed_supporter(actor: Any, supporter: Supporter) -> None:
    """Supporters are managed by care.manage holders of the supporter's district (a
    supporter without a district: by those who see the whole ward). Views have already
    answered 404 for supporters outside `supporter_q`."""
    _require(actor, "care.manage")
    _require_municipality(actor, supporter.municipality_id)
    if not Supporter.objects.for_user(actor).filter(pk=supporter.pk).exists():
        raise PermissionDenied
    mine = access.visible_district_ids(actor)
    if supporter.district_id is None:
        # Only someone who sees every district of the ward: their own profile is not enough.
        ward = District.objects.filter(municipality_id=supporter.municipality_id)
        if not set(ward.values_list("pk", flat=True)) <= mine:
            raise PermissionDenied
    elif supporter.district_id not in mine:
        raise PermissionDenied


SUPPORTER_FIELDS = (
    "kind",
    "name",
    "name_kana",
    "district",
    "phone",
    "languages",
    "evacuation_capacity",
)


def update_supporter(
    actor: Any,
    supporter: Supporter,
    *,
    kind: str,
    name: str,
    name_kana: str = "",
    district: District | None = None,
    phone: str = "",
    town: Town | None = None,
    languages: list[str] | None = None,
    evacuation_capacity: int = 1,
) -> list[str]:
    """Change a supporter's details; returns the names of the fields that changed. A town
    block moves the supporter's map position; without one the position stays."""
    _require_managed_supporter(actor, supporter)
    municipality_id = supporter.municipality_id
    if kind not in SupporterKind.values:
        raise ValidationError({"kind": _("Choose a value from the list.")})
    if not name.strip():
        raise ValidationError({"name": _("Enter the supporter's name.")})
    if evacuation_capacity < 0:
        raise ValidationError({"evacuation_capacity": _("Enter zero or more.")})
    if town is not None:
        if town.municipality_id != municipality_id:
            raise ValidationError({"town": _("This town block belongs to another municipality.")})
        district = district or town.district
    if district is None:
        raise ValidationError({"district": _("Choose the district the supporter works in.")})
    if district.municipality_id != municipality_id:
        raise ValidationError({"district": _("This district belongs to another municipality.")})
    _require_district(actor, district)
    values: dict[str, Any] = {
        "kind": kind,
        "name": name.strip(),
        "name_kana": name_kana.strip(),
        "district": district,
        "phone": phone.strip(),
        "languages": list(languages or []),
        "evacuation_capacity": evacuation_capacity,
    }
    if town is not None:
        values |= {"lat": town.lat, "lng": town.lng}
    changed = [f for f, v in values.items() if getattr(supporter, f) != v]
    if not changed:
        return []
    with transaction.atomic():
        for field, value in values.items():
            setattr(supporter, field, value)
        supporter.save(update_fields=[*(values.keys() - {"district"}), "district"])
        audit.record(actor, audit.Action.UPDATE, obj=supporter, details={"fields": sorted(changed)})
    return changed


def deactivate_supporter(
    actor: Any,
    supporter: Supporter,
    *,
    on: datetime.date,
    reason: str,
    end_ties: bool = True,
) -> list[SupportTie]:
    """A supporter who stops helping is marked inactive, never deleted: their ties stay as
    the map's history, and the isolation analysis no longer counts them (`active_tie_q`).
    With `end_ties`, their open ties with people the actor may see end on `on` with the
    reason; returns the ties ended."""
    _require_managed_supporter(actor, supporter)
    if not supporter.is_active:
        raise ValidationError(_("This supporter is no longer active."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the supporter stopped.")})
    if on > today_tokyo():
        raise ValidationError({"on": _("The date cannot be in the future.")})
    ties: list[SupportTie] = []
    if end_ties:
        ties = list(
            SupportTie.objects.for_user(actor)
            .filter(supporter=supporter, ended_on__isnull=True)
            .select_related("person")
            .order_by("pk")
        )
        early = [t for t in ties if t.since is not None and t.since > on]
        if early:
            raise ValidationError({"on": _("Some of the supporter's ties began after this date.")})
    with transaction.atomic():
        supporter.is_active = False
        supporter.save(update_fields=["is_active"])
        for tie in ties:
            tie.ended_on = on
            tie.end_reason = reason.strip()
            tie.save(update_fields=["ended_on", "end_reason"])
            audit.record(
                actor,
                audit.Action.UPDATE,
                obj=tie,
                municipality=supporter.municipality,
                details={"ended": True, "supporter_deactivated": True},
            )
        audit.record(
            actor,
            audit.Action.UPDATE,
            obj=supporter,
            details={"active": False, "ties_ended": len(ties)},
        )
    return ties


def reactivate_supporter(actor: Any, supporter: Supporter) -> Supporter:
    """Undo a deactivation (the ties it ended stay ended: record new ones)."""
    _require_managed_supporter(actor, supporter)
    if supporter.is_active:
        raise ValidationError(_("This supporter is already active."))
    with transaction.atomic():
        supporter.is_active = True
        supporter.save(update_fields=["is_active"])
        audit.record(actor, audit.Action.UPDATE, obj=supporter, details={"active": True})
    return supporter


def create_tie(
    actor: Any,
    person: Person,
    supporter: Supporter,
    *,
    since: datetime.date,
    frequency: str = Frequency.MONTHLY,
    is_evacuation_support: bool = False,
    note: str = "",
) -> SupportTie:
    _require(actor, "care.manage")
    _require_visible(actor, person)
    if not Supporter.objects.for_user(actor).filter(pk=supporter.pk).exists():
        raise PermissionDenied
    if supporter.municipality_id != person.municipality_id:
        raise ValidationError({"supporter": _("This supporter belongs to another ward.")})
    if not supporter.is_active:
        raise ValidationError({"supporter": _("This supporter is no longer active.")})
    if frequency not in Frequency.values:
        raise ValidationError({"frequency": _("Choose a value from the list.")})
    if since > today_tokyo():
        raise ValidationError({"since": _("The date cannot be in the future.")})
    if SupportTie.objects.filter(
        person=person, supporter=supporter, ended_on__isnull=True
    ).exists():
        raise ValidationError({"supporter": _("This supporter already supports the person.")})
    with transaction.atomic():
        tie = SupportTie.objects.create(
            person=person,
            supporter=supporter,
            since=since,
            frequency=frequency,
            is_evacuation_support=is_evacuation_support,
            note=note,
        )
        audit.record(actor, audit.Action.CREATE, obj=tie, municipality=person.municipality)
    return tie


def end_tie(actor: Any, tie: SupportTie, *, ended_on: datetime.date, reason: str) -> SupportTie:
    """A tie ends with a date and a reason; the row stays (the map's history)."""
    _require(actor, "care.manage")
    _require_visible(actor, tie.person)
    if tie.ended_on is not None:
        raise ValidationError(_("This tie has already ended."))
    if not reason.strip():
        raise ValidationError({"end_reason": _("Say why the tie ended.")})
    if ended_on > today_tokyo() or (tie.since is not None and ended_on < tie.since):
        raise ValidationError(
            {"ended_on": _("The date must be between the start of the tie and today.")}
        )
    with transaction.atomic():
        tie.ended_on = ended_on
        tie.end_reason = reason.strip()
        tie.save(update_fields=["ended_on", "end_reason"])
        audit.record(
            actor,
            audit.Action.UPDATE,
            obj=tie,
            municipality=tie.person.municipality,
            details={"ended": True},
        )
    return tie


# --- Contacts ------------------------------------------------------------------------


def own_supporters(actor: Any) -> list[Supporter]:
    return list(Supporter.objects.filter(user_id=actor.pk, is_active=True))


def record_contact(
    actor: Any,
    person: Person,
    *,
    at: datetime.datetime,
    method: str,
    category: str = ContactCategory.VISIT_CONTACT,
    noticed: str = "",
    follow_up_needed: bool = False,
    supporter: Supporter | None = None,
) -> Contact:
    """Log a contact or visit and keep `Person.last_contact_at` at the newest one. Without a
    supporter, the actor's own supporter profile (if they have exactly one) is used. A
    volunteer can only log contacts with people assigned to them (`person_access`)."""
    _require(actor, "care.record_contact")
    _require_visible(actor, person)
    if supporter is None:
        mine = own_supporters(actor)
        supporter = mine[0] if len(mine) == 1 else None
    elif not Supporter.objects.for_user(actor).filter(pk=supporter.pk).exists():
        raise PermissionDenied
    if supporter is not None and supporter.municipality_id != person.municipality_id:
        raise ValidationError({"supporter": _("This supporter belongs to another ward.")})
    if method not in ContactMethod.values:
        raise ValidationError({"method": _("Choose a value from the list.")})
    if category not in ContactCategory.values:
        raise ValidationError({"category": _("Choose a value from the list.")})
    if timezone.is_naive(at):
        raise ValueError("contact times are aware datetimes")
    if at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"at": _("The contact cannot be in the future.")})
    with transaction.atomic():
        contact = Contact.objects.create(
            person=person,
            supporter=supporter,
            recorded_by=actor,
            at=at,
            method=method,
            category=category,
            noticed=noticed,
            follow_up_needed=follow_up_needed,
        )
        # Only ever forward: a contact logged late for an earlier day keeps the newest.
        Person.objects.filter(pk=person.pk).filter(
            Q(last_contact_at__isnull=True) | Q(last_contact_at__lt=at)
        ).update(last_contact_at=at)
        person.refresh_from_db(fields=["last_contact_at"])
        audit.record(actor, audit.Action.CREATE, obj=contact, municipality=person.municipality)
    return contact


def complete_follow_up(actor: Any, contact: Contact, *, on: datetime.date) -> Contact:
    _require(actor, "care.record_contact")
    _require_visible(actor, contact.person)
    if not contact.follow_up_needed or contact.follow_up_done_on is not None:
        raise ValidationError(_("This contact has no follow-up waiting."))
    if on > today_tokyo() or on < timezone.localdate(contact.at):
        raise ValidationError({"on": _("The date must be between the contact and today.")})
    with transaction.atomic():
        contact.follow_up_done_on = on
        contact.save(update_fields=["follow_up_done_on"])
        audit.record(
            actor,
            audit.Action.UPDATE,
            obj=contact,
            municipality=contact.person.municipality,
            details={"follow_up_done": True},
        )
    return contact
