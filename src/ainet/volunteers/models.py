"""The volunteer centre (区社協 ボランティアセンター): volunteers with their skills, languages,
availability and certificates; requests (依頼) and the coordinator's workflow; assignments,
hours, event attendance and dementia-supporter courses (認知症サポーター養成講座).

Volunteers are personal data: they are read only through `Volunteer.objects.for_user`, which
scopes by district (another district's volunteer is a 404), and every detail read is audited.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ainet.core.models import District, Municipality, Town
from ainet.volunteers.matching import DAYS, PERIODS

# Certificate codes the software itself relies on (the indicators and course graduation).
DEMENTIA_SUPPORTER = "dementia_supporter"
CARAVAN_MATE = "caravan_mate"

LANGUAGE_CHOICES: tuple[tuple[str, Any], ...] = (
    ("ja", _("Japanese")),
    ("en", _("English")),
    ("zh", _("Chinese")),
    ("ko", _("Korean")),
    ("tl", _("Filipino (Tagalog)")),
    ("pt", _("Portuguese")),
    ("vi", _("Vietnamese")),
    ("es", _("Spanish")),
    ("ne", _("Nepali")),
)
LANGUAGE_CODES = frozenset(code for code, _label in LANGUAGE_CHOICES)

DAY_LABELS: dict[str, Any] = {
    "mon": _("Monday"),
    "tue": _("Tuesday"),
    "wed": _("Wednesday"),
    "thu": _("Thursday"),
    "fri": _("Friday"),
    "sat": _("Saturday"),
    "sun": _("Sunday"),
}
PERIOD_LABELS: dict[str, Any] = {
    "am": _("morning"),
    "pm": _("afternoon"),
    "eve": _("evening"),
}


def slot_label(slot: str) -> str:
    day, period = slot.split("-")
    return f"{DAY_LABELS[day]} {PERIOD_LABELS[period]}"


SLOT_CHOICES: tuple[tuple[str, str], ...] = tuple(
    (f"{d}-{p}", f"{d}-{p}") for d in DAYS for p in PERIODS
)


def csv_values(text: str) -> list[str]:
    """Codes stored comma-separated ("en,ja"), so both SQLite and PostgreSQL can filter them."""
    return [part for part in text.split(",") if part]


def csv_contains(field: str, value: str) -> Q:
    return (
        Q(**{field: value})
        | Q(**{f"{field}__startswith": f"{value},"})
        | Q(**{f"{field}__endswith": f",{value}"})
        | Q(**{f"{field}__contains": f",{value},"})
    )


class VocabularyItem(models.Model):
    """A term staff maintain per municipality (skills, certificates)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        abstract = True
        ordering = ["municipality", "sort_order", "name"]

    def __str__(self) -> str:
        return self.name

    def label(self, lang: str) -> str:
        return self.name_en if lang == "en" and self.name_en else self.name


class Skill(VocabularyItem):
    """買い物, 話し相手, 通訳 … what a volunteer can do and a request needs."""

    class Meta(VocabularyItem.Meta):
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "code"], name="skill_code_unique")
        ]


class Certificate(VocabularyItem):
    """認知症サポーター, キャラバン・メイト, first aid …"""

    class Meta(VocabularyItem.Meta):
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "code"], name="certificate_code_unique")
        ]


class VolunteerStatus(models.TextChoices):
    PENDING = "pending", _("Registration awaiting confirmation")
    ACTIVE = "active", pgettext_lazy("volunteer status", "Active")
    PAUSED = "paused", pgettext_lazy("volunteer status", "Paused")
    ENDED = "ended", pgettext_lazy("volunteer status", "Ended")


class VolunteerSource(models.TextChoices):
    STAFF = "staff", _("Entered by staff")
    PUBLIC = "public", _("Public registration form")
    IMPORTED = "imported", _("Imported record")


def _ward_wide_q(user: Any, field: str) -> Q:
    from ainet.core import access

    ids = sorted(access.administered_municipality_ids(user))
    return Q(**{f"{field}__isnull": True, "municipality_id__in": ids})


