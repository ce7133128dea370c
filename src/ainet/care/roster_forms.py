"""The upload form of the roster import page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ainet.care.models import ListKind
from ainet.care.roster_jobs import MAX_UPLOAD_BYTES
from ainet.core import access
from ainet.core.models import Municipality


class RosterUploadForm(forms.Form):
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.none(), empty_label=None
    )
    list_kind = forms.ChoiceField(label=_("List"), choices=ListKind.choices)
    file = forms.FileField(
        label=_("Roster file (CSV: UTF-8 or Shift_JIS)"),
        help_text=_("The export of the ward system, with the header in row 1."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["municipality"]
        field.queryset = Municipality.objects.filter(
            pk__in=sorted(access.administered_municipality_ids(user))
        ).order_by("code")

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)d MB.")
                % {"limit": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload
