"""Writes of the grants app.

Staff functions take the acting user first, check permission (PermissionDenied), keep records
consistent (ValidationError, keyed by form field where there is one), write inside a transaction
and record an audit event. The public application functions take no user: a group is identified
by the private resume link's token, whose SHA-256 alone is stored.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ainet.core import access, audit
from ainet.core.dates import today_tokyo
from ainet.core.models import District, Municipality, Organisation, OrganisationKind, User
from ainet.core.roles import Role
from ainet.grants import ledger
from ainet.grants.models import (
    AdvisorDispatch,
    Application,
    ApplicationStatus,
    Attachment,
    BudgetLine,
    ConflictOfInterest,
    Criterion,
    Decision,
    DecisionMeeting,
    Fund,
    FundedProject,
    LedgerEntry,
    Outcome,
    Payment,
    Programme,
    ProjectReport,
    ReportKind,
    Review,
    ReviewerAssignment,
    Round,
    Score,
)
from ainet.grants.uploads import MAX_FILES, CheckedFile
from ainet.plan.models import Pillar

MAX_BUDGET_LINES = 30
REVIEW_ROLES = frozenset(
    {
        Role.WARD_ADMIN,
        Role.WARD_STAFF,
        Role.SHAKYO_COORDINATOR,
        Role.CARE_PLAZA_STAFF,
        Role.COMMITTEE_MEMBER,
    }
)


# --- Permission ---------------------------------------------------------------------------


def _in_municipality(actor: Any, municipality_id: int) -> bool:
    return Municipality.objects.filter(
        access.municipality_q(actor, "pk"), pk=municipality_id
    ).exists()


def may_manage_programme(actor: Any, programme: Programme) -> bool:
    """Ward administrators manage every programme of their ward; ward staff those the ward
    office runs; 区社協 coordinators those 区社協 runs (such as the 善意銀行 grant)."""
    if not access.can(actor, "grants.manage"):
        return False
    if not _in_municipality(actor, programme.municipality_id):
        return False
    roles = access.roles_of(actor)
    if Role.WARD_ADMIN in roles:
        return True
    owner = programme.owner_organisation
    owner_kind = owner.kind if owner is not None else OrganisationKind.WARD_OFFICE
    if owner_kind == OrganisationKind.WARD_SHAKYO:
        return Role.SHAKYO_COORDINATOR in roles
    return Role.WARD_STAFF in roles


def _require_programme(actor: Any, programme: Programme) -> None:
    if not may_manage_programme(actor, programme):
        raise PermissionDenied


def _require_fund(actor: Any, fund: Fund) -> None:
    if not access.can(actor, "grants.fund") or not _in_municipality(actor, fund.municipality_id):
        raise PermissionDenied


def _require_project_staff(actor: Any, project: FundedProject) -> None:
    """Payments, reports and advisor dispatches: who manages the programme and sees the project."""
    _require_programme(actor, project.programme)
    if not FundedProject.objects.for_user(actor).filter(pk=project.pk).exists():
        raise PermissionDenied


# --- Programmes and rounds ----------------------------------------------------------------


def owner_organisations(municipality: Municipality) -> Any:
    return Organisation.objects.filter(
        municipality=municipality,
        kind__in=[OrganisationKind.WARD_OFFICE, OrganisationKind.WARD_SHAKYO],
    ).order_by("kind", "name")


def create_programme(
    actor: Any,
    municipality: Municipality,
    *,
    code: str,
    name: str,
    owner_organisation: Organisation,
    first_fy: int,
    name_en: str = "",
    purpose: str = "",
    eligibility: str = "",
    last_fy: int | None = None,
    fund: Fund | None = None,
) -> Programme:
    if owner_organisation.municipality_id != municipality.pk or owner_organisation.kind not in (
        OrganisationKind.WARD_OFFICE,
        OrganisationKind.WARD_SHAKYO,
    ):
        raise ValidationError(
            {"owner_organisation": _("Choose the ward office or the ward social welfare council.")}
        )
    programme = Programme(
        municipality=municipality,
        code=code,
        name=name,
        name_en=name_en,
        owner=owner_organisation.name,
        owner_organisation=owner_organisation,
        purpose=purpose,
        eligibility=eligibility,
        first_fy=first_fy,
        last_fy=last_fy,
        fund=fund,
    )
    _require_programme(actor, programme)
    _check_programme(programme)
    if Programme.objects.filter(municipality=municipality, code=code).exists():
        raise ValidationError({"code": _("Another programme already uses this code.")})
    with transaction.atomic():
        programme.save()
        audit.record(actor, audit.Action.CREATE, obj=programme, municipality=municipality)
    return programme


def _check_programme(programme: Programme) -> None:
    if programme.last_fy is not None and programme.last_fy < programme.first_fy:
        raise ValidationError(
            {"last_fy": _("The last fiscal year cannot come before the first one.")}
        )
    if programme.fund is not None and programme.fund.municipality_id != programme.municipality_id:
        raise ValidationError({"fund": _("This fund belongs to another municipality.")})


def update_programme(actor: Any, programme: Programme, **fields: Any) -> Programme:
    _require_programme(actor, programme)
    allowed = {"name", "name_en", "purpose", "eligibility", "first_fy", "last_fy", "fund"}
    for key, value in fields.items():
        if key not in allowed:
            raise ValueError(key)
        setattr(programme, key, value)
    _check_programme(programme)
    with transaction.atomic():
        programme.save()
        audit.record(
            actor,
            audit.Action.UPDATE,
            obj=programme,
            municipality=programme.municipality,
            details={"fields": sorted(fields)},
        )
    return programme


ROUND_FIELDS = (
    "title",
    "fiscal_year",
    "description",
    "eligibility",
    "opens_on",
    "closes_on",
    "decision_by",
    "min_amount_yen",
    "max_amount_yen",
    "budget_yen",
    "interim_report_due",
    "final_report_due",
    "is_published",
)


def _check_round(round_: Round) -> None:
    errors: dict[str, str] = {}
    if round_.closes_on < round_.opens_on:
        errors["closes_on"] = _("Applications cannot close before they open.")
    if round_.max_amount_yen < round_.min_amount_yen:
        errors["max_amount_yen"] = _("The largest grant cannot be smaller than the smallest.")
    if round_.max_amount_yen <= 0:
        errors["max_amount_yen"] = _("Enter the largest grant a group may ask for.")
    final, interim = round_.final_report_due, round_.interim_report_due
    if final and interim and final < interim:
        errors["final_report_due"] = _("The final report cannot be due before the interim one.")
    if errors:
        raise ValidationError(errors)


def create_round(actor: Any, programme: Programme, **fields: Any) -> Round:
    _require_programme(actor, programme)
    round_ = Round(programme=programme, **{k: v for k, v in fields.items() if k in ROUND_FIELDS})
    _check_round(round_)
    with transaction.atomic():
        round_.save()
        audit.record(actor, audit.Action.CREATE, obj=round_, municipality=programme.municipality)
    return round_


def update_round(actor: Any, round_: Round, **fields: Any) -> Round:
    _require_programme(actor, round_.programme)
    for key, value in fields.items():
        if key not in ROUND_FIELDS:
            raise ValueError(key)
        setattr(round_, key, value)
    _check_round(round_)
    with transaction.atomic():
        round_.save()
        audit.record(
            actor,
            audit.Action.UPDATE,
            obj=round_,
            municipality=round_.programme.municipality,
            details={"fields": sorted(fields)},
        )
    return round_


def add_criterion(
    actor: Any, round_: Round, *, title: str, description: str = "", max_score: int = 5
) -> Criterion:
    _require_programme(actor, round_.programme)
    if round_.reviews_exist():
        raise ValidationError(
            _("Reviewers have already scored this round; its criteria can no longer change.")
        )
    if not 1 <= max_score <= 100:
        raise ValidationError({"max_score": _("The highest score must be between 1 and 100.")})
    with transaction.atomic():
        number = round_.criteria.order_by("-number").values_list("number", flat=True).first() or 0
        criterion = Criterion.objects.create(
            round=round_,
            number=number + 1,
            title=title,
            description=description,
            max_score=max_score,
        )
        audit.record(
            actor, audit.Action.CREATE, obj=criterion, municipality=round_.programme.municipality
        )
    return criterion


def reviewer_candidates(round_: Round) -> Any:
    """Accounts that may review in the round's municipality (a reviewing role, active)."""
    today = today_tokyo()
    from ainet.core.models import RoleMembership

    ids = (
        RoleMembership.objects.filter(
            municipality_id=round_.programme.municipality_id, role__in=REVIEW_ROLES
        )
        .active_on(today)
        .values_list("user_id", flat=True)
    )
    return User.objects.filter(pk__in=ids, is_active=True).order_by("username")


