from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ainet.core.forms import CsvImportForm
from ainet.facilities.opendata import FORMAT_KINDS

FORMAT_LABELS = {
    "evacuation": _("Evacuation sites (指定緊急避難場所一覧)"),
    "care": _("Care service providers (介護サービス事業所一覧)"),
    "childcare": _("Childcare facilities (子育て施設一覧)"),
    "aed": _("AED locations (AED設置箇所一覧)"),
}


class ImportForm(CsvImportForm):
    format_kind = forms.ChoiceField(
        label=_("Dataset"), choices=[(k, FORMAT_LABELS[k]) for k in FORMAT_KINDS]
    )
    field_order = ["format_kind"]
