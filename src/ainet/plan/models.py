"""The plan as the ward runs it: periods, basic goal, pillars, themes, initiatives, challenges;
the promotion committee; meetings of any body; district support teams; district plans."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ainet.core.dates import FiscalPeriod, format_period
from ainet.core.models import District, Municipality, Organisation


def _district_scoped(queryset: models.QuerySet[Any], user: Any, field: str) -> Any:
    """Ward-wide rows of the user's municipalities and rows of the user's districts."""
    from ainet.core import access

    if not access.can(user, "plan.view"):
        return queryset.none()
    ward_wide = models.Q(**{f"{field}__isnull": True}) & access.municipality_q(user)
    return queryset.filter(ward_wide | access.district_q(user, f"{field}_id"))


def _district_only(queryset: models.QuerySet[Any], user: Any, field: str) -> Any:
    """Rows that always belong to a district: only those of the user's districts."""
    from ainet.core import access

    if not access.can(user, "plan.view"):
        return queryset.none()
    return queryset.filter(access.district_q(user, f"{field}_id"))


class PlanPeriodQuerySet(models.QuerySet["PlanPeriod"]):
    def for_user(self, user: Any) -> PlanPeriodQuerySet:
        from ainet.core import access

        if not access.can(user, "plan.view"):
            return self.none()
        return self.filter(access.municipality_q(user))


class PlanPeriod(models.Model):
    """第N期: a plan period of whole fiscal years."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="plan_periods"
    )
    number = models.PositiveSmallIntegerField(_("period number"))
    name = models.CharField(_("name"), max_length=200)
    first_fy = models.PositiveSmallIntegerField(_("first fiscal year"))
    last_fy = models.PositiveSmallIntegerField(_("last fiscal year"))
    basic_goal = models.CharField(_("basic goal"), max_length=300, blank=True)

    objects = PlanPeriodQuerySet.as_manager()

    class Meta:
        ordering = ["municipality", "number"]
        verbose_name = _("plan period")
        verbose_name_plural = _("plan periods")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "number"], name="plan_period_unique"),
            models.CheckConstraint(
                condition=models.Q(first_fy__lte=models.F("last_fy")),
                name="plan_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def fiscal_period(self) -> FiscalPeriod:
        return FiscalPeriod(self.first_fy, self.last_fy)

    def label(self, lang: str = "ja") -> str:
        return format_period(self.first_fy, self.last_fy, "en" if lang == "en" else "ja")

    def clean(self) -> None:
        if self.first_fy and self.last_fy and self.first_fy > self.last_fy:
            raise ValidationError(_("The first fiscal year is after the last."))


class Pillar(models.Model):
    """推進の柱."""

    period = models.ForeignKey(PlanPeriod, on_delete=models.CASCADE, related_name="pillars")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["period", "number"]
        verbose_name = _("pillar")
        verbose_name_plural = _("pillars")
        constraints = [
            models.UniqueConstraint(fields=["period", "number"], name="pillar_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Theme(models.Model):
    """◆ a theme under a pillar."""

    pillar = models.ForeignKey(Pillar, on_delete=models.CASCADE, related_name="themes")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)

    class Meta:
        ordering = ["pillar", "number"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        constraints = [
            models.UniqueConstraint(fields=["pillar", "number"], name="theme_number_unique")
        ]

    def __str__(self) -> str:
        return self.title


class InitiativeOwner(models.TextChoices):
    WARD_OFFICE = "ward_office", _("Ward office")
    WARD_SHAKYO = "ward_shakyo", _("Ward social welfare council")
    CARE_PLAZA = "care_plaza", _("Community care plazas")


class Initiative(models.Model):
    """What one kind of organisation does under a pillar."""

    pillar = models.ForeignKey(Pillar, on_delete=models.CASCADE, related_name="initiatives")
    owner = models.CharField(_("organisation"), max_length=20, choices=InitiativeOwner.choices)
    heading = models.CharField(_("heading"), max_length=200)
    details = models.TextField(_("details"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["pillar", "owner", "sort_order", "id"]
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")

    def __str__(self) -> str:
        return self.heading


class Challenge(models.Model):
    """A challenge a period's review names for the next period."""

    period = models.ForeignKey(PlanPeriod, on_delete=models.CASCADE, related_name="challenges")
    pillar = models.ForeignKey(
        Pillar, on_delete=models.CASCADE, related_name="challenges", null=True, blank=True
    )
    text = models.TextField(_("challenge"))
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["period", "pillar__number", "sort_order", "id"]
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")

    def __str__(self) -> str:
        return self.text[:60]