def assign_reviewer(actor: Any, round_: Round, reviewer: User) -> ReviewerAssignment:
    _require_programme(actor, round_.programme)
    if not reviewer_candidates(round_).filter(pk=reviewer.pk).exists():
        raise ValidationError(
            {"reviewer": _("This account holds no reviewing role in this municipality.")}
        )
    if ReviewerAssignment.objects.filter(round=round_, reviewer=reviewer).exists():
        raise ValidationError({"reviewer": _("This reviewer is already assigned to the round.")})
    with transaction.atomic():
        assignment = ReviewerAssignment.objects.create(round=round_, reviewer=reviewer)
        audit.record(
            actor,
            audit.Action.CREATE,
            obj=assignment,
            municipality=round_.programme.municipality,
        )
    return assignment


# --- Public applications ------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetItem:
    item: str
    amount_yen: int


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def application_for_token(token: str) -> Application | None:
    if not token or len(token) > 100:
        return None
    return (
        Application.objects.select_related("round__programme__municipality", "district", "pillar")
        .filter(resume_token_hash=token_hash(token))
        .first()
    )


def _check_application(
    round_: Round,
    *,
    district: District | None,
    pillar: Pillar | None,
    requested_yen: int,
    lines: Sequence[BudgetItem],
    starts_on: datetime.date | None,
    ends_on: datetime.date | None,
) -> None:
    municipality_id = round_.programme.municipality_id
    errors: dict[str, Any] = {}
    if district is not None and district.municipality_id != municipality_id:
        errors["district"] = _("Choose a district of this ward.")
    if pillar is not None and pillar.period.municipality_id != municipality_id:
        errors["pillar"] = _("Choose a pillar of this ward's plan.")
    if requested_yen > round_.max_amount_yen:
        errors["requested_yen"] = _(
            "This round grants at most %(max)s yen; the request is %(requested)s yen."
        ) % {"max": f"{round_.max_amount_yen:,}", "requested": f"{requested_yen:,}"}
    elif requested_yen < max(round_.min_amount_yen, 1):
        errors["requested_yen"] = _("This round grants at least %(min)s yen.") % {
            "min": f"{max(round_.min_amount_yen, 1):,}"
        }
    if len(lines) > MAX_BUDGET_LINES:
        errors["__all__"] = _("A budget may have at most %(n)s lines.") % {"n": MAX_BUDGET_LINES}
    elif not lines:
        errors["__all__"] = _("Add at least one budget line.")
    else:
        total = sum(line.amount_yen for line in lines)
        if total != requested_yen:
            errors["__all__"] = _(
                "The budget lines add up to %(total)s yen, but the amount requested is "
                "%(requested)s yen. Make them equal; nothing was saved."
            ) % {"total": f"{total:,}", "requested": f"{requested_yen:,}"}
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = _("The project cannot end before it starts.")
    if errors:
        raise ValidationError(errors)


