"""Grants: programmes and their rounds (公募), applications from groups with budget lines and
attachments, reviews against the round's criteria with conflicts of interest, decision meetings,
funded projects with instalments, reports and advisor dispatches, and the donation fund
(鶴見ふれあい善意銀行) kept as a double-entry ledger whose posted entries never change.

A funded project (`FundedProject`) is the award: projects recorded before ainet (the demo
history) have no application; an award made in ainet creates one with its application.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ainet.core.models import District, Municipality, Organisation, User
from ainet.plan.models import Pillar

# --- Programmes and rounds ----------------------------------------------------------------


class ProgrammeQuerySet(models.QuerySet["Programme"]):
    def for_user(self, user: Any) -> ProgrammeQuerySet:
        from ainet.core import access

        if not access.can(user, "grants.view"):
            return self.none()
        return self.filter(access.municipality_q(user))


class Programme(models.Model):
    """e.g. スタートダッシュ事業, つるみ・地域元気づくり事業, 共助のための防災活動支援事業,
    鶴見ふれあい善意銀行の助成."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    # The owner's name as written (kept from the first model); `owner_organisation` links it.
    owner = models.CharField(_("run by"), max_length=200)
    owner_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner organisation"),
    )
    purpose = models.TextField(_("purpose"), blank=True)
    eligibility = models.TextField(_("who may apply"), blank=True)
    first_fy = models.PositiveSmallIntegerField(_("first fiscal year"))
    last_fy = models.PositiveSmallIntegerField(_("last fiscal year"), null=True, blank=True)
    # Grants of this programme are paid from this fund's ledger (善意銀行); none: ward budget.
    fund = models.ForeignKey(
        "Fund",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programmes",
        verbose_name=_("paid from fund"),
    )

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["municipality", "first_fy", "code"]
        verbose_name = _("grant programme")
        verbose_name_plural = _("grant programmes")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "code"], name="programme_code_unique")
        ]

    def __str__(self) -> str:
        return self.name


class RoundQuerySet(models.QuerySet["Round"]):
    def for_user(self, user: Any) -> RoundQuerySet:
        from ainet.core import access

        if not access.can(user, "grants.view"):
            return self.none()
        return self.filter(access.municipality_q(user, "programme__municipality_id"))

    def open_on(self, day: datetime.date) -> RoundQuerySet:
        return self.filter(is_published=True, opens_on__lte=day, closes_on__gte=day)


class Round(models.Model):
    """One call for applications (公募) of a programme, e.g. 令和8年度 第1回."""

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="rounds", verbose_name=_("programme")
    )
    title = models.CharField(_("title"), max_length=200)
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    description = models.TextField(_("what the round funds"), blank=True)
    eligibility = models.TextField(_("who may apply"), blank=True)
    opens_on = models.DateField(_("applications open on"))
    closes_on = models.DateField(_("applications close on"))
    decision_by = models.DateField(_("decisions by"), null=True, blank=True)
    min_amount_yen = models.PositiveIntegerField(_("smallest grant (yen)"), default=0)
    max_amount_yen = models.PositiveIntegerField(_("largest grant (yen)"))
    budget_yen = models.PositiveBigIntegerField(_("total budget of the round (yen)"), default=0)
    interim_report_due = models.DateField(_("interim reports due"), null=True, blank=True)
    final_report_due = models.DateField(_("final reports due"), null=True, blank=True)
    is_published = models.BooleanField(_("published on the public call page"), default=False)

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_on", "title"]
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="round_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=models.Q(max_amount_yen__gte=models.F("min_amount_yen")),
                name="round_amounts_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme.name} {self.title}"

    def is_open_on(self, day: datetime.date) -> bool:
        return self.is_published and self.opens_on <= day <= self.closes_on

    def reviews_exist(self) -> bool:
        return Review.objects.filter(application__round=self).exists()


