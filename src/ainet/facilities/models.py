"""Facilities with opening and closing dates, so that "open on 1 April" is exact. For now the
kinds the plan counts; the facilities issue adds the open-data formats and the map."""

from __future__ import annotations

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from ainet.core.models import District, Municipality, Organisation


class FacilityKind(models.TextChoices):
    CARE_PLAZA = "care_plaza", _("Community care plaza")
    NURSERY = "nursery", _("Nursery (licensed)")


class Facility(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=30, choices=FacilityKind.choices)
    name = models.CharField(_("name"), max_length=200)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="facilities"
    )
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    is_demo_name = models.BooleanField(_("demo name"), default=False)

    class Meta:
        ordering = ["municipality", "kind", "opened_on", "name"]
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")

    def __str__(self) -> str:
        return self.name

    def is_open_on(self, day: datetime.date) -> bool:
        return self.opened_on <= day and (self.closed_on is None or day < self.closed_on)
