"""Page content of the public pages in residents' languages, written by staff.

Each text is identified by a key from `content.TEXTS` (the home page's welcome, the plan in
brief, how to report a concern …) and a language. A page asks for its language; when staff have
not written it, it gets やさしい日本語, then 日本語, then the built-in text, never an empty page.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ainet.core.models import Municipality


class PublicText(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(_("text"), max_length=60)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    body = models.TextField(
        _("text"),
        max_length=10_000,
        help_text=_(
            "Plain text; an empty line starts a new paragraph. In Easy Japanese write "
            "furigana as 漢字《かんじ》."
        ),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["municipality", "key", "language"]
        verbose_name = _("public text")
        verbose_name_plural = _("public texts")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "key", "language"], name="public_text_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} [{self.language}]"