class Criterion(models.Model):
    """A criterion reviewers score, e.g. 地域の課題に合っているか (0–5)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="criteria")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("criterion"), max_length=200)
    description = models.TextField(_("what reviewers look for"), blank=True)
    max_score = models.PositiveSmallIntegerField(_("highest score"), default=5)

    class Meta:
        ordering = ["round", "number"]
        verbose_name = _("review criterion")
        verbose_name_plural = _("review criteria")
        constraints = [
            models.UniqueConstraint(fields=["round", "number"], name="criterion_number_unique"),
            models.CheckConstraint(condition=models.Q(max_score__gte=1), name="criterion_max_1"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class ReviewerAssignment(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="reviewers")
    reviewer = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(_("assigned at"), default=timezone.now)

    class Meta:
        ordering = ["round", "reviewer__username"]
        verbose_name = _("reviewer")
        verbose_name_plural = _("reviewers")
        constraints = [
            models.UniqueConstraint(fields=["round", "reviewer"], name="reviewer_once_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.round} — {self.reviewer}"


# --- Applications -------------------------------------------------------------------------


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft (not submitted)")
    SUBMITTED = "submitted", _("Submitted")
    AWARDED = "awarded", _("Awarded")
    REJECTED = "rejected", _("Not awarded")


class ApplicationQuerySet(models.QuerySet["Application"]):
    def for_user(self, user: Any) -> ApplicationQuerySet:
        """Submitted applications of the user's districts (ward-wide ones of their
        municipality); never drafts, never one the user declared a conflict of interest on."""
        from ainet.core import access

        if not access.can(user, "grants.view"):
            return self.none()
        return (
            self.exclude(status=ApplicationStatus.DRAFT)
            .filter(
                (
                    models.Q(district__isnull=True)
                    & access.municipality_q(user, "round__programme__municipality_id")
                )
                | access.district_q(user, "district_id")
            )
            .exclude(conflicts__reviewer_id=user.pk)
        )

    def for_reviewer(self, user: Any) -> ApplicationQuerySet:
        """Submitted applications of rounds the user reviews, without their conflicts."""
        from ainet.core import access

        if not access.can(user, "grants.review"):
            return self.none()
        return (
            self.exclude(status=ApplicationStatus.DRAFT)
            .filter(round__reviewers__reviewer_id=user.pk)
            .exclude(conflicts__reviewer_id=user.pk)
        )


class Application(models.Model):
    round = models.ForeignKey(
        Round, on_delete=models.PROTECT, related_name="applications", verbose_name=_("round")
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
        db_index=True,
    )
    group_name = models.CharField(_("group name"), max_length=200)
    contact_name = models.CharField(_("contact person"), max_length=100)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district"),
    )
    pillar = models.ForeignKey(
        Pillar,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pillar of the plan it serves"),
    )
    title = models.CharField(_("project title"), max_length=200)
    plan = models.TextField(_("plan of the project"))
    starts_on = models.DateField(_("project starts on"), null=True, blank=True)
    ends_on = models.DateField(_("project ends on"), null=True, blank=True)
    requested_yen = models.PositiveIntegerField(_("amount requested (yen)"))
    # SHA-256 of the private resume link's token; the token itself is shown once and not kept.
    resume_token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["round", "-submitted_at", "pk"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return f"G{self.round_id}-{self.pk:04d}" if self.pk else ""

    @property
    def municipality(self) -> Municipality:
        return self.round.programme.municipality

    @property
    def budget_total(self) -> int:
        return sum(line.amount_yen for line in self.budget_lines.all())


class BudgetLine(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="budget_lines"
    )
    position = models.PositiveSmallIntegerField(_("line"))
    item = models.CharField(_("item"), max_length=200)
    amount_yen = models.PositiveIntegerField(_("amount (yen)"))

    class Meta:
        ordering = ["application", "position"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")

    def __str__(self) -> str:
        return f"{self.item} {self.amount_yen}"


class ConflictOfInterest(models.Model):
    """A reviewer declared a conflict: from then on the application is not theirs to see."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="conflicts")
    reviewer = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    declared_at = models.DateTimeField(_("declared at"), default=timezone.now)

    class Meta:
        ordering = ["application", "declared_at"]
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"], name="conflict_once_per_reviewer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application.reference} — {self.reviewer}"


