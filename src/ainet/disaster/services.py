"""Writes of the disaster app's plans side: disaster-mode declarations and individual
evacuation plans (個別避難計画).

Every function takes the acting user first, checks the capability, runs in one transaction
and records an audit event. Bad input raises `ValidationError` with a translated message
(Japanese and English) and changes nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ainet.care.models import DisasterDeclaration, Person, Supporter
from ainet.core import access, audit
from ainet.core.models import District, Municipality
from ainet.disaster.models import EvacuationPlan, EvacuationPlanVersion, PlanStatus

DEFAULT_DURATION = datetime.timedelta(hours=72)
MAX_DURATION = datetime.timedelta(days=7)


def _require(user: Any, capability: str) -> None:
    if not access.can(user, capability):
        raise PermissionDenied


# --- Disaster mode ------------------------------------------------------------------------


@transaction.atomic
def declare(
    user: Any,
    municipality: Municipality,
    *,
    reason: str,
    districts: Sequence[District] = (),
    duration: datetime.timedelta = DEFAULT_DURATION,
    request: Any = None,
) -> DisasterDeclaration:
    """Declare disaster mode for `districts` (none: the whole municipality) from now for
    `duration` (at most `MAX_DURATION`). Ward administrators of the municipality only."""
    _require(user, "disaster.declare")
    if municipality.pk not in access.administered_municipality_ids(user):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for declaring disaster mode.")})
    if duration <= datetime.timedelta(0) or duration > MAX_DURATION:
        raise ValidationError(
            {"hours": _("Disaster mode lasts more than 0 hours and at most 7 days (168 hours).")}
        )
    if any(d.municipality_id != municipality.pk for d in districts):
        raise ValidationError({"districts": _("This district belongs to another municipality.")})
    now = timezone.now()
    declaration = DisasterDeclaration.objects.create(
        municipality=municipality,
        reason=reason,
        declared_by=user,
        starts_at=now,
        expires_at=now + duration,
    )
    declaration.districts.set(districts)
    audit.record(
        user,
        audit.Action.DISASTER_DECLARED,
        obj=declaration,
        request=request,
        reason=reason,
        details={
            "districts": sorted(d.code for d in districts),
            "expires_at": declaration.expires_at.isoformat(),
        },
    )
    access.forget(user)
    return declaration


@transaction.atomic
def end_declaration(
    user: Any, declaration: DisasterDeclaration, *, request: Any = None
) -> DisasterDeclaration:
    """End disaster mode before it expires. Ending one that is over already is refused."""
    _require(user, "disaster.declare")
    if declaration.municipality_id not in access.administered_municipality_ids(user):
        raise PermissionDenied
    locked = DisasterDeclaration.objects.select_for_update().get(pk=declaration.pk)
    now = timezone.now()
    if locked.ended_at is not None or locked.expires_at <= now:
        raise ValidationError(_("This declaration is no longer in force."))
    locked.ended_at = max(now, locked.starts_at)
    locked.ended_by = user
    locked.save(update_fields=["ended_at", "ended_by"])
    audit.record(user, audit.Action.DISASTER_ENDED, obj=locked, request=request)
    access.forget(user)
    return locked


# --- Individual evacuation plans ------------------------------------------------------------

PLAN_FIELDS = (
    "needs_two_supporters",
    "destination_text",
    "route_notes",
    "what_to_take",
    "care_needs",
    "timing_level3",
    "timing_level4",
    "timing_level5",
    "consent_note",
)


@dataclass(frozen=True)
class PlanInput:
    primary_supporter: Supporter | None
    backup_supporter: Supporter | None = None
    needs_two_supporters: bool = False
    destination_facility: Any = None  # facilities.Facility
    destination_text: str = ""
    route_notes: str = ""
    what_to_take: str = ""
    care_needs: str = ""
    timing_level3: str = ""
    timing_level4: str = ""
    timing_level5: str = ""
    consent_on: datetime.date | None = None
    consent_note: str = ""


def snapshot(plan: EvacuationPlan) -> dict[str, Any]:
    """What a version keeps: every field, supporters and destination by id and name."""
    data: dict[str, Any] = {name: getattr(plan, name) for name in PLAN_FIELDS}
    data["status"] = plan.status
    data["consent_on"] = plan.consent_on.isoformat() if plan.consent_on else None
    for role in ("primary_supporter", "backup_supporter", "destination_facility"):
        related = getattr(plan, role)
        data[role] = {"id": related.pk, "name": related.name} if related is not None else None
    return data


def supporter_loads(
    supporter_ids: Iterable[int], *, excluding: Iterable[int] = ()
) -> dict[int, int]:
    """How many plans name each supporter (primary or backup), leaving out the plans of
    the people in `excluding`."""
    ids = list(supporter_ids)
    loads = dict.fromkeys(ids, 0)
    skip = list(excluding)
    for field in ("primary_supporter_id", "backup_supporter_id"):
        for value in (
            EvacuationPlan.objects.filter(**{f"{field}__in": ids})
            .exclude(person_id__in=skip)
            .values_list(field, flat=True)
        ):
            loads[value] += 1
    return loads


def _check_supporters(
    user: Any, person: Person, data: PlanInput, plan: EvacuationPlan | None
) -> None:
    errors: dict[str, Any] = {}
    visible = Supporter.objects.for_user(user)
    for role in ("primary_supporter", "backup_supporter"):
        s = getattr(data, role)
        if s is None:
            continue
        if s.municipality_id != person.municipality_id or not visible.filter(pk=s.pk).exists():
            errors[role] = _("Choose a supporter from the list.")
        elif not s.is_active:
            errors[role] = _("This supporter is no longer active.")
    if data.primary_supporter is None and data.backup_supporter is not None:
        errors["primary_supporter"] = _("Choose the primary supporter first.")
    if (
        data.primary_supporter is not None
        and data.backup_supporter is not None
        and data.primary_supporter.pk == data.backup_supporter.pk
    ):
        errors["backup_supporter"] = _("The backup supporter must be someone else.")
    if data.needs_two_supporters and (
        data.primary_supporter is None or data.backup_supporter is None
    ):
        errors.setdefault("backup_supporter", _("This person needs two supporters: choose both."))
    if errors:
        raise ValidationError(errors)
    # capacity: a new supporter of this plan must have room left
    chosen = [s for s in (data.primary_supporter, data.backup_supporter) if s is not None]
    before = {s.pk for s in (plan.supporters if plan else [])}
    loads = supporter_loads([s.pk for s in chosen], excluding=[person.pk])
    for role, s in (
        ("primary_supporter", data.primary_supporter),
        ("backup_supporter", data.backup_supporter),
    ):
        if s is not None and s.pk not in before and loads[s.pk] >= s.evacuation_capacity:
            errors[role] = _("This supporter has no evacuation capacity left.")
    if errors:
        raise ValidationError(errors)


def _check_destination(person: Person, data: PlanInput) -> None:
    from ainet.disaster.shelters import shelter_queryset

    facility = data.destination_facility
    if (
        facility is not None
        and not shelter_queryset(person.municipality).filter(pk=facility.pk).exists()
    ):
        raise ValidationError(
            {
                "destination_facility": _(
                    "Choose an evacuation site or welfare shelter from the list."
                )
            }
        )


@transaction.atomic
def save_plan(
    user: Any,
    person: Person,
    data: PlanInput,
    *,
    change: str = "",
    request: Any = None,
) -> EvacuationPlan:
    """Create or change a person's plan and keep the previous contents as a version. A plan
    is saved only with the person's consent recorded (art. 49-14: the plan is shared with its
    supporters); a draft from supporter assignment is `create_draft_plans`."""
    _require(user, "disaster.manage_plans")
    if access.person_access(user, person) is None:
        raise PermissionDenied
    if data.consent_on is None:
        raise ValidationError(
            {
                "consent_on": _(
                    "A plan needs the person's consent: record the date consent was given."
                )
            }
        )
    if data.consent_on > timezone.localdate():
        raise ValidationError({"consent_on": _("The consent date cannot be in the future.")})
    plan = EvacuationPlan.objects.select_for_update().filter(person=person).order_by("pk").first()
    _check_supporters(user, person, data, plan)
    _check_destination(person, data)
    created = plan is None
    if plan is None:
        plan = EvacuationPlan(municipality=person.municipality, person=person, updated_by=user)
    else:
        plan.version += 1
    for name in PLAN_FIELDS:
        value = getattr(data, name)
        setattr(plan, name, value.strip() if isinstance(value, str) else value)
    plan.primary_supporter = data.primary_supporter
    plan.backup_supporter = data.backup_supporter
    plan.destination_facility = data.destination_facility
    plan.consent_on = data.consent_on
    plan.status = PlanStatus.AGREED
    plan.updated_by = user
    plan.updated_at = timezone.now()
    plan.save()
    _keep_version(user, plan, change or ("created" if created else "edited"))
    audit.record(
        user,
        audit.Action.CREATE if created else audit.Action.UPDATE,
        obj=plan,
        request=request,
        details={"version": plan.version, "person": person.pk},
    )
    return plan


def _keep_version(user: Any, plan: EvacuationPlan, change: str) -> None:
    EvacuationPlanVersion.objects.create(
        plan=plan,
        version=plan.version,
        status=plan.status,
        data=snapshot(plan),
        change=change[:300],
        saved_by=user,
        saved_at=plan.updated_at,
    )


@dataclass(frozen=True)
class Accepted:
    created: list[EvacuationPlan]
    updated: list[EvacuationPlan]
    skipped: list[str]  # person ids whose pairs were no longer valid


@transaction.atomic
def accept_assignments(
    user: Any,
    municipality: Municipality,
    pairs: Sequence[tuple[int, int]],
    *,
    max_distance_m: float,
    request: Any = None,
) -> Accepted:
    """Turn accepted (person id, supporter id) pairs of a proposal into draft plans (consent
    still to be recorded) or, for a re-planned person, into a new version of their plan with
    the new supporters (back to draft: the new supporter needs the person's consent). Each
    pair is checked again — the person visible and without a plan (or re-planned), the
    supporter visible, active, within the distance and with capacity — so a stale or forged
    form changes nothing for the pairs that fail; the rest are saved."""
    from ainet.disaster import proposals

    _require(user, "disaster.manage_plans")
    by_person: dict[int, list[int]] = {}
    for person_id, supporter_id in pairs:
        by_person.setdefault(person_id, [])
        if supporter_id not in by_person[person_id]:
            by_person[person_id].append(supporter_id)
    people = {
        p.pk: p
        for p in Person.objects.for_user(user)
        .filter(pk__in=list(by_person), municipality=municipality)
        .prefetch_related("needs")
        .select_related("evacuation_plan")
    }
    supporters = {
        s.pk: s
        for s in Supporter.objects.for_user(user).filter(
            municipality=municipality,
            is_active=True,
            pk__in=[s for v in by_person.values() for s in v],
        )
    }
    loads = supporter_loads(list(supporters), excluding=list(people))
    created: list[EvacuationPlan] = []
    updated: list[EvacuationPlan] = []
    skipped: list[str] = []
    now = timezone.now()
    for person_id, supporter_ids in sorted(by_person.items()):
        person = people.get(person_id)
        chosen = [supporters.get(s) for s in supporter_ids]
        plan: EvacuationPlan | None = getattr(person, "evacuation_plan", None) if person else None
        needs_two = person is not None and (
            proposals.person_needs_two(person) or bool(plan and plan.needs_two_supporters)
        )
        ok = (
            person is not None
            and all(s is not None for s in chosen)
            and len(chosen) == (2 if needs_two else 1)
            and all(
                proposals.distance_m(person, s) is not None
                and proposals.distance_m(person, s) <= max_distance_m  # type: ignore[operator]
                for s in chosen
                if s is not None
            )
            and (plan is None or proposals.needs_replanning(plan))
        )
        if ok:
            for s in chosen:
                if s is not None and loads.get(s.pk, 0) >= s.evacuation_capacity:
                    ok = False
        if not ok or person is None:
            skipped.append(str(person_id))
            continue
        ordered = sorted(
            (s for s in chosen if s is not None),
            key=lambda s: (proposals.distance_m(person, s), s.pk),
        )
        for s in ordered:
            loads[s.pk] = loads.get(s.pk, 0) + 1
        primary, backup = ordered[0], (ordered[1] if len(ordered) > 1 else None)
        if plan is None:
            plan = EvacuationPlan.objects.create(
                municipality=municipality,
                person=person,
                status=PlanStatus.DRAFT,
                primary_supporter=primary,
                backup_supporter=backup,
                needs_two_supporters=needs_two,
                updated_by=user,
                created_at=now,
                updated_at=now,
            )
            _keep_version(user, plan, "proposed by supporter assignment")
            created.append(plan)
        else:
            plan.version += 1
            plan.primary_supporter = primary
            plan.backup_supporter = backup
            plan.status = PlanStatus.DRAFT
            plan.updated_by = user
            plan.updated_at = now
            plan.save()
            _keep_version(user, plan, "re-planned: a supporter became unavailable")
            updated.append(plan)
    if created or updated:
        audit.record(
            user,
            audit.Action.CREATE,
            municipality=municipality,
            request=request,
            details={
                "what": "evacuation plans from supporter assignment",
                "created": [p.pk for p in created],
                "replanned": [p.pk for p in updated],
                "skipped": skipped,
            },
        )
    return Accepted(created, updated, skipped)