class Committee(models.Model):
    """推進委員会: the promotion committee of a municipality."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="committees"
    )
    name = models.CharField(_("name"), max_length=200)
    established_on = models.DateField(_("established on"))
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)

    class Meta:
        ordering = ["municipality", "established_on"]
        verbose_name = _("committee")
        verbose_name_plural = _("committees")

    def __str__(self) -> str:
        return self.name

    def existed_during(self, start: datetime.date, end: datetime.date) -> bool:
        return self.established_on <= end and (
            self.dissolved_on is None or self.dissolved_on >= start
        )


class CommitteeMember(models.Model):
    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("name"), max_length=100)
    name_kana = models.CharField(_("name (kana)"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation represented"),
    )
    organisation_name = models.CharField(
        _("organisation represented (if not registered)"), max_length=200, blank=True
    )
    term_start = models.DateField(_("term from"))
    term_end = models.DateField(_("term until"), null=True, blank=True)

    class Meta:
        ordering = ["committee", "term_start", "name_kana", "name"]
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")

    def __str__(self) -> str:
        return self.name

    @property
    def represents(self) -> str:
        return str(self.organisation) if self.organisation else self.organisation_name


class SupportTeam(models.Model):
    """地区別支援チーム: ward office, 区社協 and care plaza staff working with one district."""

    district = models.OneToOneField(District, on_delete=models.PROTECT, related_name="support_team")
    established_on = models.DateField(_("established on"))

    class Meta:
        ordering = ["district__sort_order"]
        verbose_name = _("district support team")
        verbose_name_plural = _("district support teams")

    def __str__(self) -> str:
        return str(_("Support team of %(district)s") % {"district": self.district.name})


class TeamPosition(models.TextChoices):
    MEMBER = "member", _("Member")
    LEAD = "lead", _("Lead (section chief)")
    GENERAL_AFFAIRS = "general_affairs", _("General affairs department")
    PUBLIC_WORKS = "public_works", _("Public works office")


class SupportTeamMember(models.Model):
    team = models.ForeignKey(SupportTeam, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("name"), max_length=100)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    position = models.CharField(
        _("position"), max_length=20, choices=TeamPosition.choices, default=TeamPosition.MEMBER
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["team", "position", "starts_on", "name"]
        verbose_name = _("support team member")
        verbose_name_plural = _("support team members")

    def __str__(self) -> str:
        return self.name

    def serves_in(self, fy_start: datetime.date, fy_end: datetime.date) -> bool:
        return self.starts_on <= fy_end and (self.ends_on is None or self.ends_on >= fy_start)


class TeamNoteQuerySet(models.QuerySet["TeamNote"]):
    def for_user(self, user: Any) -> Any:
        return _district_only(self, user, "team__district")


class TeamNote(models.Model):
    """A note the support team shares."""

    team = models.ForeignKey(SupportTeam, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(_("written at"), default=timezone.now)
    text = models.TextField(_("note"), max_length=5000)

    objects = TeamNoteQuerySet.as_manager()

    class Meta:
        ordering = ["-written_at"]
        verbose_name = _("team note")
        verbose_name_plural = _("team notes")

    def __str__(self) -> str:
        return self.text[:60]


class MeetingBody(models.TextChoices):
    COMMITTEE = "committee", _("Promotion committee")
    SUPPORT_TEAM = "support_team", _("District support team")
    DISTRICT_DISCUSSION = "district_discussion", _("District discussion")
    OTHER = "other", _("Other")


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def for_user(self, user: Any) -> Any:
        return _district_scoped(self, user, "district")


class Meeting(models.Model):
    """A meeting of any body, with agenda, minutes, attendance and decisions."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    body = models.CharField(_("body"), max_length=30, choices=MeetingBody.choices)
    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, null=True, blank=True, related_name="meetings"
    )
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("district"),
    )
    held_on = models.DateField(_("held on"), db_index=True)
    title = models.CharField(_("title"), max_length=200)
    place = models.CharField(_("place"), max_length=200, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    decisions = models.TextField(_("decisions"), blank=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [
            models.Index(
                fields=["municipality", "body", "held_on", "district"], name="meeting_count_idx"
            )
        ]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(body="committee") | models.Q(committee__isnull=False),
                name="committee_meeting_has_committee",
            ),
            models.CheckConstraint(
                condition=~models.Q(body__in=["support_team", "district_discussion"])
                | models.Q(district__isnull=False),
                name="district_meeting_has_district",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.held_on} {self.title}"


class MeetingAttendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    name = models.CharField(_("name"), max_length=100)
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True)

    class Meta:
        ordering = ["meeting", "id"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")

    def __str__(self) -> str:
        return self.name


class AdvisorConsultationQuerySet(models.QuerySet["AdvisorConsultation"]):
    def for_user(self, user: Any) -> Any:
        return _district_scoped(self, user, "district")


class AdvisorConsultation(models.Model):
    """アドバイザー・スタッフ: advice by an external advisor to a team or a district."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    advisor_name = models.CharField(_("advisor"), max_length=100)
    held_on = models.DateField(_("date"))
    topic = models.CharField(_("topic"), max_length=200)
    advice = models.TextField(_("advice"), blank=True)

    objects = AdvisorConsultationQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("advisor consultation")
        verbose_name_plural = _("advisor consultations")

    def __str__(self) -> str:
        return f"{self.held_on} {self.topic}"


class StaffTrainingQuerySet(models.QuerySet["StaffTraining"]):
    def for_user(self, user: Any) -> Any:
        from ainet.core import access

        if not access.can(user, "plan.view"):
            return self.none()
        return self.filter(access.municipality_q(user))


class StaffTraining(models.Model):
    """Training for support-team staff."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    organiser = models.CharField(_("organiser"), max_length=200, blank=True)
    participants = models.PositiveIntegerField(_("participants"), default=0)
    notes = models.TextField(_("notes"), blank=True)

    objects = StaffTrainingQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("staff training")
        verbose_name_plural = _("staff trainings")

    def __str__(self) -> str:
        return self.title


class PlanStage(models.TextChoices):
    FORUM = "forum", _("District forum")
    DISCUSSION = "discussion", _("Continuous discussion")
    ACTIVITIES = "activities", _("Activities spreading")
    OWN_ORGANISATION = "own_organisation", _("Own organisation")


class DistrictPlanQuerySet(models.QuerySet["DistrictPlan"]):
    def for_user(self, user: Any) -> Any:
        return _district_only(self, user, "district")


class DistrictPlan(models.Model):
    """地区別計画: one per district per period."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="plans")
    period = models.ForeignKey(PlanPeriod, on_delete=models.PROTECT, related_name="district_plans")
    title = models.CharField(_("title"), max_length=200, blank=True)

    objects = DistrictPlanQuerySet.as_manager()

    class Meta:
        ordering = ["period", "district__sort_order"]
        verbose_name = _("district plan")
        verbose_name_plural = _("district plans")
        constraints = [
            models.UniqueConstraint(fields=["district", "period"], name="district_plan_unique")
        ]

    def __str__(self) -> str:
        return self.title or f"{self.district} {self.period}"

    def stage_on(self, day: datetime.date) -> DistrictPlanStage | None:
        return self.stages.filter(started_on__lte=day).order_by("-started_on").first()


class DistrictPlanStage(models.Model):
    """The stage a district plan reached, from a date (forum → discussion → …)."""

    plan = models.ForeignKey(DistrictPlan, on_delete=models.CASCADE, related_name="stages")
    stage = models.CharField(_("stage"), max_length=20, choices=PlanStage.choices)
    started_on = models.DateField(_("from"))

    class Meta:
        ordering = ["plan", "started_on"]
        verbose_name = _("district plan stage")
        verbose_name_plural = _("district plan stages")

    def __str__(self) -> str:
        return f"{self.get_stage_display()} ({self.started_on})"


class DistrictOrganisationQuerySet(models.QuerySet["DistrictOrganisation"]):
    def for_user(self, user: Any) -> Any:
        return _district_only(self, user, "district")


class DistrictOrganisation(models.Model):
    """地区別計画推進組織: the organisation a district founds to run its own plan."""

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="plan_organisations"
    )
    name = models.CharField(_("name"), max_length=200)
    founded_on = models.DateField(_("founded on"), db_index=True)
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)

    objects = DistrictOrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["founded_on", "name"]
        verbose_name = _("district plan organisation")
        verbose_name_plural = _("district plan organisations")

    def __str__(self) -> str:
        return self.name