APPLICATION_FIELDS = (
    "group_name",
    "contact_name",
    "contact_email",
    "contact_phone",
    "district",
    "pillar",
    "title",
    "plan",
    "starts_on",
    "ends_on",
    "requested_yen",
)


def start_application(
    round_: Round, *, lines: Sequence[BudgetItem], **fields: Any
) -> tuple[Application, str]:
    """A new draft of an open round. Returns it and the private token of its resume link."""
    if not round_.is_open_on(today_tokyo()):
        raise ValidationError(_("This round is not open for applications."))
    data = {k: fields[k] for k in APPLICATION_FIELDS if k in fields}
    _check_application(
        round_,
        district=data.get("district"),
        pillar=data.get("pillar"),
        requested_yen=data["requested_yen"],
        lines=lines,
        starts_on=data.get("starts_on"),
        ends_on=data.get("ends_on"),
    )
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        application = Application.objects.create(
            round=round_, resume_token_hash=token_hash(token), **data
        )
        _replace_lines(application, lines)
        audit.record(
            None,
            audit.Action.CREATE,
            obj=application,
            municipality=round_.programme.municipality,
            actor_username="public application form",
        )
    return application, token


def _replace_lines(application: Application, lines: Sequence[BudgetItem]) -> None:
    application.budget_lines.all().delete()
    BudgetLine.objects.bulk_create(
        BudgetLine(application=application, position=i, item=line.item, amount_yen=line.amount_yen)
        for i, line in enumerate(lines, start=1)
    )


