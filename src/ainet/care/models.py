"""People who need support, the legal basis on which ainet may know them, who supports whom,
contacts, concern reports, and the disaster-mode declarations that widen visibility.

Who may see a person, and which of their fields, is decided in `core/access.py` only
(`person_q`, `person_fields`); the querysets here call it. Special-care data (要配慮個人情報:
care level, disability, illness and needs marked special) sits in named fields so that the
access rules can leave them out.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language_info, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from ainet.core.models import District, Municipality, Organisation, Town


class ListKind(models.TextChoices):
    # 災害時要援護者名簿 / 避難行動要支援者名簿 (Disaster Countermeasures Basic Act art. 49-10)
    EVACUATION = "evacuation", _("Evacuation-help list")
    # ひとり暮らし高齢者「地域で見守り」推進事業
    WATCH = "watch", _("Watch-over list (elderly people living alone)")


class Basis(models.TextChoices):
    """How the system may know a person on a list (MISSION.md §3)."""

    CONSENT = "consent", _("Consent")  # 同意
    HAND_RAISED = "hand_raised", _("Signed up (te-age)")  # 手上げ
    OPT_OUT = "opt_out", _("Information sharing (opt-out)")  # 情報共有
    WATCH_PROGRAMME = "watch_programme", _("Watch-over programme (without consent)")  # 見守り事業
    WARD_ONLY = "ward_only", _("Ward office only")  # e.g. mental disability


# Bases under which the evacuation list may be shared with evacuation support providers in
# normal times. An opt-out entry stops being shareable once a removal request is recorded.
SHAREABLE_EVACUATION_BASES = (Basis.CONSENT, Basis.HAND_RAISED, Basis.OPT_OUT)


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Not recorded")


class HouseholdType(models.TextChoices):
    LIVING_ALONE = "living_alone", _("Living alone")
    ELDERLY_ONLY = "elderly_only", _("Elderly people only")
    WITH_FAMILY = "with_family", _("With family")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Not recorded")


class CareLevel(models.TextChoices):
    NONE = "", _("None recorded")
    SUPPORT_1 = "support_1", _("Support level 1")
    SUPPORT_2 = "support_2", _("Support level 2")
    CARE_1 = "care_1", _("Care level 1")
    CARE_2 = "care_2", _("Care level 2")
    CARE_3 = "care_3", _("Care level 3")
    CARE_4 = "care_4", _("Care level 4")
    CARE_5 = "care_5", _("Care level 5")


class WatchLevel(models.TextChoices):
    """How often someone should be in touch; the worklist uses `CONTACT_INTERVAL_DAYS`."""

    HIGH = "high", _("High (weekly contact)")
    MEDIUM = "medium", _("Medium (monthly contact)")
    LOW = "low", _("Low (quarterly contact)")


CONTACT_INTERVAL_DAYS = {WatchLevel.HIGH: 7, WatchLevel.MEDIUM: 30, WatchLevel.LOW: 90}


class NeedKind(models.Model):
    """A kind of need (living alone aged 75+, language help, …). Staff can add more. A need
    marked special-care is 要配慮個人情報 and follows the special-care access rules."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    is_special_care = models.BooleanField(_("special-care data"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["municipality", "sort_order", "code"]
        verbose_name = _("kind of need")
        verbose_name_plural = _("kinds of need")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "code"], name="needkind_code_unique")
        ]

    def __str__(self) -> str:
        return self.name


class PersonQuerySet(models.QuerySet["Person"]):
    def for_user(self, user: Any) -> PersonQuerySet:
        """The people the user may see at all (which fields: `access.person_fields`)."""
        from ainet.core import access

        return self.filter(access.person_q(user))


# Codes people type for a preferred language that Django's language table lacks (it knows
# zh-hans and zh-hant, not plain zh).
EXTRA_LANGUAGE_NAMES = {"zh": _("Chinese"), "fil": _("Filipino (Tagalog)")}


