"""Grant programmes and the projects they funded. For now: the funded projects the indicator
counts; the grants issue adds applications, reviews, payments and the fund ledger."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ainet.core.models import District, Municipality


class Programme(models.Model):
    """e.g. スタートダッシュ事業, つるみ・地域元気づくり事業, 共助のための防災活動支援事業."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    owner = models.CharField(_("run by"), max_length=200)
    first_fy = models.PositiveSmallIntegerField(_("first fiscal year"))
    last_fy = models.PositiveSmallIntegerField(_("last fiscal year"), null=True, blank=True)

    class Meta:
        ordering = ["municipality", "first_fy", "code"]
        verbose_name = _("grant programme")
        verbose_name_plural = _("grant programmes")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "code"], name="programme_code_unique")
        ]

    def __str__(self) -> str:
        return self.name


class FundedProject(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="projects")
    title = models.CharField(_("title"), max_length=200)
    applicant = models.CharField(_("applicant group"), max_length=200)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_on = models.DateField(_("started on"), db_index=True)
    amount_yen = models.PositiveIntegerField(_("amount (yen)"), default=0)

    class Meta:
        ordering = ["-started_on", "title"]
        verbose_name = _("funded project")
        verbose_name_plural = _("funded projects")

    def __str__(self) -> str:
        return self.title