def _require_draft(application: Application) -> None:
    if application.status != ApplicationStatus.DRAFT:
        raise ValidationError(_("This application has been submitted and can no longer change."))
    if not application.round.is_open_on(today_tokyo()):
        raise ValidationError(_("The round has closed; this draft can no longer be submitted."))


def save_application(
    application: Application, *, lines: Sequence[BudgetItem], submit: bool = False, **fields: Any
) -> Application:
    """Save the draft (and submit it if `submit`): all checks pass or nothing is saved."""
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        _require_draft(application)
        data = {k: fields[k] for k in APPLICATION_FIELDS if k in fields}
        _check_application(
            application.round,
            district=data.get("district"),
            pillar=data.get("pillar"),
            requested_yen=data["requested_yen"],
            lines=lines,
            starts_on=data.get("starts_on"),
            ends_on=data.get("ends_on"),
        )
        for key, value in data.items():
            setattr(application, key, value)
        application.updated_at = timezone.now()
        if submit:
            if application.district is None:
                raise ValidationError({"district": _("Choose the district the project serves.")})
            application.status = ApplicationStatus.SUBMITTED
            application.submitted_at = application.updated_at
        application.save()
        _replace_lines(application, lines)
        audit.record(
            None,
            audit.Action.UPDATE,
            obj=application,
            municipality=application.round.programme.municipality,
            actor_username="public application form",
            details={"submitted": submit},
        )
    return application


def add_attachment(application: Application, checked: CheckedFile) -> Attachment:
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        _require_draft(application)
        if application.attachments.count() >= MAX_FILES:
            raise ValidationError(
                {"file": _("An application may have at most %(n)s files.") % {"n": MAX_FILES}}
            )
        attachment = Attachment.objects.create(
            application=application,
            filename=checked.filename,
            content_type=checked.content_type,
            size=len(checked.data),
            sha256=checked.sha256,
            data=checked.data,
        )
        audit.record(
            None,
            audit.Action.CREATE,
            obj=attachment,
            municipality=application.round.programme.municipality,
            actor_username="public application form",
            details={"application": application.pk, "bytes": attachment.size},
        )
    return attachment


def remove_attachment(application: Application, attachment: Attachment) -> None:
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        _require_draft(application)
        if attachment.application_id != application.pk:
            raise PermissionDenied
        audit.record(
            None,
            audit.Action.UPDATE,
            obj=application,
            municipality=application.round.programme.municipality,
            actor_username="public application form",
            details={"attachment_removed": attachment.filename},
        )
        attachment.delete()


# --- Review -------------------------------------------------------------------------------


def _require_reviewer(actor: Any, application: Application) -> None:
    """404-shaped: an application outside the reviewer's rounds, or one they declared a
    conflict on, does not exist for them (the views turn this into Http404)."""
    if not Application.objects.for_reviewer(actor).filter(pk=application.pk).exists():
        raise Application.DoesNotExist


def declare_conflict(actor: Any, application: Application, *, reason: str) -> ConflictOfInterest:
    _require_reviewer(actor, application)
    if not reason.strip():
        raise ValidationError({"reason": _("Say briefly what the conflict of interest is.")})
    with transaction.atomic():
        conflict = ConflictOfInterest.objects.create(
            application=application, reviewer=actor, reason=reason.strip()
        )
        audit.record(
            actor,
            audit.Action.CREATE,
            obj=conflict,
            municipality=application.round.programme.municipality,
        )
    return conflict


