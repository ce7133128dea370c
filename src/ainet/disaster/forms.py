"""Forms of the disaster app's plans side. They only parse; `services` decides."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ainet.care.models import Person, Supporter
from ainet.core.models import District
from ainet.disaster import proposals
from ainet.disaster.models import EvacuationPlan
from ainet.disaster.services import DEFAULT_DURATION, MAX_DURATION, PlanInput
from ainet.disaster.shelters import shelter_queryset
from ainet.facilities.models import Facility


class ListFilterForm(forms.Form):
    district = forms.ModelChoiceField(
        queryset=District.objects.none(), required=False, label=_("District"), to_field_name="code"
    )
    association = forms.ChoiceField(required=False, label=_("Neighbourhood association"))

    def __init__(self, *args: Any, districts: Any, associations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts  # type: ignore[attr-defined]
        self.fields["district"].empty_label = _("All districts")  # type: ignore[attr-defined]
        self.associations = {str(a.pk): a for a in associations}
        self.fields["association"].choices = [("", _("All associations"))] + [  # type: ignore[attr-defined]
            (str(a.pk), a.name) for a in associations
        ]


class PlanForm(forms.Form):
    primary_supporter = forms.ModelChoiceField(
        queryset=Supporter.objects.none(), required=False, label=_("Primary supporter")
    )
    backup_supporter = forms.ModelChoiceField(
        queryset=Supporter.objects.none(), required=False, label=_("Backup supporter")
    )
    needs_two_supporters = forms.BooleanField(
        required=False,
        label=_("Needs two supporters"),
        help_text=_("Both the primary and the backup supporter come to help."),
    )
    destination_facility: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=Facility.objects.none(),
        required=False,
        label=_("Destination: evacuation site or welfare shelter"),
    )
    destination_text = forms.CharField(
        required=False,
        max_length=300,
        label=_("Destination: other place"),
        help_text=_("For example a relative's house, when it is not in the list."),
    )
    route_notes = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label=_("Route")
    )
    what_to_take = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label=_("What to take")
    )
    care_needs = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Care needs during evacuation"),
        help_text=_("Special-care data: shown only to staff who may see it."),
    )
    timing_level3 = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("At alert level 3 (elderly and others evacuate)"),
    )
    timing_level4 = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("At alert level 4 (evacuation instruction)"),
    )
    timing_level5 = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("At alert level 5 (emergency safety measures)"),
    )
    consent_on = forms.DateField(
        required=False,
        label=_("Consent given on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "Required: a plan is shared with its supporters only with the person's consent."
        ),
    )
    consent_note = forms.CharField(required=False, max_length=300, label=_("How consent was given"))
    change = forms.CharField(
        required=False, max_length=300, label=_("What changed (for the history)")
    )

    def __init__(
        self, *args: Any, user: Any, person: Person, show_care: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        supporters = (
            Supporter.objects.for_user(user)
            .filter(municipality=person.municipality, is_active=True)
            .order_by("district__code", "name_kana", "name")
        )
        self.fields["primary_supporter"].queryset = supporters  # type: ignore[attr-defined]
        self.fields["backup_supporter"].queryset = supporters  # type: ignore[attr-defined]
        self.fields["destination_facility"].queryset = shelter_queryset(person.municipality)  # type: ignore[attr-defined]
        if not show_care:
            del self.fields["care_needs"]

    @classmethod
    def initial_for(cls, plan: EvacuationPlan | None, person: Person) -> dict[str, Any]:
        if plan is None:
            return {"needs_two_supporters": proposals.person_needs_two(person)}
        data: dict[str, Any] = {
            name: getattr(plan, name)
            for name in (
                "primary_supporter",
                "backup_supporter",
                "needs_two_supporters",
                "destination_facility",
                "destination_text",
                "route_notes",
                "what_to_take",
                "care_needs",
                "timing_level3",
                "timing_level4",
                "timing_level5",
                "consent_on",
                "consent_note",
            )
        }
        return data

    def to_input(self, plan: EvacuationPlan | None) -> PlanInput:
        d = self.cleaned_data
        care = d["care_needs"] if "care_needs" in self.fields else (plan.care_needs if plan else "")
        return PlanInput(
            primary_supporter=d["primary_supporter"],
            backup_supporter=d["backup_supporter"],
            needs_two_supporters=d["needs_two_supporters"],
            destination_facility=d["destination_facility"],
            destination_text=d["destination_text"],
            route_notes=d["route_notes"],
            what_to_take=d["what_to_take"],
            care_needs=care,
            timing_level3=d["timing_level3"],
            timing_level4=d["timing_level4"],
            timing_level5=d["timing_level5"],
            consent_on=d["consent_on"],
            consent_note=d["consent_note"],
        )


class ProposalForm(forms.Form):
    max_distance_m = forms.IntegerField(
        required=False,
        min_value=50,
        max_value=proposals.MAX_DISTANCE_LIMIT_M,
        label=_("Longest distance (metres, straight line)"),
    )
    replan = forms.BooleanField(
        required=False, label=_("Also re-plan people whose supporter is no longer active")
    )


class DeclareForm(forms.Form):
    reason = forms.CharField(
        max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), label=_("Reason")
    )
    districts = forms.ModelMultipleChoiceField(
        queryset=District.objects.none(),
        required=False,
        label=_("Districts"),
        help_text=_("Choose none for the whole ward."),
        widget=forms.CheckboxSelectMultiple,
    )
    hours = forms.IntegerField(
        min_value=1,
        max_value=int(MAX_DURATION.total_seconds() // 3600),
        initial=int(DEFAULT_DURATION.total_seconds() // 3600),
        label=_("Lasts (hours)"),
        help_text=_("It ends by itself after this time (at most 168 hours, 7 days)."),
    )

    def __init__(self, *args: Any, districts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["districts"].queryset = districts  # type: ignore[attr-defined]