class Review(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(_("scored at"), default=timezone.now)

    class Meta:
        ordering = ["application", "reviewer__username"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"], name="review_once")
        ]

    def __str__(self) -> str:
        return f"{self.application.reference} — {self.reviewer}"


class Score(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("score"))

    class Meta:
        ordering = ["review", "criterion__number"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [models.UniqueConstraint(fields=["review", "criterion"], name="score_once")]

    def __str__(self) -> str:
        return f"{self.criterion.number}: {self.score}"


# --- Decisions ----------------------------------------------------------------------------


class DecisionMeeting(models.Model):
    """The meeting (審査会) that decides a round's applications."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField(_("held on"))
    title = models.CharField(_("title"), max_length=200)
    members = models.TextField(_("members present"), blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["round", "held_on", "pk"]
        verbose_name = _("decision meeting")
        verbose_name_plural = _("decision meetings")

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.title}"


class Outcome(models.TextChoices):
    AWARD = "award", _("Award")
    REJECT = "reject", _("Do not award")


class Decision(models.Model):
    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="decision"
    )
    meeting = models.ForeignKey(DecisionMeeting, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(_("decision"), max_length=10, choices=Outcome.choices)
    amount_yen = models.PositiveIntegerField(_("amount awarded (yen)"), default=0)
    reason = models.TextField(_("reason"))
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        ordering = ["meeting", "application"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return f"{self.application.reference} {self.outcome}"


# --- Funded projects ----------------------------------------------------------------------


class FundedProjectQuerySet(models.QuerySet["FundedProject"]):
    def for_user(self, user: Any) -> FundedProjectQuerySet:
        from ainet.core import access

        if not access.can(user, "grants.view"):
            return self.none()
        return self.filter(
            (
                models.Q(district__isnull=True)
                & access.municipality_q(user, "programme__municipality_id")
            )
            | access.district_q(user, "district_id")
        )


class FundedProject(models.Model):
    """A project a grant funded: the record the outcome table counts (grant_funded_projects)."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="projects")
    application = models.OneToOneField(
        Application,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funded_project",
    )
    title = models.CharField(_("title"), max_length=200)
    applicant = models.CharField(_("applicant group"), max_length=200)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pillar = models.ForeignKey(
        Pillar, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_on = models.DateField(_("started on"), db_index=True)
    amount_yen = models.PositiveIntegerField(_("amount (yen)"), default=0)
    interim_report_due = models.DateField(_("interim report due"), null=True, blank=True)
    final_report_due = models.DateField(_("final report due"), null=True, blank=True)

    objects = FundedProjectQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on", "title"]
        verbose_name = _("funded project")
        verbose_name_plural = _("funded projects")

    def __str__(self) -> str:
        return self.title


class Payment(models.Model):
    """An instalment of a grant. From a fund, it is also a posted ledger entry."""

    project = models.ForeignKey(FundedProject, on_delete=models.PROTECT, related_name="payments")
    number = models.PositiveSmallIntegerField(_("instalment"))
    amount_yen = models.PositiveIntegerField(_("amount (yen)"))
    paid_on = models.DateField(_("paid on"))
    entry = models.OneToOneField(
        "LedgerEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="payment"
    )
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        ordering = ["project", "number"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="payment_number_unique"),
            models.CheckConstraint(condition=models.Q(amount_yen__gte=1), name="payment_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.project} #{self.number}"

    @property
    def is_reversed(self) -> bool:
        return self.entry is not None and hasattr(self.entry, "reversal")


class ReportKind(models.TextChoices):
    INTERIM = "interim", _("Interim report")
    FINAL = "final", _("Final report")


class ProjectReport(models.Model):
    project = models.ForeignKey(FundedProject, on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField(_("report"), max_length=10, choices=ReportKind.choices)
    received_on = models.DateField(_("received on"))
    summary = models.TextField(_("what was done"))
    spent_yen = models.PositiveIntegerField(_("spent (yen)"), default=0)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["project", "received_on"]
        verbose_name = _("project report")
        verbose_name_plural = _("project reports")
        constraints = [
            models.UniqueConstraint(fields=["project", "kind"], name="report_once_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.kind}"


class AdvisorDispatch(models.Model):
    """An advisor (アドバイザー) sent to a funded group."""

    project = models.ForeignKey(
        FundedProject, on_delete=models.PROTECT, related_name="advisor_dispatches"
    )
    advisor = models.CharField(_("advisor"), max_length=200)
    visited_on = models.DateField(_("visited on"))
    topic = models.CharField(_("topic"), max_length=300)
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1, default=1)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["project", "visited_on"]
        verbose_name = _("advisor dispatch")
        verbose_name_plural = _("advisor dispatches")

    def __str__(self) -> str:
        return f"{self.visited_on:%Y-%m-%d} {self.advisor}"


# --- Attachments --------------------------------------------------------------------------


class Attachment(models.Model):
    """A PDF or image of an application, or a receipt of a report. Kept in the database so
    that access is decided by ainet's views and backups hold it with its record."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    report = models.ForeignKey(
        ProjectReport, on_delete=models.PROTECT, null=True, blank=True, related_name="receipts"
    )
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    data = models.BinaryField()
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(application__isnull=False, report__isnull=True)
                | models.Q(application__isnull=True, report__isnull=False),
                name="attachment_has_one_owner",
            )
        ]

    def __str__(self) -> str:
        return self.filename


# --- The donation fund (善意銀行) ----------------------------------------------------------


class FundQuerySet(models.QuerySet["Fund"]):
    def for_user(self, user: Any) -> FundQuerySet:
        from ainet.core import access

        if not access.can(user, "grants.fund"):
            return self.none()
        return self.filter(access.municipality_q(user))


class Fund(models.Model):
    """A fund with its own ledger, e.g. 鶴見ふれあい善意銀行 (run by 区社協)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    owner_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("run by"),
    )
    allow_overdraft = models.BooleanField(
        _("may pay out more than it holds"),
        default=False,
        help_text=_("Only when the owner has explicitly agreed to advance money to the fund."),
    )

    objects = FundQuerySet.as_manager()

    class Meta:
        ordering = ["municipality", "code"]
        verbose_name = _("fund")
        verbose_name_plural = _("funds")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "code"], name="fund_code_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Account(models.TextChoices):
    """The fund's chart of accounts: money held, and the two sides it comes from and goes to."""

    CASH = "cash", _("Money held (bank)")
    DONATIONS = "donations", _("Donations received")
    GRANTS = "grants", _("Grants paid")


class EntryKind(models.TextChoices):
    DONATION = "donation", _("Donation")
    GRANT_PAYMENT = "grant_payment", _("Grant payment")
    REVERSAL = "reversal", _("Reversal")


POSTED_MESSAGE = "A posted ledger entry cannot be changed or deleted; post a reversal."


class LedgerEntryQuerySet(models.QuerySet["LedgerEntry"]):
    """Posted entries are immutable: bulk updates and deletes are refused here, and on
    PostgreSQL a trigger refuses them in the database too (migration 0004)."""

    def update(self, **kwargs: Any) -> int:
        raise PermissionDenied(POSTED_MESSAGE)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionDenied(POSTED_MESSAGE)

    def posted(self) -> LedgerEntryQuerySet:
        return self.filter(posted_at__isnull=False)


class LedgerEntry(models.Model):
    """One journal entry of a fund: balanced lines, posted once, then never changed."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="entries")
    number = models.PositiveIntegerField(_("entry number"))
    entry_date = models.DateField(_("date"), db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=EntryKind.choices)
    description = models.CharField(_("description"), max_length=300)
    # Donations: who gave (kept even when anonymous, for the receipt), and what for.
    donor_name = models.CharField(_("donor"), max_length=200, blank=True)
    is_anonymous = models.BooleanField(_("anonymous (name not published)"), default=False)
    earmark = models.CharField(_("earmarked for"), max_length=200, blank=True)
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversal",
        verbose_name=_("reverses entry"),
    )
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    objects = LedgerEntryQuerySet.as_manager()

    class Meta:
        ordering = ["fund", "number"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        constraints = [
            models.UniqueConstraint(fields=["fund", "number"], name="entry_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.fund.code}#{self.number} {self.description}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding and self.pk is not None:
            posted = LedgerEntry.objects.filter(pk=self.pk, posted_at__isnull=False).exists()
            if posted:
                raise PermissionDenied(POSTED_MESSAGE)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if self.posted_at is not None or (
            self.pk is not None
            and LedgerEntry.objects.filter(pk=self.pk, posted_at__isnull=False).exists()
        ):
            raise PermissionDenied(POSTED_MESSAGE)
        return super().delete(*args, **kwargs)

    @property
    def cash_effect(self) -> int:
        """What the entry adds to (or takes from) the money held."""
        return sum(
            line.debit_yen - line.credit_yen for line in self.lines.all() if line.account == "cash"
        )

    @property
    def shown_donor(self) -> str:
        return str(_("Anonymous")) if self.is_anonymous else self.donor_name


class LedgerLineQuerySet(models.QuerySet["LedgerLine"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionDenied(POSTED_MESSAGE)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionDenied(POSTED_MESSAGE)


class LedgerLine(models.Model):
    entry = models.ForeignKey(LedgerEntry, on_delete=models.PROTECT, related_name="lines")
    account = models.CharField(_("account"), max_length=20, choices=Account.choices)
    debit_yen = models.PositiveBigIntegerField(_("debit (yen)"), default=0)
    credit_yen = models.PositiveBigIntegerField(_("credit (yen)"), default=0)

    objects = LedgerLineQuerySet.as_manager()

    class Meta:
        ordering = ["entry", "pk"]
        verbose_name = _("ledger line")
        verbose_name_plural = _("ledger lines")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(debit_yen__gt=0, credit_yen=0)
                | models.Q(debit_yen=0, credit_yen__gt=0),
                name="line_one_side",
            )
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.debit_yen}/{self.credit_yen}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if LedgerEntry.objects.filter(pk=self.entry_id, posted_at__isnull=False).exists():
            raise PermissionDenied(POSTED_MESSAGE)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionDenied(POSTED_MESSAGE)
