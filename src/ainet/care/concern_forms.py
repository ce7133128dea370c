"""Forms for concern reports: the public form residents use (with a honeypot), the form
partner companies and staff use, and the district team's actions. Rules that keep a report
consistent live in `care.concerns`; its ValidationError goes back on the form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ainet.care.concerns import MAX_NOTE, MAX_NOTICED, MAX_WHERE, ConcernInput
from ainet.care.models import Urgency
from ainet.core.models import Municipality, Town


class TownChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.district.name}）" if obj.district_id else str(obj.name)


def towns_of(municipality: Municipality) -> QuerySet[Town]:
    return (
        Town.objects.filter(municipality=municipality)
        .select_related("district")
        .order_by("name", "koaza", "pk")
    )


class ConcernForm(forms.Form):
    noticed = forms.CharField(
        label=_("What did you notice?"),
        help_text=_(
            "For example: newspapers or mail piling up, washing left out for days, "
            "lights on day and night, no answer at the door."
        ),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=MAX_NOTICED,
        error_messages={"required": _("Please describe what you noticed.")},
    )
    town = TownChoiceField(
        label=_("Town block"),
        queryset=Town.objects.none(),
        required=False,
        empty_label=_("I do not know"),
        help_text=_("The town block (chōme) where you noticed it, if you know it."),
        error_messages={"invalid_choice": _("Please choose a town block from the list.")},
    )
    where = forms.CharField(
        label=_("Where exactly?"),
        help_text=_("An address, a building and room number, or a landmark."),
        max_length=MAX_WHERE,
        error_messages={"required": _("Please say where: an address, a building or a landmark.")},
    )
    urgency = forms.ChoiceField(
        label=_("How urgent is it?"),
        choices=Urgency.choices,
        widget=forms.RadioSelect,
        initial=Urgency.SOON,
        error_messages={
            "required": _("Please choose how urgent it is."),
            "invalid_choice": _("Please choose how urgent it is."),
        },
    )
    reporter_name = forms.CharField(label=_("Your name (optional)"), required=False, max_length=100)
    reporter_contact = forms.CharField(
        label=_("Your phone or e-mail (optional)"),
        help_text=_("Only so that the ward office can ask you more if needed."),
        required=False,
        max_length=200,
    )

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        town_field = self.fields["town"]
        if isinstance(town_field, TownChoiceField):  # always; narrows the type
            town_field.queryset = towns_of(municipality)

    def concern_input(self) -> ConcernInput:
        data = self.cleaned_data
        return ConcernInput(
            noticed=data["noticed"],
            where=data["where"],
            urgency=data["urgency"],
            town=data["town"],
            reporter_name=data.get("reporter_name", ""),
            reporter_contact=data.get("reporter_contact", ""),
        )


class PublicConcernForm(ConcernForm):
    # A honeypot: hidden from people (CSS and aria-hidden), filled in by bots.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def is_spam(self) -> bool:
        return bool(self.data.get("website", "").strip())


class StaffConcernForm(ConcernForm):
    """Partner companies and staff: their account says who they are."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reporter_name"].label = _("Name of the person reporting (optional)")
        self.fields["reporter_contact"].label = _("Phone to call back (optional)")


class ActionForm(forms.Form):
    note = forms.CharField(
        label=_("What was done"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=MAX_NOTE,
    )


class CloseForm(forms.Form):
    outcome = forms.CharField(
        label=_("Outcome"),
        help_text=_(
            "What happened in the end: the person was found well, was taken to "
            "hospital, support was arranged …"
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=MAX_NOTE,
    )


class LinkPersonForm(forms.Form):
    person = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