def score_application(
    actor: Any, application: Application, *, scores: Mapping[int, int], comment: str = ""
) -> Review:
    """Score every criterion of the round (criterion id → score); a second call replaces."""
    _require_reviewer(actor, application)
    if application.status != ApplicationStatus.SUBMITTED:
        raise ValidationError(_("This application has been decided; scores can no longer change."))
    criteria = list(application.round.criteria.all())
    if not criteria:
        raise ValidationError(_("The round has no review criteria yet."))
    errors: dict[str, str] = {}
    for criterion in criteria:
        value = scores.get(criterion.pk)
        if value is None:
            errors[f"criterion_{criterion.pk}"] = _("Score this criterion.")
        elif not 0 <= value <= criterion.max_score:
            errors[f"criterion_{criterion.pk}"] = _("Enter a score from 0 to %(max)s.") % {
                "max": criterion.max_score
            }
    if set(scores) - {c.pk for c in criteria}:
        errors["__all__"] = _("A score was given for a criterion of another round.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        review, _created = Review.objects.update_or_create(
            application=application,
            reviewer=actor,
            defaults={"comment": comment, "submitted_at": timezone.now()},
        )
        review.scores.all().delete()
        Score.objects.bulk_create(
            Score(review=review, criterion=c, score=scores[c.pk]) for c in criteria
        )
        audit.record(
            actor,
            audit.Action.UPDATE if not _created else audit.Action.CREATE,
            obj=review,
            municipality=application.round.programme.municipality,
        )
    return review


@dataclass(frozen=True)
class Ranking:
    application: Application
    reviews: int
    total: float | None  # mean of the reviewers' totals


def rankings(applications: Iterable[Application]) -> list[Ranking]:
    """Mean total score per application, counting no review by a reviewer who declared a
    conflict on it."""
    result = []
    for application in applications:
        conflicted = set(application.conflicts.values_list("reviewer_id", flat=True))
        totals = [
            sum(s.score for s in review.scores.all())
            for review in application.reviews.prefetch_related("scores")
            if review.reviewer_id not in conflicted
        ]
        mean = round(sum(totals) / len(totals), 2) if totals else None
        result.append(Ranking(application, len(totals), mean))
    return sorted(result, key=lambda r: (r.total is None, -(r.total or 0), r.application.pk))


# --- Decisions ----------------------------------------------------------------------------


def create_meeting(
    actor: Any,
    round_: Round,
    *,
    held_on: datetime.date,
    title: str,
    members: str = "",
    notes: str = "",
) -> DecisionMeeting:
    _require_programme(actor, round_.programme)
    with transaction.atomic():
        meeting = DecisionMeeting.objects.create(
            round=round_, held_on=held_on, title=title, members=members, notes=notes
        )
        audit.record(
            actor, audit.Action.CREATE, obj=meeting, municipality=round_.programme.municipality
        )
    return meeting


def record_decision(
    actor: Any,
    meeting: DecisionMeeting,
    application: Application,
    *,
    outcome: str,
    reason: str,
    amount_yen: int = 0,
) -> Decision:
    """Award or reject; an award becomes the funded project the outcome table counts."""
    round_ = meeting.round
    _require_programme(actor, round_.programme)
    if not Application.objects.for_user(actor).filter(pk=application.pk).exists():
        raise PermissionDenied
    errors: dict[str, str] = {}
    if application.round_id != round_.pk:
        errors["__all__"] = _("This application belongs to another round.")
    if outcome not in Outcome.values:
        errors["outcome"] = _("Choose award or do not award.")
    if not reason.strip():
        errors["reason"] = _("Record the reason for the decision; it goes into the letter.")
    if outcome == Outcome.AWARD:
        if amount_yen <= 0:
            errors["amount_yen"] = _("Enter the amount awarded.")
        elif amount_yen > application.requested_yen:
            errors["amount_yen"] = _(
                "The award (%(amount)s yen) cannot exceed the amount requested (%(requested)s yen)."
            ) % {"amount": f"{amount_yen:,}", "requested": f"{application.requested_yen:,}"}
    else:
        amount_yen = 0
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if application.status != ApplicationStatus.SUBMITTED:
            raise ValidationError(_("This application has already been decided."))
        decision = Decision.objects.create(
            application=application,
            meeting=meeting,
            outcome=outcome,
            amount_yen=amount_yen,
            reason=reason.strip(),
            decided_by=actor,
        )
        application.status = (
            ApplicationStatus.AWARDED if outcome == Outcome.AWARD else ApplicationStatus.REJECTED
        )
        application.save(update_fields=["status"])
        if outcome == Outcome.AWARD:
            FundedProject.objects.create(
                programme=round_.programme,
                application=application,
                title=application.title,
                applicant=application.group_name,
                district=application.district,
                pillar=application.pillar,
                started_on=application.starts_on or meeting.held_on,
                amount_yen=amount_yen,
                interim_report_due=round_.interim_report_due,
                final_report_due=round_.final_report_due,
            )
        audit.record(
            actor,
            audit.Action.CREATE,
            obj=decision,
            municipality=round_.programme.municipality,
            details={"outcome": outcome, "amount_yen": amount_yen},
        )
    return decision


