"""Community activity: groups, ongoing activities, events with registrations and participants.
The forum, district activities, trainings and (later) the public calendar all live here; the
キャラバン・メイト and dementia-supporter courses belong to the volunteers app."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from ainet.core.models import District, Municipality, Organisation
from ainet.plan.models import Pillar, Theme


def _scoped(queryset: models.QuerySet[Any], user: Any, field: str) -> Any:
    from ainet.core import access

    if not access.can(user, "community.view"):
        return queryset.none()
    ward_wide = models.Q(**{f"{field}__isnull": True}) & access.municipality_q(user)
    return queryset.filter(ward_wide | access.district_q(user, f"{field}_id"))


class GroupKind(models.TextChoices):
    ASSOCIATION = "association", _("Neighbourhood association")
    DISTRICT_SHAKYO = "district_shakyo", _("District social welfare council")
    SALON = "salon", _("Salon")
    NPO = "npo", _("NPO / citizens' group")
    COMPANY = "company", _("Company")
    OTHER = "other", _("Other")


class GroupQuerySet(models.QuerySet["Group"]):
    def for_user(self, user: Any) -> Any:
        return _scoped(self, user, "district")


class Group(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=GroupKind.choices)
    name = models.CharField(_("name"), max_length=200)
    name_kana = models.CharField(_("name (kana)"), max_length=300, blank=True)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="groups"
    )
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)

    objects = GroupQuerySet.as_manager()

    class Meta:
        ordering = ["municipality", "name_kana", "name"]
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="group_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class ActivityType(models.Model):
    """あいさつ運動, 世代間交流, マップづくり … and more that staff add."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        ordering = ["municipality", "sort_order", "name"]
        verbose_name = _("activity type")
        verbose_name_plural = _("activity types")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "code"], name="activity_type_unique")
        ]

    def __str__(self) -> str:
        return self.name


class ActivityQuerySet(models.QuerySet["Activity"]):
    def for_user(self, user: Any) -> Any:
        return _scoped(self, user, "district")


class Activity(models.Model):
    """An ongoing activity, with the pillar and theme it serves and who is behind it."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    activity_type = models.ForeignKey(
        ActivityType, on_delete=models.PROTECT, related_name="activities", verbose_name=_("type")
    )
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("district"),
    )
    pillar = models.ForeignKey(
        Pillar, on_delete=models.PROTECT, null=True, blank=True, related_name="activities"
    )
    theme = models.ForeignKey(
        Theme, on_delete=models.PROTECT, null=True, blank=True, related_name="activities"
    )
    organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="+", verbose_name=_("organisations behind it")
    )
    groups = models.ManyToManyField(
        Group, blank=True, related_name="activities", verbose_name=_("groups behind it")
    )
    started_on = models.DateField(_("started on"), db_index=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on", "name"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def __str__(self) -> str:
        return self.name

    def active_during(self, start: datetime.date, end: datetime.date) -> bool:
        return self.started_on <= end and (self.ended_on is None or self.ended_on >= start)


class EventKind(models.TextChoices):
    FORUM = "forum", _("Promotion forum")
    DISTRICT_FORUM = "district_forum", _("District forum")
    DISCUSSION = "discussion", _("Discussion meeting")
    SALON = "salon", _("Salon")
    TRAINING = "training", _("Training or course")
    FESTIVAL = "festival", _("Festival or exchange event")
    OTHER = "other", _("Other")


class EventQuerySet(models.QuerySet["Event"]):
    def for_user(self, user: Any) -> Any:
        return _scoped(self, user, "district")


class Event(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    activity = models.ForeignKey(
        Activity,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("activity"),
    )
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("district"),
    )
    date = models.DateField(_("date"), db_index=True)
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    end_time = models.TimeField(_("end time"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return f"{self.date} {self.title}"


class Registration(models.Model):
    """Someone signed up for an event (personal data: read only through the event)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    name = models.CharField(_("name"), max_length=100)
    name_kana = models.CharField(_("name (kana)"), max_length=200, blank=True)
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    registered_on = models.DateField(_("registered on"))
    cancelled_on = models.DateField(_("cancelled on"), null=True, blank=True)

    class Meta:
        ordering = ["event", "registered_on", "id"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")

    def __str__(self) -> str:
        return self.name


class Participation(models.Model):
    """One person who took part in an event: one row each, so counts come from records."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="participations")
    registration = models.OneToOneField(
        Registration, on_delete=models.SET_NULL, null=True, blank=True, related_name="attended"
    )
    # The participant's district, where known (for per-district counts).
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["event", "id"]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")

    def __str__(self) -> str:
        return f"{self.event_id}#{self.pk}"
