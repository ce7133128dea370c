from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ainet.core.forms import CsvImportForm, JapaneseDateField
from ainet.core.models import District, Municipality
from ainet.facilities.models import EvacuationSite, Facility
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


class FacilityForm(forms.ModelForm):  # type: ignore[type-arg]
    """A facility as staff correct or add it by hand (a welfare shelter's capacity, a
    closing date, a point); the district is worked out from the point when left empty."""

    class Meta:
        model = Facility
        fields = [
            "kind",
            "subtype",
            "name",
            "name_kana",
            "name_en",
            "address",
            "building",
            "lat",
            "lng",
            "district",
            "phone",
            "url",
            "capacity",
            "opened_on",
            "closed_on",
            "note",
        ]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    url = forms.URLField(label=_("web page"), required=False, max_length=500, assume_scheme="https")
    opened_on = JapaneseDateField(label=_("opened on"), required=False)
    closed_on = JapaneseDateField(label=_("closed on"), required=False)

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        district = self.fields["district"]
        district.queryset = District.objects.filter(municipality=municipality)  # type: ignore[attr-defined]
        district.help_text = _("Leave empty to take the district of the nearest town block.")
        for name in ("lat", "lng"):
            self.fields[name].help_text = _("Decimal degrees (WGS84).")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lat, lng = data.get("lat"), data.get("lng")
        if (lat is None) != (lng is None):
            raise forms.ValidationError(_("Give both latitude and longitude, or neither."))
        if lat is not None and lng is not None and not (20 <= lat <= 46 and 122 <= lng <= 154):
            raise forms.ValidationError(_("The point is outside Japan: check the coordinates."))
        opened, closed = data.get("opened_on"), data.get("closed_on")
        if opened and closed and closed <= opened:
            self.add_error("closed_on", _("Must be after the opening date."))
        return data


class EvacuationSiteForm(forms.ModelForm):  # type: ignore[type-arg]
    """What a shelter or evacuation site is designated for (the standard list's columns)."""

    class Meta:
        model = EvacuationSite
        fields = [
            "flood",
            "landslide",
            "storm_surge",
            "earthquake",
            "tsunami",
            "large_fire",
            "inland_flood",
            "volcano",
            "is_designated_shelter",
            "target_associations",
        ]
        widgets = {"target_associations": forms.Textarea(attrs={"rows": 2})}
