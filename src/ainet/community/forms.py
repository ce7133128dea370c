"""Forms of the community pages. They parse and scope the choices to what the user may see;
the rules that keep records consistent (a theme of its pillar, capacity, one attendance per
registration …) live in `services`, whose ValidationError the views put back on the form."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from ainet.community.models import Activity, ActivityType, EventKind, Group, GroupKind
from ainet.community.services import MAX_WALK_INS
from ainet.core import access
from ainet.core.dates import format_fiscal_year, format_wareki_fiscal_year
from ainet.core.forms import JapaneseDateField
from ainet.core.models import District, Municipality, Organisation
from ainet.plan.models import Pillar, Theme

WARD_WIDE = "ward"


def fiscal_year_label(fy: int) -> str:
    """和暦 with the Western year: "平成22年度（2010年度）", or "FY2010 (平成22年度)" in English."""
    if (get_language() or "ja").startswith("en"):
        return f"{format_fiscal_year(fy, 'en')} ({format_wareki_fiscal_year(fy)})"
    return format_fiscal_year(fy, "ja")


def user_municipalities(user: Any) -> QuerySet[Municipality]:
    return Municipality.objects.filter(access.municipality_q(user, "pk")).order_by("code")


def visible_districts(user: Any) -> QuerySet[District]:
    return (
        District.objects.for_user(user)
        .select_related("municipality")
        .order_by("municipality__code", "sort_order")
    )


class PillarChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.period.name} {obj.number}. {obj.title}"


class ThemeChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.pillar.period.name} {obj.pillar.number}-{obj.number} {obj.title}"


def pillars_for(user: Any) -> QuerySet[Pillar]:
    return (
        Pillar.objects.filter(access.municipality_q(user, "period__municipality_id"))
        .select_related("period")
        .order_by("period__municipality__code", "period__number", "number")
    )


def themes_for(user: Any) -> QuerySet[Theme]:
    return (
        Theme.objects.filter(access.municipality_q(user, "pillar__period__municipality_id"))
        .select_related("pillar__period")
        .order_by("pillar__period__number", "pillar__number", "number")
    )


def activity_types_for(user: Any) -> QuerySet[ActivityType]:
    return ActivityType.objects.filter(access.municipality_q(user)).order_by(
        "municipality__code", "sort_order", "name"
    )


# --- Filters --------------------------------------------------------------------------


def _district_filter_choices(user: Any) -> list[tuple[str, str]]:
    return [
        ("", str(_("All districts"))),
        (WARD_WIDE, str(_("Whole ward only"))),
        *[(str(d.pk), d.name) for d in visible_districts(user)],
    ]


def _year_choices(years: Iterable[int]) -> list[tuple[str, str]]:
    return [("", str(_("All fiscal years"))), *[(str(fy), fiscal_year_label(fy)) for fy in years]]


class GroupFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *GroupKind.choices]
    )
    district = forms.ChoiceField(label=_("District"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = _district_filter_choices(user)  # type: ignore[attr-defined]


class ActivityFilterForm(forms.Form):
    district = forms.ChoiceField(label=_("District"), required=False)
    activity_type = forms.ChoiceField(label=_("Type"), required=False)
    pillar = forms.ChoiceField(label=_("Pillar"), required=False)
    fy = forms.ChoiceField(label=_("Active in fiscal year"), required=False)

    def __init__(self, *args: Any, user: Any, years: Iterable[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = _district_filter_choices(user)  # type: ignore[attr-defined]
        self.fields["activity_type"].choices = [  # type: ignore[attr-defined]
            ("", str(_("All types"))),
            *[(str(t.pk), t.name) for t in activity_types_for(user)],
        ]
        pillar_field = PillarChoiceField(queryset=pillars_for(user))
        self.fields["pillar"].choices = [  # type: ignore[attr-defined]
            ("", str(_("All pillars"))),
            *[(str(p.pk), pillar_field.label_from_instance(p)) for p in pillars_for(user)],
        ]
        self.fields["fy"].choices = _year_choices(years)  # type: ignore[attr-defined]


class EventFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *EventKind.choices]
    )
    district = forms.ChoiceField(label=_("District"), required=False)
    fy = forms.ChoiceField(label=_("Fiscal year"), required=False)

    def __init__(self, *args: Any, user: Any, years: Iterable[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = _district_filter_choices(user)  # type: ignore[attr-defined]
        self.fields["fy"].choices = _year_choices(years)  # type: ignore[attr-defined]


# --- Records --------------------------------------------------------------------------


def _district_field() -> forms.ModelChoiceField:  # type: ignore[type-arg]
    return forms.ModelChoiceField(
        label=_("District"),
        queryset=District.objects.none(),
        required=False,
        empty_label=_("Whole ward (no particular district)"),
    )


class GroupForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=GroupKind.choices)
    name = forms.CharField(label=_("Name"), max_length=200)
    name_kana = forms.CharField(label=_("Name (kana)"), max_length=300, required=False)
    district = _district_field()
    contact_name = forms.CharField(label=_("Contact person"), max_length=100, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=30, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = visible_districts(user)  # type: ignore[attr-defined]


class ActivityTypeForm(forms.Form):
    code = forms.SlugField(
        label=_("Code"),
        max_length=40,
        help_text=_("Lower-case letters, digits and hyphens, such as town-walk."),
    )
    name = forms.CharField(label=_("Name"), max_length=100)
    name_en = forms.CharField(label=_("Name in English"), max_length=200, required=False)
    sort_order = forms.IntegerField(
        label=_("Order in lists"), min_value=0, max_value=32767, initial=100
    )

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"]
        return code.lower()


class ActivityForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    activity_type = forms.ModelChoiceField(label=_("Type"), queryset=ActivityType.objects.none())
    district = _district_field()
    pillar = PillarChoiceField(
        label=_("Pillar of the plan"), queryset=Pillar.objects.none(), required=False
    )
    theme = ThemeChoiceField(
        label=_("Theme"),
        queryset=Theme.objects.none(),
        required=False,
        help_text=_("The theme must belong to the chosen pillar."),
    )
    organisations = forms.ModelMultipleChoiceField(
        label=_("Organisations behind it"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    groups = forms.ModelMultipleChoiceField(
        label=_("Groups behind it"),
        queryset=Group.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    started_on = JapaneseDateField(label=_("Started on"))
    ended_on = JapaneseDateField(label=_("Ended on"), required=False)
    description = forms.CharField(
        label=_("Description"), max_length=5000, required=False, widget=forms.Textarea
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["activity_type"].queryset = activity_types_for(user)
        fields["district"].queryset = visible_districts(user)
        fields["pillar"].queryset = pillars_for(user)
        fields["theme"].queryset = themes_for(user)
        fields["organisations"].queryset = Organisation.objects.for_user(user).order_by(
            "kind", "name_kana", "name"
        )
        fields["groups"].queryset = Group.objects.for_user(user)

    @staticmethod
    def initial_for(activity: Activity) -> dict[str, Any]:
        return {
            "name": activity.name,
            "activity_type": activity.activity_type_id,
            "district": activity.district_id,
            "pillar": activity.pillar_id,
            "theme": activity.theme_id,
            "organisations": list(activity.organisations.values_list("pk", flat=True)),
            "groups": list(activity.groups.values_list("pk", flat=True)),
            "started_on": activity.started_on,
            "ended_on": activity.ended_on,
            "description": activity.description,
        }


class EventForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    date = JapaneseDateField(label=_("Date"))
    start_time = forms.TimeField(
        label=_("Start time"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    end_time = forms.TimeField(
        label=_("End time"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    capacity = forms.IntegerField(
        label=_("Capacity"),
        min_value=1,
        max_value=100000,
        required=False,
        help_text=_("Leave empty when there is no limit."),
    )
    activity = forms.ModelChoiceField(
        label=_("Activity"),
        queryset=Activity.objects.none(),
        required=False,
        empty_label=_("None (a stand-alone event)"),
    )
    district = _district_field()

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["activity"].queryset = Activity.objects.for_user(user).order_by("name")
        fields["district"].queryset = visible_districts(user)


def _participant_district_field() -> forms.ModelChoiceField:  # type: ignore[type-arg]
    return forms.ModelChoiceField(
        label=_("District where the person lives"),
        queryset=District.objects.none(),
        required=False,
        empty_label=_("Not known"),
    )


class RegistrationForm(forms.Form):
    prefix = "registration"

    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=100)
    name_kana = forms.CharField(label=_("Name (kana)"), max_length=200, required=False)
    organisation_name = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    district = _participant_district_field()

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        districts = District.objects.filter(municipality=municipality).order_by("sort_order")
        self.fields["district"].queryset = districts  # type: ignore[attr-defined]


class WalkInForm(forms.Form):
    prefix = "walk_in"

    count = forms.IntegerField(
        label=_("Number of participants who came without registering"),
        min_value=1,
        max_value=MAX_WALK_INS,
    )
    district = forms.ModelChoiceField(
        label=_("District where they live"),
        queryset=District.objects.none(),
        required=False,
        empty_label=_("Not known or mixed"),
        help_text=_("Record people from different districts in separate entries."),
    )

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        districts = District.objects.filter(municipality=municipality).order_by("sort_order")
        self.fields["district"].queryset = districts  # type: ignore[attr-defined]
