from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ainet.core.forms import JapaneseDateField
from ainet.core.models import Organisation, OrganisationKind
from ainet.plan.models import (
    Challenge,
    Initiative,
    Pillar,
    PlanPeriod,
    SupportTeamMember,
    Theme,
)


class PeriodForm(forms.ModelForm[PlanPeriod]):
    class Meta:
        model = PlanPeriod
        fields = ["number", "name", "first_fy", "last_fy", "basic_goal"]

    def __init__(self, *args: Any, municipality: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        for name in ("first_fy", "last_fy"):
            self.fields[name].widget.attrs.update({"min": 1989, "max": 2100})

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, last = cleaned.get("first_fy"), cleaned.get("last_fy")
        for name in ("first_fy", "last_fy"):
            value = cleaned.get(name)
            if value is not None and not 1989 <= value <= 2100:
                self.add_error(name, _("Enter a fiscal year between 1989 and 2100."))
        if first and last and first > last:
            raise forms.ValidationError(_("The first fiscal year is after the last."))
        number = cleaned.get("number")
        clash = PlanPeriod.objects.filter(municipality=self.municipality, number=number or 0)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if number is not None and clash.exists():
            self.add_error("number", _("This municipality already has a period with this number."))
        return cleaned


class PillarForm(forms.ModelForm[Pillar]):
    class Meta:
        model = Pillar
        fields = ["number", "title", "description"]


class ThemeForm(forms.ModelForm[Theme]):
    class Meta:
        model = Theme
        fields = ["number", "title"]


class InitiativeForm(forms.ModelForm[Initiative]):
    class Meta:
        model = Initiative
        fields = ["owner", "heading", "details", "sort_order"]


class ChallengeForm(forms.ModelForm[Challenge]):
    class Meta:
        model = Challenge
        fields = ["text", "sort_order"]


class TeamMemberForm(forms.ModelForm[SupportTeamMember]):
    starts_on = JapaneseDateField(label=_("From"))

    class Meta:
        model = SupportTeamMember
        fields = ["name", "organisation", "position", "starts_on"]

    def __init__(self, *args: Any, municipality: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Teams are staffed by the ward office, the ward council and the care plazas.
        self.fields["organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            municipality=municipality,
            kind__in=[
                OrganisationKind.WARD_OFFICE,
                OrganisationKind.WARD_SHAKYO,
                OrganisationKind.CARE_PLAZA,
                OrganisationKind.SUPPORT_CENTRE,
            ],
        )
