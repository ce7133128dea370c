"""Writes for the committee, meetings, district plans, advisor consultations and trainings.

Each function takes the acting user first, checks permission (PermissionDenied), writes inside
a transaction and records an audit event. Forms validate the input first; the checks that a
concurrent write could invalidate are repeated here under a row lock and raise ValidationError.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ainet.core import access, audit
from ainet.core.models import District, Municipality, Organisation
from ainet.plan.models import (
    AdvisorConsultation,
    Committee,
    CommitteeMember,
    DistrictOrganisation,
    DistrictPlan,
    DistrictPlanStage,
    Meeting,
    MeetingAttendance,
    MeetingBody,
    PlanPeriod,
    PlanStage,
    StaffTraining,
)

DISTRICT_BODIES = frozenset({MeetingBody.SUPPORT_TEAM, MeetingBody.DISTRICT_DISCUSSION})


# --- Permission checks --------------------------------------------------------------------


def works_in(actor: Any, municipality: Municipality) -> bool:
    """The actor is district staff of at least one district of `municipality`."""
    return District.objects.filter(
        municipality=municipality, pk__in=sorted(access.visible_district_ids(actor))
    ).exists()


def can_record_in(actor: Any, municipality: Municipality, district: District | None) -> bool:
    """plan.record for a district the actor sees, or for ward-wide rows of their ward."""
    if not access.can(actor, "plan.record"):
        return False
    if district is not None:
        return (
            district.municipality_id == municipality.pk
            and district.pk in access.visible_district_ids(actor)
        )
    return works_in(actor, municipality)


def can_manage(actor: Any, municipality: Municipality) -> bool:
    return access.can(actor, "plan.manage") and (
        municipality.pk in access.administered_municipality_ids(actor)
    )


def can_record_attendance(actor: Any, meeting: Meeting) -> bool:
    """Committee meetings are kept by the ward administrator; other meetings by plan.record."""
    if meeting.body == MeetingBody.COMMITTEE:
        return can_manage(actor, meeting.municipality)
    return can_record_in(actor, meeting.municipality, meeting.district)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


# --- Committee ------------------------------------------------------------------------------


def add_committee_member(
    actor: Any,
    committee: Committee,
    *,
    name: str,
    term_start: datetime.date,
    term_end: datetime.date | None = None,
    name_kana: str = "",
    organisation: Organisation | None = None,
    organisation_name: str = "",
) -> CommitteeMember:
    _require(can_manage(actor, committee.municipality))
    if organisation is not None and organisation.municipality_id != committee.municipality_id:
        raise PermissionDenied
    if term_end is not None and term_end < term_start:
        raise ValidationError(_("The start date is after the end date."))
    with transaction.atomic():
        member = CommitteeMember.objects.create(
            committee=committee,
            name=name,
            name_kana=name_kana,
            organisation=organisation,
            organisation_name="" if organisation else organisation_name,
            term_start=term_start,
            term_end=term_end,
        )
        audit.record(
            actor,
            audit.Action.CREATE,
            obj=member,
            municipality=committee.municipality,
            details={"committee": committee.pk},
        )
    return member


def end_committee_term(
    actor: Any, member: CommitteeMember, *, term_end: datetime.date
) -> CommitteeMember:
    """A term ends rather than vanishes, so the committee's history stays."""
    municipality = member.committee.municipality
    _require(can_manage(actor, municipality))
    with transaction.atomic():
        member = CommitteeMember.objects.select_for_update().get(pk=member.pk)
        if term_end < member.term_start:
            raise ValidationError(_("A term cannot end before it starts."))
        if member.term_end is not None and term_end > member.term_end:
            raise ValidationError(_("A term can only be shortened, not extended."))
        previous = member.term_end
        member.term_end = term_end
        member.save(update_fields=["term_end"])
        audit.record(
            actor,
            audit.Action.UPDATE,
            obj=member,
            municipality=municipality,
            details={
                "term_end": term_end.isoformat(),
                "previous_term_end": previous.isoformat() if previous else None,
            },
        )
    return member


# --- Meetings -------------------------------------------------------------------------------


def create_meeting(
    actor: Any,
    municipality: Municipality,
    *,
    body: str,
    held_on: datetime.date,
    title: str,
    committee: Committee | None = None,
    district: District | None = None,
    place: str = "",
    agenda: str = "",
    minutes: str = "",
    decisions: str = "",
) -> Meeting:
    body = MeetingBody(body)
    if body == MeetingBody.COMMITTEE:
        _require(
            committee is not None
            and district is None
            and committee.municipality_id == municipality.pk
            and can_manage(actor, municipality)
        )
    else:
        _require(committee is None)
        if body in DISTRICT_BODIES and district is None:
            raise ValidationError(_("Choose the district whose meeting this is."))
        _require(can_record_in(actor, municipality, district))
    with transaction.atomic():
        meeting = Meeting.objects.create(
            municipality=municipality,
            body=body,
            committee=committee,
            district=district,
            held_on=held_on,
            title=title,
            place=place,
            agenda=agenda,
            minutes=minutes,
            decisions=decisions,
        )
        audit.record(actor, audit.Action.CREATE, obj=meeting, details={"body": str(body)})
    return meeting