# --- Payments, reports, advisors ----------------------------------------------------------


def paid_total(project: FundedProject) -> int:
    """Instalments paid, leaving out those whose ledger entry was reversed."""
    total = (
        Payment.objects.filter(project=project)
        .exclude(entry__reversal__isnull=False)
        .aggregate(n=Sum("amount_yen"))["n"]
    )
    return int(total or 0)


def record_payment(
    actor: Any, project: FundedProject, *, amount_yen: int, paid_on: datetime.date
) -> Payment:
    _require_project_staff(actor, project)
    if amount_yen <= 0:
        raise ValidationError({"amount_yen": _("Enter an amount of at least 1 yen.")})
    with transaction.atomic():
        project = FundedProject.objects.select_for_update().get(pk=project.pk)
        already = paid_total(project)
        if already + amount_yen > project.amount_yen:
            raise ValidationError(
                {
                    "amount_yen": _(
                        "The award is %(award)s yen and %(paid)s yen has been paid; at most "
                        "%(left)s yen can still be paid."
                    )
                    % {
                        "award": f"{project.amount_yen:,}",
                        "paid": f"{already:,}",
                        "left": f"{project.amount_yen - already:,}",
                    }
                }
            )
        number = project.payments.order_by("-number").values_list("number", flat=True).first() or 0
        entry: LedgerEntry | None = None
        fund = project.programme.fund
        if fund is not None:
            with translation.override(ledger.RECORD_LANGUAGE):
                description = _("Grant to %(group)s: %(title)s (instalment %(n)s)") % {
                    "group": project.applicant,
                    "title": project.title,
                    "n": number + 1,
                }
            entry = ledger.post_grant_payment(
                fund, actor, amount_yen=amount_yen, paid_on=paid_on, description=description
            )
        payment = Payment.objects.create(
            project=project,
            number=number + 1,
            amount_yen=amount_yen,
            paid_on=paid_on,
            entry=entry,
            recorded_by=actor,
        )
        audit.record(
            actor,
            audit.Action.CREATE,
            obj=payment,
            municipality=project.programme.municipality,
            details={"amount_yen": amount_yen},
        )
    return payment


def record_report(
    actor: Any,
    project: FundedProject,
    *,
    kind: str,
    received_on: datetime.date,
    summary: str,
    spent_yen: int = 0,
    receipts: Sequence[CheckedFile] = (),
) -> ProjectReport:
    _require_project_staff(actor, project)
    if kind not in ReportKind.values:
        raise ValidationError({"kind": _("Choose the interim or the final report.")})
    if ProjectReport.objects.filter(project=project, kind=kind).exists():
        raise ValidationError({"kind": _("This report has already been received.")})
    if len(receipts) > MAX_FILES:
        raise ValidationError({"receipts": _("Attach at most %(n)s files.") % {"n": MAX_FILES}})
    with transaction.atomic():
        report = ProjectReport.objects.create(
            project=project,
            kind=kind,
            received_on=received_on,
            summary=summary,
            spent_yen=spent_yen,
            recorded_by=actor,
        )
        Attachment.objects.bulk_create(
            Attachment(
                report=report,
                filename=r.filename,
                content_type=r.content_type,
                size=len(r.data),
                sha256=r.sha256,
                data=r.data,
            )
            for r in receipts
        )
        audit.record(
            actor,
            audit.Action.CREATE,
            obj=report,
            municipality=project.programme.municipality,
            details={"receipts": len(receipts)},
        )
    return report