def language_name(code: str) -> str:
    """A language code's name in the active language (ja → 日本語, or Japanese in English);
    the code itself when it names no language we know."""
    normalised = code.strip().lower().replace("_", "-")
    if normalised in EXTRA_LANGUAGE_NAMES:
        return str(EXTRA_LANGUAGE_NAMES[normalised])
    try:
        return str(get_language_info(normalised)["name_translated"])
    except KeyError:
        return code


class Person(models.Model):
    """Someone who needs support. Identity and contact fields are ordinary personal data;
    `care_level`, `disability`, `illness` and special-care needs are 要配慮個人情報."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    # 宛名番号: the ward's resident number, when the person came from a ward system.
    resident_number = models.CharField(_("resident number"), max_length=20, blank=True)
    name = models.CharField(_("name"), max_length=100)
    name_kana = models.CharField(_("name (furigana)"), max_length=200, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    postal_code = models.CharField(_("postal code"), max_length=8, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    address_detail = models.CharField(_("building and room"), max_length=200, blank=True)  # 方書
    town = models.ForeignKey(
        Town, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Copied from the town block (or set by staff) so that scoping needs no join.
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    lng = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    household_type = models.CharField(
        _("household"), max_length=20, choices=HouseholdType.choices, default=HouseholdType.UNKNOWN
    )
    emergency_contact_name = models.CharField(_("emergency contact"), max_length=100, blank=True)
    emergency_contact_phone = models.CharField(
        _("emergency contact phone"), max_length=30, blank=True
    )
    preferred_language = models.CharField(_("preferred language"), max_length=12, default="ja")
    watch_level = models.CharField(
        _("watch-over level"), max_length=10, choices=WatchLevel.choices, default=WatchLevel.MEDIUM
    )
    # Special-care data (要配慮個人情報).
    care_level = models.CharField(
        _("care level"), max_length=12, choices=CareLevel.choices, blank=True, default=""
    )
    disability = models.CharField(_("disability"), max_length=300, blank=True)
    illness = models.CharField(_("illness"), max_length=300, blank=True)
    needs = models.ManyToManyField(NeedKind, blank=True, related_name="people")
    notes = models.TextField(_("notes"), blank=True)
    # Normalised keys for roster matching (furigana, address), kept by care services.
    match_kana = models.CharField(max_length=200, blank=True, editable=False)
    match_address = models.CharField(max_length=300, blank=True, editable=False)
    # The newest contact, kept by the contact service so the worklist needs no aggregate.
    last_contact_at = models.DateTimeField(_("last contact"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["municipality", "name_kana", "name", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "resident_number"],
                condition=~Q(resident_number=""),
                name="person_resident_number_unique",
            )
        ]
        indexes = [
            models.Index(fields=["municipality", "district"], name="person_district_idx"),
            models.Index(
                fields=["municipality", "match_kana", "birth_date"], name="person_match_idx"
            ),
            models.Index(fields=["district", "last_contact_at"], name="person_worklist_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def preferred_language_name(self) -> str:
        return language_name(self.preferred_language)

    def age_on(self, day: datetime.date) -> int | None:
        if self.birth_date is None:
            return None
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class ListEntry(models.Model):
    """A person's place on one list, with the legal basis for it. Leaving a list sets
    `left_on`; the row stays, so the history of who was on which list survives."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="list_entries")
    list_kind = models.CharField(_("list"), max_length=20, choices=ListKind.choices)
    basis = models.CharField(_("legal basis"), max_length=20, choices=Basis.choices)
    consent_on = models.DateField(_("consent given on"), null=True, blank=True)
    consent_scope = models.CharField(_("scope of consent"), max_length=300, blank=True)
    removal_requested_on = models.DateField(_("removal requested on"), null=True, blank=True)
    # 要援護理由: why help is needed (in words the list prints; special-care details stay on
    # the person).
    reason = models.CharField(_("reason help is needed"), max_length=300, blank=True)
    joined_on = models.DateField(_("on the list since"))
    left_on = models.DateField(_("left the list on"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=100, blank=True)

    class Meta:
        ordering = ["person", "list_kind", "-joined_on"]
        verbose_name = _("list entry")
        verbose_name_plural = _("list entries")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "list_kind"],
                condition=Q(left_on__isnull=True),
                name="listentry_one_current_per_list",
            )
        ]
        indexes = [
            models.Index(fields=["list_kind", "basis", "left_on"], name="listentry_basis_idx")
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_list_kind_display()}"

    @property
    def is_current(self) -> bool:
        return self.left_on is None

    @property
    def is_shareable(self) -> bool:
        """May be shared with evacuation support providers in normal times."""
        if self.list_kind != ListKind.EVACUATION or self.left_on is not None:
            return False
        if self.basis == Basis.OPT_OUT:
            return self.removal_requested_on is None
        return self.basis in SHAREABLE_EVACUATION_BASES