def add_attendance(
    actor: Any, meeting: Meeting, *, name: str, organisation_name: str = ""
) -> MeetingAttendance:
    _require(can_record_attendance(actor, meeting))
    with transaction.atomic():
        row = MeetingAttendance.objects.create(
            meeting=meeting, name=name, organisation_name=organisation_name
        )
        audit.record(
            actor,
            audit.Action.CREATE,
            obj=row,
            municipality=meeting.municipality,
            details={"meeting": meeting.pk},
        )
    return row


# --- District plans -------------------------------------------------------------------------


def create_district_plan(
    actor: Any, district: District, period: PlanPeriod, *, title: str = ""
) -> DistrictPlan:
    _require(
        period.municipality_id == district.municipality_id
        and can_record_in(actor, period.municipality, district)
    )
    taken = ValidationError(_("This district already has a plan for this period."))
    with transaction.atomic():
        if DistrictPlan.objects.filter(district=district, period=period).exists():
            raise taken
        try:
            with transaction.atomic():
                plan = DistrictPlan.objects.create(district=district, period=period, title=title)
        except IntegrityError as exc:  # created concurrently
            raise taken from exc
        audit.record(
            actor,
            audit.Action.CREATE,
            obj=plan,
            municipality=district.municipality,
            details={"district": district.code, "period": period.number},
        )
    return plan


def add_plan_stage(
    actor: Any, plan: DistrictPlan, *, stage: str, started_on: datetime.date
) -> DistrictPlanStage:
    """A stage the plan reached from a date inside its period; one stage per date."""
    stage = PlanStage(stage)
    district = plan.district
    _require(can_record_in(actor, district.municipality, district))
    with transaction.atomic():
        # The lock makes the one-stage-per-date check hold under concurrent requests.
        plan = DistrictPlan.objects.select_for_update().select_related("period").get(pk=plan.pk)
        if not plan.period.fiscal_period.contains(started_on):
            raise ValidationError(_("The date is outside the plan period."))
        if plan.stages.filter(started_on=started_on).exists():
            raise ValidationError(_("A stage is already recorded from this date."))
        row = DistrictPlanStage.objects.create(plan=plan, stage=stage, started_on=started_on)
        audit.record(
            actor,
            audit.Action.CREATE,
            obj=row,
            municipality=district.municipality,
            details={"plan": plan.pk, "stage": str(stage), "started_on": started_on.isoformat()},
        )
    return row


def found_district_organisation(
    actor: Any, district: District, *, name: str, founded_on: datetime.date
) -> DistrictOrganisation:
    _require(can_record_in(actor, district.municipality, district))
    with transaction.atomic():
        District.objects.select_for_update().filter(pk=district.pk).first()  # serialise
        if DistrictOrganisation.objects.filter(district=district, name=name).exists():
            raise ValidationError(_("This district already has an organisation of this name."))
        organisation = DistrictOrganisation.objects.create(
            district=district, name=name, founded_on=founded_on
        )
        audit.record(
            actor,
            audit.Action.CREATE,
            obj=organisation,
            municipality=district.municipality,
            details={"district": district.code, "founded_on": founded_on.isoformat()},
        )
    return organisation


# --- Advisors and trainings -----------------------------------------------------------------


def add_advisor_consultation(
    actor: Any,
    municipality: Municipality,
    *,
    advisor_name: str,
    held_on: datetime.date,
    topic: str,
    district: District | None = None,
    advice: str = "",
) -> AdvisorConsultation:
    _require(can_record_in(actor, municipality, district))
    with transaction.atomic():
        consultation = AdvisorConsultation.objects.create(
            municipality=municipality,
            district=district,
            advisor_name=advisor_name,
            held_on=held_on,
            topic=topic,
            advice=advice,
        )
        audit.record(actor, audit.Action.CREATE, obj=consultation)
    return consultation


def add_staff_training(
    actor: Any,
    municipality: Municipality,
    *,
    held_on: datetime.date,
    title: str,
    organiser: str = "",
    participants: int = 0,
    notes: str = "",
) -> StaffTraining:
    _require(can_record_in(actor, municipality, None))
    if participants < 0:
        raise ValidationError(_("The number of participants cannot be negative."))
    with transaction.atomic():
        training = StaffTraining.objects.create(
            municipality=municipality,
            held_on=held_on,
            title=title,
            organiser=organiser,
            participants=participants,
            notes=notes,
        )
        audit.record(actor, audit.Action.CREATE, obj=training)
    return training
