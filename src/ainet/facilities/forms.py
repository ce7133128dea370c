from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ainet.facilities.opendata import FORMAT_KINDS

FORMAT_LABELS = {
    "evacuation": _("Evacuation sites (指定緊急避難場所一覧)"),
    "care": _("Care service providers (介護サービス事業所一覧)"),
    "childcare": _("Childcare facilities (子育て施設一覧)"),
    "aed": _("AED locations (AED設置箇所一覧)"),
}
MAX_UPLOAD = 10 * 1024 * 1024


class ImportForm(forms.Form):
    format_kind = forms.ChoiceField(
        label=_("Dataset"), choices=[(k, FORMAT_LABELS[k]) for k in FORMAT_KINDS]
    )
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8 (with or without BOM) or Shift_JIS (CP932), as exported from Excel."),
    )
    dry_run = forms.BooleanField(label=_("Check only, import nothing"), required=False)

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return upload
