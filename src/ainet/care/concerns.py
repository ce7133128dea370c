"""Concern reports (見守り協定): filing, routing, deadlines, escalation and the closed loop.

A partner company, a resident (anonymous, through the public form or the API) or staff file a
report of a warning sign. It is routed to the district support team of the town block it names
(no town block: the ward administrators' queue), must be acknowledged by `acknowledge_by` and
acted on by `act_by` (both set from the urgency), escalates to the ward administrators when a
deadline passes, and closes only with a recorded outcome (the database refuses otherwise too).

Every write here is a service: acting user first, permission check, one transaction, an audit
event. Views, the API and the `ainet concerns escalate` command are thin callers.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from ainet.care.models import (
    ConcernAction,
    ConcernReport,
    Person,
    ReporterKind,
    ReportStatus,
    Urgency,
)
from ainet.core import access, audit
from ainet.core.models import AuditEvent, Municipality, RoleMembership, Town
from ainet.core.roles import DISTRICT_STAFF_ROLES, Role

# How long the district team has to acknowledge a report, and to act on it. Calendar hours:
# an urgent report filed on a Saturday is still due the same day (danger to life itself goes
# to 119/110, never through ainet).
ACKNOWLEDGE_WITHIN: dict[str, datetime.timedelta] = {
    Urgency.URGENT: datetime.timedelta(hours=2),
    Urgency.SOON: datetime.timedelta(hours=24),
    Urgency.NORMAL: datetime.timedelta(days=3),
}
ACT_WITHIN: dict[str, datetime.timedelta] = {
    Urgency.URGENT: datetime.timedelta(hours=12),
    Urgency.SOON: datetime.timedelta(days=3),
    Urgency.NORMAL: datetime.timedelta(days=14),
}
OPEN_STATUSES = (ReportStatus.RECEIVED, ReportStatus.ACKNOWLEDGED, ReportStatus.ACTING)

MAX_NOTICED = 4000
MAX_WHERE = 300
MAX_NOTE = 4000
KEY_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:")

# Audit actions of this module (the audit log's action column is free text).
FILED = "concern.filed"
ACKNOWLEDGED = "concern.acknowledged"
ACTED = "concern.action"
LINKED = "concern.person_linked"
CLOSED = "concern.closed"
ESCALATED = "concern.escalated"
PUBLIC_REFUSED = "concern.public_refused"

UNKNOWN_TOWN = _("There is no town block of that name in this ward.")


def public_per_hour() -> int:
    """Anonymous filings (public form and API) allowed per client address and hour."""
    limit: int = getattr(settings, "AINET_PUBLIC_CONCERNS_PER_HOUR", 5)
    return limit


def bilingual(message: Any) -> str:
    """A message in Japanese and English, "…。 / …." (API answers and command output)."""
    with translation.override("ja"):
        ja = str(message)
    with translation.override("en"):
        en = str(message)
    return ja if ja == en else f"{ja} / {en}"


def bilingual_errors(exc: ValidationError) -> dict[str, list[str]]:
    """A ValidationError's messages by field, each in Japanese and English."""
    by_field = exc.error_dict if hasattr(exc, "error_dict") else {"__all__": exc.error_list}
    result: dict[str, list[str]] = {}
    for name, errors in by_field.items():
        for error in errors:
            for inner in error.error_list:
                message = inner.message
                text = bilingual(message)
                if inner.params:
                    text = text % inner.params
                result.setdefault(name, []).append(text)
    return result


class IdempotencyConflict(Exception):
    """The key was used before for a report with different content (the API answers 409)."""

    def __init__(self, report: ConcernReport) -> None:
        super().__init__("idempotency key reused with different content")
        self.report = report


class RateLimited(Exception):
    """Too many anonymous reports from one address in the last hour."""


@dataclass(frozen=True)
class ConcernInput:
    noticed: str
    where: str
    urgency: str
    town: Town | None = None
    reporter_name: str = ""
    reporter_contact: str = ""


@dataclass(frozen=True)
class Filed:
    report: ConcernReport
    created: bool


# --- Who files, and where it goes --------------------------------------------------------


def reporter_kind_of(actor: Any) -> str:
    roles = access.roles_of(actor)
    if not roles:
        return ReporterKind.RESIDENT
    if roles & DISTRICT_STAFF_ROLES:
        return ReporterKind.STAFF
    if Role.PARTNER_COMPANY in roles:
        return ReporterKind.PARTNER_COMPANY
    return ReporterKind.OTHER