class VolunteerQuerySet(models.QuerySet["Volunteer"]):
    def for_user(self, user: Any) -> VolunteerQuerySet:
        from ainet.core import access

        if not access.can(user, "volunteers.view"):
            return self.none()
        return self.filter(access.district_q(user, "district_id") | _ward_wide_q(user, "district"))


class Volunteer(models.Model):
    """Someone the volunteer centre knows. `registered_on` is the day the centre confirmed the
    registration (the registered-volunteer indicator counts from it); it is empty while a
    registration awaits confirmation and for caravan mates taken over from the trainer
    register who never registered with the centre."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    name_kana = models.CharField(_("name (kana)"), max_length=200, blank=True)
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district"),
    )
    town = models.ForeignKey(
        Town,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("town block"),
    )
    # The town block's representative point (never the home address).
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    lng = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    contact_consent = models.BooleanField(_("agrees to be contacted"), default=False)
    contact_consent_on = models.DateField(_("consent given on"), null=True, blank=True)
    skills = models.ManyToManyField(
        Skill, blank=True, related_name="volunteers", verbose_name=_("skills")
    )
    languages = models.CharField(_("languages"), max_length=100, blank=True, default="")
    availability = models.CharField(_("availability"), max_length=200, blank=True, default="")
    areas = models.ManyToManyField(
        District,
        blank=True,
        related_name="+",
        verbose_name=_("districts where they can help"),
    )
    capacity = models.PositiveSmallIntegerField(
        _("requests at a time"), default=2, validators=[MaxValueValidator(20)]
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=VolunteerStatus.choices,
        default=VolunteerStatus.ACTIVE,
        db_index=True,
    )
    source = models.CharField(
        _("how registered"),
        max_length=10,
        choices=VolunteerSource.choices,
        default=VolunteerSource.STAFF,
    )
    applied_on = models.DateField(_("applied on"), null=True, blank=True)
    registered_on = models.DateField(_("registered on"), null=True, blank=True, db_index=True)
    paused_on = models.DateField(_("paused since"), null=True, blank=True)
    ended_on = models.DateField(_("registration ended on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    objects = VolunteerQuerySet.as_manager()

    class Meta:
        ordering = ["registered_on", "name"]
        # Covers the registered-volunteer count: SQLite counts from the index without sorting.
        indexes = [
            models.Index(
                fields=["municipality", "district", "registered_on", "ended_on"],
                name="volunteer_stock_idx",
            )
        ]
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")

    def __str__(self) -> str:
        return self.name

    @property
    def language_list(self) -> list[str]:
        return csv_values(self.languages)

    @property
    def slot_list(self) -> list[str]:
        return csv_values(self.availability)

    @property
    def has_point(self) -> bool:
        return self.lat is not None and self.lng is not None


class VolunteerCertificate(models.Model):
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="certificates")
    certificate = models.ForeignKey(
        Certificate,
        on_delete=models.PROTECT,
        related_name="holdings",
        verbose_name=_("certificate"),
    )
    obtained_on = models.DateField(_("obtained on"), db_index=True)
    ended_on = models.DateField(_("valid until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["volunteer", "obtained_on"]
        verbose_name = _("certificate held")
        verbose_name_plural = _("certificates held")
        indexes = [
            models.Index(fields=["certificate", "obtained_on", "ended_on"], name="vol_cert_idx")
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id}:{self.certificate_id}"

    def valid_on(self, day: datetime.date) -> bool:
        return self.obtained_on <= day and (self.ended_on is None or self.ended_on > day)


# --- Requests -------------------------------------------------------------------------


class RequesterKind(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    FAMILY = "family", _("Family member")
    GROUP = "group", _("Community group")
    FACILITY = "facility", _("Facility")
    ORGANISATION = "organisation", _("Organisation or office")


class Frequency(models.TextChoices):
    ONCE = "once", _("Once")
    WEEKLY = "weekly", _("Weekly")
    BIWEEKLY = "biweekly", _("Every two weeks")
    MONTHLY = "monthly", _("Monthly")
    IRREGULAR = "irregular", _("Now and then")


class RequestState(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("request state", "Received")  # 受付
    COORDINATING = "coordinating", pgettext_lazy("request state", "Coordinating")  # 調整
    INTRODUCED = "introduced", pgettext_lazy("request state", "Introduced")  # 紹介
    ACCOMPANIED = "accompanied", pgettext_lazy("request state", "First visit together")  # 初回同行
    ACTIVE = "active", pgettext_lazy("request state", "Active")  # 活動中
    REVIEW = "review", pgettext_lazy("request state", "Review")  # 振り返り
    CLOSED = "closed", pgettext_lazy("request state", "Closed")  # 終了


OPEN_STATES = frozenset(
    {
        RequestState.RECEIVED,
        RequestState.COORDINATING,
        RequestState.INTRODUCED,
        RequestState.ACCOMPANIED,
        RequestState.ACTIVE,
        RequestState.REVIEW,
    }
)
# States where the request still waits for a volunteer (batch matching takes these).
UNMATCHED_STATES = frozenset({RequestState.RECEIVED, RequestState.COORDINATING})


class RequestQuerySet(models.QuerySet["VolunteerRequest"]):
    def for_user(self, user: Any) -> RequestQuerySet:
        from ainet.core import access

        if not access.can(user, "volunteers.view"):
            return self.none()
        return self.filter(access.district_q(user, "district_id"))


class VolunteerRequest(models.Model):
    """依頼: who asks, for whom, what, where, when, how often, language, requirements."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("what is asked"), max_length=200)
    description = models.TextField(_("details"), blank=True)
    requester_kind = models.CharField(_("who asks"), max_length=20, choices=RequesterKind.choices)
    requester_name = models.CharField(_("requester"), max_length=200)
    requester_contact = models.CharField(_("requester's contact"), max_length=200, blank=True)
    beneficiary = models.CharField(_("for whom"), max_length=200, blank=True)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="+", verbose_name=_("district")
    )
    town = models.ForeignKey(
        Town,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("town block"),
    )
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    lng = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    skills = models.ManyToManyField(
        Skill, blank=True, related_name="requests", verbose_name=_("skills needed")
    )
    language = models.CharField(_("language"), max_length=3, blank=True, choices=LANGUAGE_CHOICES)
    slot = models.CharField(_("when"), max_length=7, choices=SLOT_CHOICES)
    frequency = models.CharField(
        _("how often"), max_length=10, choices=Frequency.choices, default=Frequency.ONCE
    )
    starts_on = models.DateField(_("from"), null=True, blank=True)
    requirements = models.TextField(_("other requirements"), blank=True)
    priority = models.PositiveSmallIntegerField(
        _("priority"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("coordinator"),
    )
    state = models.CharField(
        _("state"),
        max_length=12,
        choices=RequestState.choices,
        default=RequestState.RECEIVED,
        db_index=True,
    )
    received_on = models.DateField(_("received on"))
    state_changed_on = models.DateField(_("state since"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    objects = RequestQuerySet.as_manager()

    class Meta:
        ordering = ["-priority", "received_on", "id"]
        verbose_name = _("request")
        verbose_name_plural = _("requests")

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def has_point(self) -> bool:
        return self.lat is not None and self.lng is not None


class RequestTransition(models.Model):
    """One step of the workflow, with its date and note (append-only)."""

    request = models.ForeignKey(
        VolunteerRequest, on_delete=models.CASCADE, related_name="transitions"
    )
    from_state = models.CharField(
        _("from"), max_length=12, choices=RequestState.choices, blank=True
    )
    to_state = models.CharField(_("to"), max_length=12, choices=RequestState.choices)
    on = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["request", "at", "id"]
        verbose_name = _("workflow step")
        verbose_name_plural = _("workflow steps")

    def __str__(self) -> str:
        return f"{self.request_id}: {self.from_state} → {self.to_state}"


class AssignmentSource(models.TextChoices):
    MANUAL = "manual", _("Chosen by the coordinator")
    BATCH = "batch", _("Batch matching")


class AssignmentQuerySet(models.QuerySet["Assignment"]):
    def current(self) -> AssignmentQuerySet:
        return self.filter(ended_on__isnull=True)


class Assignment(models.Model):
    request = models.ForeignKey(
        VolunteerRequest, on_delete=models.CASCADE, related_name="assignments"
    )
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="assignments")
    source = models.CharField(_("how chosen"), max_length=10, choices=AssignmentSource.choices)
    distance_m = models.PositiveIntegerField(_("distance (m)"), null=True, blank=True)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["request", "started_on", "id"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "volunteer"],
                condition=Q(ended_on__isnull=True),
                name="assignment_current_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.request_id}←{self.volunteer_id}"


class MatchRunStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPLIED = "applied", _("Applied")


class MatchRun(models.Model):
    """One batch-matching run: the instance summary, the solver's proposal and its outcome."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    max_distance_m = models.PositiveIntegerField(_("maximum distance (m)"))
    request_count = models.PositiveIntegerField(default=0)
    volunteer_count = models.PositiveIntegerField(default=0)
    candidate_pairs = models.PositiveIntegerField(default=0)
    served = models.PositiveIntegerField(default=0)
    total_distance_m = models.PositiveBigIntegerField(default=0)
    seconds = models.FloatField(default=0.0)
    # [{"request": id, "volunteer": id, "distance_m": n}], ids as in the database
    proposal = models.JSONField(default=list)
    unassigned = models.JSONField(default=list)
    status = models.CharField(
        max_length=10, choices=MatchRunStatus.choices, default=MatchRunStatus.PROPOSED
    )
    applied_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")

    def __str__(self) -> str:
        return f"#{self.pk} {self.created_at:%Y-%m-%d %H:%M}"


# --- Hours, events, courses -----------------------------------------------------------


class ActivityLog(models.Model):
    """Hours a volunteer gave, for a request or otherwise."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="logs")
    request = models.ForeignKey(
        VolunteerRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="logs",
        verbose_name=_("request"),
    )
    date = models.DateField(_("date"), db_index=True)
    hours = models.DecimalField(
        _("hours"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("24"))],
    )
    note = models.CharField(_("what was done"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("activity log entry")
        verbose_name_plural = _("activity log")

    def __str__(self) -> str:
        return f"{self.date} {self.hours}h"


class EventAttendance(models.Model):
    """A volunteer at an exchange meeting or training (a community event). The community
    Participation row makes them count in the event's attendance like anyone else."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="attendances")
    event = models.ForeignKey(
        "community.Event", on_delete=models.CASCADE, related_name="volunteer_attendances"
    )
    participation = models.OneToOneField(
        "community.Participation", on_delete=models.CASCADE, related_name="volunteer_attendance"
    )

    class Meta:
        ordering = ["event", "id"]
        verbose_name = _("volunteer attendance")
        verbose_name_plural = _("volunteer attendances")
        constraints = [
            models.UniqueConstraint(fields=["volunteer", "event"], name="event_attendance_unique")
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id}@{self.event_id}"


class CourseQuerySet(models.QuerySet["DementiaCourse"]):
    def for_user(self, user: Any) -> CourseQuerySet:
        from ainet.core import access

        if not access.can(user, "volunteers.view"):
            return self.none()
        return self.filter(access.district_q(user, "event__district_id"))


class DementiaCourse(models.Model):
    """認知症サポーター養成講座: a community event taught by キャラバン・メイト."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    event = models.OneToOneField(
        "community.Event", on_delete=models.PROTECT, related_name="dementia_course"
    )
    audience = models.CharField(_("for whom"), max_length=200, blank=True)
    trainers = models.ManyToManyField(
        Volunteer, related_name="courses_taught", verbose_name=_("caravan mates teaching")
    )

    objects = CourseQuerySet.as_manager()

    class Meta:
        ordering = ["-event__date", "-id"]
        verbose_name = _("dementia-supporter course")
        verbose_name_plural = _("dementia-supporter courses")

    def __str__(self) -> str:
        return str(self.event)


class CourseAttendee(models.Model):
    course = models.ForeignKey(DementiaCourse, on_delete=models.CASCADE, related_name="attendees")
    name = models.CharField(_("name"), max_length=100)
    volunteer = models.ForeignKey(
        Volunteer,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered volunteer"),
    )
    graduated_on = models.DateField(_("completed on"), null=True, blank=True)
    participation = models.OneToOneField(
        "community.Participation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["course", "id"]
        verbose_name = _("course attendee")
        verbose_name_plural = _("course attendees")

    def __str__(self) -> str:
        return self.name
