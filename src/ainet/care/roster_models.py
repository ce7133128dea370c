"""A roster file uploaded through the web, kept between its preview and its application.

The file's bytes live in the database (so it works the same on SQLite and PostgreSQL, with
nothing to clean up on disk) and are cleared once the import is applied or discarded: the
ward system remains the source of the file. `report` holds the preview (counts, errors and
the rows that change) and `digest` what applying would do, so that a preview made stale by
changes to the people since is refused (`care/roster_jobs.py`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ainet.care.models import ListKind
from ainet.core.models import Municipality


class UploadStatus(models.TextChoices):
    CHECKING = "checking", _("Checking the file")
    READY = "ready", _("Preview ready to apply")
    INVALID = "invalid", _("Problems found, nothing can be applied")
    UNUSABLE = "unusable", _("The file cannot be used")
    APPLYING = "applying", _("Applying")
    APPLIED = "applied", _("Applied")
    STALE = "stale", _("Not applied: the people changed since the preview")
    DISCARDED = "discarded", _("Discarded")
    FAILED = "failed", _("Failed")


RUNNING_STATUSES = (UploadStatus.CHECKING, UploadStatus.APPLYING)


class RosterUploadQuerySet(models.QuerySet["RosterUpload"]):
    def for_user(self, user: Any) -> RosterUploadQuerySet:
        """Uploads of the municipalities where the user may manage the legal basis."""
        from ainet.core import access

        if not access.can(user, "care.manage_basis"):
            return self.none()
        return self.filter(municipality_id__in=sorted(access.administered_municipality_ids(user)))


class RosterUpload(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    list_kind = models.CharField(_("list"), max_length=20, choices=ListKind.choices)
    filename = models.CharField(_("file name"), max_length=200)
    data = models.BinaryField(editable=False, default=bytes)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=12, choices=UploadStatus.choices, default=UploadStatus.CHECKING
    )
    # Progress of the running step: phase read|match|apply, rows done of total.
    phase = models.CharField(max_length=10, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    progress_at = models.DateTimeField(null=True, blank=True)
    digest = models.CharField(max_length=64, blank=True)
    report = models.JSONField(default=dict, blank=True)
    message = models.TextField(_("message"), blank=True)
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = RosterUploadQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("roster upload")
        verbose_name_plural = _("roster uploads")

    def __str__(self) -> str:
        return f"{self.filename} ({self.uploaded_at:%Y-%m-%d %H:%M})"

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING_STATUSES

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.done / self.total)) if self.total else 0
