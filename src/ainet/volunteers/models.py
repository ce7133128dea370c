"""The volunteer centre. For now: registrations with dates, which the registered-volunteer
indicator counts; the volunteer-centre issue builds the rest on this model."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ainet.core.models import District, Municipality


class Volunteer(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    registered_on = models.DateField(_("registered on"), db_index=True)
    ended_on = models.DateField(_("registration ended on"), null=True, blank=True)

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
