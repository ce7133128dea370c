"""Facilities with opening and closing dates, so that "open on 1 April" is exact: care plazas,
地域包括支援センター, care service providers, nurseries and other childcare, 地域子育て支援拠点,
区民活動支援センター, 国際交流ラウンジ, AEDs, 指定緊急避難場所 and 福祉避難所.

Facilities are not personal data: staff of the municipality read all of them, and the public
pages and open data show those open today. Evacuation sites and welfare shelters carry their
disaster details in `EvacuationSite` (one row per such facility), which the disaster
capability uses.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from ainet.core.models import District, Municipality, Organisation


class FacilityKind(models.TextChoices):
    CARE_PLAZA = "care_plaza", _("Community care plaza")
    SUPPORT_CENTRE = "support_centre", _("Community general support centre")
    CARE_SERVICE = "care_service", _("Care service provider")
    NURSERY = "nursery", _("Nursery (licensed)")
    CHILDCARE = "childcare", _("Other childcare facility")
    CHILDCARE_HUB = "childcare_hub", _("Local childcare support hub")
    CIVIC_CENTRE = "civic_centre", _("Civic activity support centre")
    INTERNATIONAL_LOUNGE = "international_lounge", _("International exchange lounge")
    AED = "aed", _("AED")
    EVACUATION_SITE = "evacuation_site", _("Designated emergency evacuation site")
    WELFARE_SHELTER = "welfare_shelter", _("Welfare shelter")


# Kinds that carry an EvacuationSite row (the disaster capability's shelters).
SHELTER_KINDS = (FacilityKind.EVACUATION_SITE, FacilityKind.WELFARE_SHELTER)


class Dataset(models.TextChoices):
    """Where a facility came from: one of the Digital Agency's standard datasets, or typed in."""

    EVACUATION = "evacuation", _("Designated emergency evacuation sites (指定緊急避難場所一覧)")
    CARE = "care", _("Care service providers (介護サービス事業所一覧)")
    CHILDCARE = "childcare", _("Childcare facilities (子育て施設一覧)")
    AED = "aed", _("AED locations (AED設置箇所一覧)")
    MANUAL = "manual", _("Entered by staff")
    DEMO = "demo", _("Synthetic demo data")


class FacilityQuerySet(models.QuerySet["Facility"]):
    def for_user(self, user: Any) -> FacilityQuerySet:
        """Staff who may view facilities see every facility of their municipalities."""
        from ainet.core import access

        if not access.can(user, "facilities.view"):
            return self.none()
        return self.filter(access.municipality_q(user))

    def open_on(self, day: datetime.date) -> FacilityQuerySet:
        """Open on `day`; a facility with no known opening date counts as open (imported
        open data lists facilities in service without their opening date)."""
        started = models.Q(opened_on__isnull=True) | models.Q(opened_on__lte=day)
        not_closed = models.Q(closed_on__isnull=True) | models.Q(closed_on__gt=day)
        return self.filter(started & not_closed)


class Facility(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=30, choices=FacilityKind.choices)
    # 種別 of 子育て施設一覧 (認可私立保育所 …) or 実施サービス of 介護サービス事業所一覧.
    subtype = models.CharField(_("type"), max_length=200, blank=True)
    name = models.CharField(_("name"), max_length=200)
    name_kana = models.CharField(_("name (kana)"), max_length=300, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    building = models.CharField(_("building"), max_length=200, blank=True)
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    lng = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=60, blank=True)
    url = models.URLField(_("web page"), max_length=500, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="facilities"
    )
    # Null: not known (open data rarely says); counted as open by the public pages, never by
    # the plan's indicators, which need the date.
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    dataset = models.CharField(
        _("source"), max_length=20, choices=Dataset.choices, default=Dataset.MANUAL
    )
    # The dataset's own ID column (often empty in real files).
    source_id = models.CharField(_("source ID"), max_length=100, blank=True)
    # The other columns of the standard dataset (設置位置, 利用可能曜日, 定員 as written …),
    # kept so that an export gives back what was imported.
    details = models.JSONField(_("other columns"), default=dict, blank=True)
    is_demo_name = models.BooleanField(_("demo name"), default=False)
    is_synthetic = models.BooleanField(
        _("synthetic"),
        default=False,
        help_text=_("Invented for the demo ward; not a real facility."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = FacilityQuerySet.as_manager()

    class Meta:
        ordering = ["municipality", "kind", "opened_on", "name"]
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        indexes = [models.Index(fields=["municipality", "kind"], name="facility_kind_idx")]

    def __str__(self) -> str:
        return self.name

    def is_open_on(self, day: datetime.date) -> bool:
        started = self.opened_on is None or self.opened_on <= day
        return started and (self.closed_on is None or day < self.closed_on)

    @property
    def has_point(self) -> bool:
        return self.lat is not None and self.lng is not None


class DisasterType(models.TextChoices):
    """The eight 災害種別 of 指定緊急避難場所一覧, in the standard's column order."""

    FLOOD = "flood", _("Flood")
    LANDSLIDE = "landslide", _("Landslide, debris flow or slope failure")
    STORM_SURGE = "storm_surge", _("Storm surge")
    EARTHQUAKE = "earthquake", _("Earthquake")
    TSUNAMI = "tsunami", _("Tsunami")
    LARGE_FIRE = "large_fire", _("Large-scale fire")
    INLAND_FLOOD = "inland_flood", _("Inland flooding")
    VOLCANO = "volcano", _("Volcanic phenomena")


class EvacuationSite(models.Model):
    """The disaster details of an evacuation site (指定緊急避難場所) or welfare shelter
    (福祉避難所). Name, kana, address, point and 想定収容人数 (`capacity`) are on the facility."""

    facility = models.OneToOneField(
        Facility, on_delete=models.CASCADE, primary_key=True, related_name="evacuation"
    )
    flood = models.BooleanField(DisasterType.FLOOD.label, default=False)
    landslide = models.BooleanField(DisasterType.LANDSLIDE.label, default=False)
    storm_surge = models.BooleanField(DisasterType.STORM_SURGE.label, default=False)
    earthquake = models.BooleanField(DisasterType.EARTHQUAKE.label, default=False)
    tsunami = models.BooleanField(DisasterType.TSUNAMI.label, default=False)
    large_fire = models.BooleanField(DisasterType.LARGE_FIRE.label, default=False)
    inland_flood = models.BooleanField(DisasterType.INLAND_FLOOD.label, default=False)
    volcano = models.BooleanField(DisasterType.VOLCANO.label, default=False)
    # 指定避難所との重複: the site is also a designated shelter (指定避難所).
    is_designated_shelter = models.BooleanField(_("also a designated shelter"), default=False)
    # 対象となる町会・自治会, as the dataset writes them.
    target_associations = models.TextField(_("neighbourhood associations served"), blank=True)

    class Meta:
        ordering = ["facility"]
        verbose_name = _("evacuation site")
        verbose_name_plural = _("evacuation sites")

    def __str__(self) -> str:
        return str(self.facility)

    @property
    def disaster_types(self) -> list[DisasterType]:
        return [t for t in DisasterType if getattr(self, t.value)]