class ConsentEventKind(models.TextChoices):
    ADDED = "added", _("Added to the list")
    CONSENT_GIVEN = "consent_given", _("Consent given")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")
    REMOVAL_REQUESTED = "removal_requested", _("Removal requested")
    BASIS_CHANGED = "basis_changed", _("Legal basis changed")
    SCOPE_CHANGED = "scope_changed", _("Scope of consent changed")
    REMOVED = "removed", _("Left the list")


class ConsentEvent(models.Model):
    """The consent history: every change of a person's basis on a list, never edited."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consent_events")
    list_kind = models.CharField(_("list"), max_length=20, choices=ListKind.choices)
    kind = models.CharField(_("event"), max_length=20, choices=ConsentEventKind.choices)
    basis = models.CharField(_("legal basis"), max_length=20, choices=Basis.choices)
    on = models.DateField(_("date"))
    scope = models.CharField(_("scope of consent"), max_length=300, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["person", "-on", "-recorded_at", "-id"]
        verbose_name = _("consent event")
        verbose_name_plural = _("consent events")

    def __str__(self) -> str:
        return f"{self.person} {self.on} {self.get_kind_display()}"


class InformationAgreement(models.Model):
    """An association's signed agreement to receive the evacuation-help list, with its named
    information manager (情報管理者). Without a current one, its managers see nobody."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="information_agreements"
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="information_agreements"
    )
    signed_on = models.DateField(_("signed on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)

    class Meta:
        ordering = ["organisation", "-signed_on"]
        verbose_name = _("information agreement")
        verbose_name_plural = _("information agreements")

    def __str__(self) -> str:
        return f"{self.organisation} ({self.signed_on})"


class SupporterKind(models.TextChoices):
    MINSEI_IIN = "minsei_iin", _("Welfare commissioner (minsei-iin)")
    NEIGHBOUR = "neighbour", _("Neighbour")
    VOLUNTEER = "volunteer", _("Volunteer")
    ASSOCIATION = "association", _("Neighbourhood association")
    CARE_PLAZA = "care_plaza", _("Care plaza")
    FAMILY = "family", _("Family")
    COMPANY = "company", _("Company")


class SupporterQuerySet(models.QuerySet["Supporter"]):
    def for_user(self, user: Any) -> SupporterQuerySet:
        from ainet.core import access

        return self.filter(access.supporter_q(user))


class Supporter(models.Model):
    """Someone who supports people: a 民生委員, a neighbour, a volunteer, an association, a
    care plaza, family or a company. Linked to an account when they log in to ainet."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=SupporterKind.choices)
    name = models.CharField(_("name"), max_length=200)
    name_kana = models.CharField(_("name (furigana)"), max_length=300, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supporter_profiles",
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    lng = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    # Language codes the supporter can help in, e.g. ["ja", "pt"].
    languages = models.JSONField(_("languages"), default=list, blank=True)
    # How many people the supporter can help evacuate at once.
    evacuation_capacity = models.PositiveSmallIntegerField(_("evacuation capacity"), default=1)
    is_active = models.BooleanField(_("active"), default=True)

    objects = SupporterQuerySet.as_manager()

    class Meta:
        ordering = ["municipality", "kind", "name_kana", "name", "id"]
        verbose_name = _("supporter")
        verbose_name_plural = _("supporters")
        indexes = [models.Index(fields=["municipality", "district"], name="supporter_district_idx")]

    def __str__(self) -> str:
        return self.name


class Frequency(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    OCCASIONALLY = "occasionally", _("Occasionally")
    IN_DISASTER = "in_disaster", _("In a disaster")


class SupportTieQuerySet(models.QuerySet["SupportTie"]):
    def active_on(self, day: datetime.date) -> SupportTieQuerySet:
        return self.filter(Q(since__lte=day) | Q(since__isnull=True)).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gt=day)
        )

    def for_user(self, user: Any) -> SupportTieQuerySet:
        from ainet.core import access

        return self.filter(access.person_q(user, "person__"))


class SupportTie(models.Model):
    """支え合いマップ: who supports whom, since when, how often. A tie ends; it is not deleted."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="ties")
    supporter = models.ForeignKey(Supporter, on_delete=models.PROTECT, related_name="ties")
    since = models.DateField(_("since"), null=True, blank=True)
    frequency = models.CharField(
        _("how often"), max_length=20, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    is_evacuation_support = models.BooleanField(_("helps to evacuate"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("why it ended"), max_length=300, blank=True)

    objects = SupportTieQuerySet.as_manager()

    class Meta:
        ordering = ["person", "supporter__kind", "since", "id"]
        verbose_name = _("support tie")
        verbose_name_plural = _("support ties")
        indexes = [
            models.Index(fields=["person", "ended_on"], name="tie_person_idx"),
            models.Index(fields=["supporter", "ended_on"], name="tie_supporter_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.supporter} → {self.person}"


class ContactMethod(models.TextChoices):
    VISIT = "visit", _("Home visit")
    PHONE = "phone", _("Phone")
    MEETING = "meeting", _("Met elsewhere")
    LETTER = "letter", _("Letter or note")
    OTHER = "other", _("Other")


class ContactCategory(models.TextChoices):
    """The national 民生委員 activity report's categories (福祉行政報告例)."""

    VISIT_CONTACT = "visit_contact", _("Visit or contact")  # 訪問・連絡活動
    CONSULTATION = "consultation", _("Consultation and support")  # 相談・支援
    LIAISON = "liaison", _("Liaison with other bodies")  # 連絡調整
    OTHER_ACTIVITY = "other_activity", _("Other activity")  # その他の活動


class ContactQuerySet(models.QuerySet["Contact"]):
    def for_user(self, user: Any) -> ContactQuerySet:
        from ainet.core import access

        return self.filter(access.person_q(user, "person__"))


class Contact(models.Model):
    """One contact or visit: who, when, how, what was noticed, whether follow-up is needed."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="contacts")
    supporter = models.ForeignKey(
        Supporter, on_delete=models.PROTECT, null=True, blank=True, related_name="contacts"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("when"))
    method = models.CharField(_("how"), max_length=20, choices=ContactMethod.choices)
    category = models.CharField(
        _("report category"),
        max_length=20,
        choices=ContactCategory.choices,
        default=ContactCategory.VISIT_CONTACT,
    )
    noticed = models.TextField(_("what was noticed"), blank=True)
    follow_up_needed = models.BooleanField(_("follow-up needed"), default=False)
    follow_up_done_on = models.DateField(_("follow-up done on"), null=True, blank=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [
            models.Index(fields=["person", "at"], name="contact_person_idx"),
            models.Index(fields=["supporter", "at"], name="contact_supporter_idx"),
            # The worklist asks, per person, whether a follow-up is still waiting.
            models.Index(
                fields=["person"],
                condition=Q(follow_up_needed=True, follow_up_done_on__isnull=True),
                name="contact_followup_pending_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.at:%Y-%m-%d}"


class Urgency(models.TextChoices):
    # Danger to life goes to 119/110 first; the form says so.
    URGENT = "urgent", _("Urgent (today)")
    SOON = "soon", _("Soon (within 3 days)")
    NORMAL = "normal", _("When possible")


class ReportStatus(models.TextChoices):
    RECEIVED = "received", _("Waiting for acknowledgement")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ACTING = "acting", _("Being acted on")
    # Its own context: the bare msgid "Closed" is an organisation's closing date (廃止日).
    CLOSED = "closed", pgettext_lazy("concern report", "Closed")


class ReporterKind(models.TextChoices):
    PARTNER_COMPANY = "partner_company", _("Partner company")
    RESIDENT = "resident", _("Resident")
    STAFF = "staff", _("Staff")
    OTHER = "other", _("Other")


class ConcernReportQuerySet(models.QuerySet["ConcernReport"]):
    def for_user(self, user: Any) -> ConcernReportQuerySet:
        from ainet.core import access

        return self.filter(access.concern_report_q(user))


class ConcernReport(models.Model):
    """見守り協定: a warning sign someone noticed, routed to the district's support team, open
    until it is closed with a recorded outcome."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    reporter_kind = models.CharField(_("reported by"), max_length=20, choices=ReporterKind.choices)
    reporter_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reporter_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reporter_name = models.CharField(_("reporter's name"), max_length=100, blank=True)
    reporter_contact = models.CharField(_("reporter's phone or e-mail"), max_length=200, blank=True)
    noticed = models.TextField(_("what was noticed"))
    where = models.CharField(_("where"), max_length=300)
    town = models.ForeignKey(
        Town, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="concern_reports"
    )
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.RECEIVED
    )
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    acknowledge_by = models.DateTimeField(_("acknowledge by"))
    act_by = models.DateTimeField(_("act by"))
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A client-generated key, so that a report re-sent after a network failure is stored once.
    idempotency_key = models.CharField(max_length=64, blank=True)

    objects = ConcernReportQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("concern report")
        verbose_name_plural = _("concern reports")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="concernreport_key_unique",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | ~Q(outcome=""),
                name="concernreport_closed_has_outcome",
            ),
        ]
        indexes = [models.Index(fields=["district", "status"], name="concern_district_idx")]

    def __str__(self) -> str:
        return f"{self.received_at:%Y-%m-%d} {self.where}"


class ConcernAction(models.Model):
    """Something done about a concern report (a visit, a call, a referral)."""

    report = models.ForeignKey(ConcernReport, on_delete=models.CASCADE, related_name="actions")
    at = models.DateTimeField(_("when"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("what was done"))

    class Meta:
        ordering = ["report", "at", "id"]
        verbose_name = _("action on a concern report")
        verbose_name_plural = _("actions on concern reports")

    def __str__(self) -> str:
        return f"{self.report} {self.at:%Y-%m-%d}"


class DisasterDeclarationQuerySet(models.QuerySet["DisasterDeclaration"]):
    def in_force(self, at: datetime.datetime | None = None) -> DisasterDeclarationQuerySet:
        at = at or timezone.now()
        return self.filter(starts_at__lte=at, expires_at__gt=at, ended_at__isnull=True)


class DisasterDeclaration(models.Model):
    """Disaster mode (災害対策基本法 art. 49-11(3)): while in force, evacuation support providers
    in the declared districts see the non-consented people on the evacuation-help list. It
    expires by itself at `expires_at`; a ward administrator may end it earlier. Declared and
    ended through the disaster app's services; lives here because the visibility rules of
    `care` depend on it."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    # Empty: every district of the municipality.
    districts = models.ManyToManyField(District, blank=True, related_name="+")
    reason = models.TextField(_("reason"))
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    starts_at = models.DateTimeField(_("from"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = DisasterDeclarationQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("disaster-mode declaration")
        verbose_name_plural = _("disaster-mode declarations")
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("starts_at")),
                name="disaster_expires_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M} {self.reason[:40]}"


# Defined in its own module (the roster import owns it); imported here so Django finds it.
from ainet.care.roster_models import RosterUpload, UploadStatus  # noqa: E402, F401