def _reporter_organisation_id(actor: Any, municipality: Municipality) -> int | None:
    membership = (
        RoleMembership.objects.filter(
            user_id=actor.pk, municipality=municipality, role=Role.PARTNER_COMPANY
        )
        .exclude(organisation__isnull=True)
        .first()
    )
    return membership.organisation_id if membership else None


def deadlines(urgency: str, received_at: datetime.datetime) -> tuple[Any, Any]:
    return received_at + ACKNOWLEDGE_WITHIN[urgency], received_at + ACT_WITHIN[urgency]


def _fingerprint(values: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()


def _content(report_or_input: Any, town_id: int | None, reporter_user_id: int | None) -> str:
    return _fingerprint(
        {
            "noticed": report_or_input.noticed.strip(),
            "where": report_or_input.where.strip(),
            "urgency": report_or_input.urgency,
            "town": town_id,
            "reporter_name": report_or_input.reporter_name.strip(),
            "reporter_contact": report_or_input.reporter_contact.strip(),
            "reporter_user": reporter_user_id,
        }
    )


def validate(data: ConcernInput, municipality: Municipality, idempotency_key: str = "") -> None:
    """Every problem at once, as a ValidationError keyed by field (nothing is saved)."""
    errors: dict[str, list[Any]] = {}
    if not data.noticed.strip():
        errors.setdefault("noticed", []).append(_("Please describe what you noticed."))
    elif len(data.noticed) > MAX_NOTICED:
        errors.setdefault("noticed", []).append(
            ValidationError(
                _("Please keep the description under %(max)d characters."),
                params={"max": MAX_NOTICED},
            )
        )
    if not data.where.strip():
        errors.setdefault("where", []).append(
            _("Please say where: an address, a building or a landmark.")
        )
    elif len(data.where) > MAX_WHERE:
        errors.setdefault("where", []).append(
            ValidationError(
                _("Please keep the place under %(max)d characters."), params={"max": MAX_WHERE}
            )
        )
    if data.urgency not in Urgency.values:
        errors.setdefault("urgency", []).append(_("Please choose how urgent it is."))
    if data.town is not None and data.town.municipality_id != municipality.pk:
        errors.setdefault("town", []).append(_("This town block is not in this ward."))
    if len(data.reporter_name) > 100:
        errors.setdefault("reporter_name", []).append(_("The name is too long."))
    if len(data.reporter_contact) > 200:
        errors.setdefault("reporter_contact", []).append(_("The contact is too long."))
    if idempotency_key and (len(idempotency_key) > 64 or set(idempotency_key) - KEY_CHARS):
        errors.setdefault("idempotency_key", []).append(
            _("The idempotency key must be 1 to 64 letters, digits or - _ . :")
        )
    if errors:
        raise ValidationError(errors)


def public_limit_reached(ip: str | None, now: datetime.datetime | None = None) -> bool:
    """Anonymous filings from this address in the last hour, counted in the audit log (so
    the limit holds across processes and restarts)."""
    if not ip:
        return False
    now = now or timezone.now()
    recent = AuditEvent.objects.filter(
        action=FILED,
        actor__isnull=True,
        ip_address=ip,
        at__gte=now - datetime.timedelta(hours=1),
    )
    return recent.count() >= public_per_hour()


def file_concern(
    actor: Any,
    municipality: Municipality,
    data: ConcernInput,
    *,
    idempotency_key: str = "",
    request: Any = None,
    now: datetime.datetime | None = None,
) -> Filed:
    """File a report. `actor` None or anonymous: a resident (rate limited per address).
    With a key already used: the same content returns the stored report (created False),
    different content raises IdempotencyConflict."""
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    if is_user and not access.can(actor, "care.file_concern"):
        raise PermissionDenied
    validate(data, municipality, idempotency_key)
    reporter_user_id = actor.pk if is_user else None
    town_id = data.town.pk if data.town is not None else None
    content = _content(data, town_id, reporter_user_id)

    if idempotency_key:
        existing = ConcernReport.objects.filter(
            municipality=municipality, idempotency_key=idempotency_key
        ).first()
        if existing is not None:
            return _replay(existing, content)
    ip = audit.client_ip(request)
    if not is_user and public_limit_reached(ip, now):
        audit.record(
            None,
            PUBLIC_REFUSED,
            municipality=municipality,
            request=request,
            actor_username="public",
            reason="rate limit",
        )
        raise RateLimited

    received_at = now or timezone.now()
    acknowledge_by, act_by = deadlines(data.urgency, received_at)
    report = ConcernReport(
        municipality=municipality,
        reporter_kind=reporter_kind_of(actor) if is_user else ReporterKind.RESIDENT,
        reporter_organisation_id=_reporter_organisation_id(actor, municipality)
        if is_user
        else None,
        reporter_user_id=reporter_user_id,
        reporter_name=data.reporter_name.strip(),
        reporter_contact=data.reporter_contact.strip(),
        noticed=data.noticed.strip(),
        where=data.where.strip(),
        town=data.town,
        district_id=data.town.district_id if data.town is not None else None,
        urgency=data.urgency,
        received_at=received_at,
        acknowledge_by=acknowledge_by,
        act_by=act_by,
        idempotency_key=idempotency_key,
    )
    try:
        with transaction.atomic():
            report.save()
            audit.record(
                actor if is_user else None,
                FILED,
                obj=report,
                request=request,
                actor_username="" if is_user else "public",
                details={
                    "urgency": report.urgency,
                    "reporter_kind": report.reporter_kind,
                    "district_id": report.district_id,
                    "content": content,
                },
            )
    except IntegrityError:
        # Two deliveries of the same key at once: the other one stored it first.
        if not idempotency_key:
            raise
        existing = ConcernReport.objects.get(
            municipality=municipality, idempotency_key=idempotency_key
        )
        return _replay(existing, content)
    return Filed(report, created=True)


def _replay(existing: ConcernReport, content: str) -> Filed:
    stored = _content(existing, existing.town_id, existing.reporter_user_id)
    if stored != content:
        raise IdempotencyConflict(existing)
    return Filed(existing, created=False)


# --- The district team's work ------------------------------------------------------------


def handled_reports(user: Any) -> QuerySet[ConcernReport]:
    """The reports the user works on as a district team member: their districts', and for
    ward administrators also the unrouted ones. (A reporter sees their own reports through
    `ConcernReport.objects.for_user` too, but handles only these.)"""
    if not access.can(user, "care.handle_concerns"):
        return ConcernReport.objects.none()
    administered = sorted(access.administered_municipality_ids(user))
    return ConcernReport.objects.for_user(user).filter(
        access.district_q(user, "district_id")
        | Q(district__isnull=True, municipality_id__in=administered)
    )


def handles(user: Any, report: ConcernReport) -> bool:
    return handled_reports(user).filter(pk=report.pk).exists()


def _handled_report(actor: Any, report: ConcernReport, *, lock: bool = True) -> ConcernReport:
    """The report reloaded (locked) if the actor handles concerns and handles this one; else
    PermissionDenied (no capability) or DoesNotExist (not theirs: a 404)."""
    if not access.can(actor, "care.handle_concerns"):
        raise PermissionDenied
    queryset = handled_reports(actor)
    if lock:
        queryset = queryset.select_for_update()
    return queryset.get(pk=report.pk)


def _refuse_closed(report: ConcernReport) -> None:
    if report.status == ReportStatus.CLOSED:
        raise ValidationError(_("This report is closed; it cannot be changed."))


def acknowledge(actor: Any, report: ConcernReport, *, request: Any = None) -> ConcernReport:
    with transaction.atomic():
        report = _handled_report(actor, report)
        _refuse_closed(report)
        if report.acknowledged_at is None:
            report.acknowledged_at = timezone.now()
            report.acknowledged_by = actor
            if report.status == ReportStatus.RECEIVED:
                report.status = ReportStatus.ACKNOWLEDGED
            report.save(update_fields=["acknowledged_at", "acknowledged_by", "status"])
            audit.record(actor, ACKNOWLEDGED, obj=report, request=request)
    return report


def add_action(
    actor: Any, report: ConcernReport, note: str, *, request: Any = None
) -> ConcernAction:
    """Record something done (a visit, a call, a referral). Acting implies acknowledging."""
    note = note.strip()
    if not note:
        raise ValidationError({"note": [_("Please describe what was done.")]})
    if len(note) > MAX_NOTE:
        raise ValidationError(
            {"note": [_("Please keep the note under %(max)d characters.") % {"max": MAX_NOTE}]}
        )
    with transaction.atomic():
        report = _handled_report(actor, report)
        _refuse_closed(report)
        now = timezone.now()
        action = ConcernAction.objects.create(report=report, at=now, by=actor, note=note)
        fields = ["status"]
        if report.acknowledged_at is None:
            report.acknowledged_at, report.acknowledged_by = now, actor
            fields += ["acknowledged_at", "acknowledged_by"]
        report.status = ReportStatus.ACTING
        report.save(update_fields=fields)
        audit.record(actor, ACTED, obj=report, request=request, details={"action": action.pk})
    return action


def link_person(
    actor: Any, report: ConcernReport, person: Person, *, request: Any = None
) -> ConcernReport:
    """Link the report to the person it is about: only a person the actor may see."""
    with transaction.atomic():
        report = _handled_report(actor, report)
        _refuse_closed(report)
        visible = Person.objects.for_user(actor).filter(
            pk=person.pk, municipality_id=report.municipality_id
        )
        if not visible.exists():
            raise Person.DoesNotExist
        report.person = person
        report.save(update_fields=["person"])
        audit.record(actor, LINKED, obj=report, request=request, details={"person": person.pk})
    return report


def close(actor: Any, report: ConcernReport, outcome: str, *, request: Any = None) -> ConcernReport:
    """Close with the recorded outcome; refused without one (and by the database)."""
    outcome = outcome.strip()
    if not outcome:
        raise ValidationError({"outcome": [_("A report closes only with a recorded outcome.")]})
    if len(outcome) > MAX_NOTE:
        raise ValidationError(
            {
                "outcome": [
                    _("Please keep the outcome under %(max)d characters.") % {"max": MAX_NOTE}
                ]
            }
        )
    with transaction.atomic():
        report = _handled_report(actor, report)
        _refuse_closed(report)
        now = timezone.now()
        if report.acknowledged_at is None:
            report.acknowledged_at, report.acknowledged_by = now, actor
        report.outcome = outcome
        report.status = ReportStatus.CLOSED
        report.closed_at, report.closed_by = now, actor
        report.save(
            update_fields=[
                "acknowledged_at",
                "acknowledged_by",
                "outcome",
                "status",
                "closed_at",
                "closed_by",
            ]
        )
        audit.record(actor, CLOSED, obj=report, request=request)
    return report


# --- Deadlines and escalation --------------------------------------------------------------


def overdue_q(now: datetime.datetime) -> Q:
    """Open reports past a deadline: not acknowledged in time, or not acted on in time."""
    return Q(status=ReportStatus.RECEIVED, acknowledge_by__lt=now) | Q(
        status__in=[ReportStatus.RECEIVED, ReportStatus.ACKNOWLEDGED], act_by__lt=now
    )


def with_overdue(queryset: QuerySet[ConcernReport], now: datetime.datetime) -> Any:
    return queryset.annotate(
        is_overdue=Case(
            When(overdue_q(now), then=Value(1)), default=Value(0), output_field=IntegerField()
        )
    )


def escalate_overdue(
    now: datetime.datetime | None = None, *, municipality_ids: Any = None
) -> list[ConcernReport]:
    """Mark every overdue, not yet escalated report as escalated (it then shows on the ward
    administrators' queue) and audit each once. Safe to run from cron and from every queue
    load at the same time: the conditional update lets exactly one caller escalate a report."""
    now = now or timezone.now()
    candidates = ConcernReport.objects.filter(overdue_q(now), escalated_at__isnull=True)
    if municipality_ids is not None:
        candidates = candidates.filter(municipality_id__in=list(municipality_ids))
    escalated: list[ConcernReport] = []
    for report in candidates.order_by("acknowledge_by", "pk"):
        with transaction.atomic():
            won = ConcernReport.objects.filter(pk=report.pk, escalated_at__isnull=True).update(
                escalated_at=now
            )
            if not won:
                continue
            report.escalated_at = now
            late = (
                "acknowledge"
                if report.status == ReportStatus.RECEIVED and report.acknowledge_by < now
                else "act"
            )
            audit.record(
                None,
                ESCALATED,
                obj=report,
                actor_username="ainet concerns escalate",
                details={"missed": late, "district_id": report.district_id},
            )
        escalated.append(report)
    return escalated