def record_dispatch(
    actor: Any,
    project: FundedProject,
    *,
    advisor: str,
    visited_on: datetime.date,
    topic: str,
    hours: Any = 1,
) -> AdvisorDispatch:
    _require_project_staff(actor, project)
    with transaction.atomic():
        dispatch = AdvisorDispatch.objects.create(
            project=project,
            advisor=advisor,
            visited_on=visited_on,
            topic=topic,
            hours=hours,
            recorded_by=actor,
        )
        audit.record(
            actor, audit.Action.CREATE, obj=dispatch, municipality=project.programme.municipality
        )
    return dispatch


@dataclass(frozen=True)
class ProjectState:
    project: FundedProject
    paid: int
    interim_overdue: bool
    final_overdue: bool

    @property
    def overdue(self) -> bool:
        return self.interim_overdue or self.final_overdue


def project_states(projects: Iterable[FundedProject], today: datetime.date) -> list[ProjectState]:
    """Paid amounts and overdue reports (a due date passed with no report of that kind)."""
    states = []
    for project in projects:
        kinds = {r.kind for r in project.reports.all()}
        paid = sum(
            p.amount_yen
            for p in project.payments.all()
            if not (p.entry is not None and hasattr(p.entry, "reversal"))
        )
        interim = bool(
            project.interim_report_due
            and project.interim_report_due < today
            and ReportKind.INTERIM not in kinds
            and ReportKind.FINAL not in kinds
        )
        final = bool(
            project.final_report_due
            and project.final_report_due < today
            and ReportKind.FINAL not in kinds
        )
        states.append(ProjectState(project, paid, interim, final))
    return states


# --- The donation fund --------------------------------------------------------------------


def create_fund(
    actor: Any,
    municipality: Municipality,
    *,
    code: str,
    name: str,
    owner_organisation: Organisation | None = None,
    allow_overdraft: bool = False,
) -> Fund:
    fund = Fund(
        municipality=municipality,
        code=code,
        name=name,
        owner_organisation=owner_organisation,
        allow_overdraft=allow_overdraft,
    )
    _require_fund(actor, fund)
    if Fund.objects.filter(municipality=municipality, code=code).exists():
        raise ValidationError({"code": _("Another fund already uses this code.")})
    with transaction.atomic():
        fund.save()
        audit.record(actor, audit.Action.CREATE, obj=fund, municipality=municipality)
    return fund


def record_donation(
    actor: Any,
    fund: Fund,
    *,
    amount_yen: int,
    received_on: datetime.date,
    donor_name: str = "",
    is_anonymous: bool = False,
    earmark: str = "",
) -> LedgerEntry:
    _require_fund(actor, fund)
    with transaction.atomic():
        entry = ledger.post_donation(
            fund,
            actor,
            amount_yen=amount_yen,
            received_on=received_on,
            donor_name=donor_name,
            is_anonymous=is_anonymous,
            earmark=earmark,
        )
        audit.record(
            actor,
            audit.Action.CREATE,
            obj=entry,
            municipality=fund.municipality,
            details={"amount_yen": amount_yen, "kind": entry.kind},
        )
    return entry


def reverse_entry(
    actor: Any, entry: LedgerEntry, *, reason: str, on: datetime.date | None = None
) -> LedgerEntry:
    _require_fund(actor, entry.fund)
    with transaction.atomic():
        reversal = ledger.reverse(entry, actor, reason=reason, on=on)
        audit.record(
            actor,
            audit.Action.CREATE,
            obj=reversal,
            municipality=entry.fund.municipality,
            reason=reason,
            details={"reverses": entry.number},
        )
    return reversal


def application_states_for_round(round_: Round) -> dict[str, int]:
    counts: dict[str, int] = {}
    for status in round_.applications.values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return counts
