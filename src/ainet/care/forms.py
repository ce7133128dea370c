"""Forms of the care pages. They parse and scope the choices to what the user may see; the
rules that keep records consistent and lawful (bases per list, consent dates, special-care
fields) live in `services`, whose ValidationError the views put back on the form."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from ainet.care.models import (
    Basis,
    CareLevel,
    ContactCategory,
    ContactMethod,
    Frequency,
    HouseholdType,
    ListKind,
    NeedKind,
    Sex,
    Supporter,
    SupporterKind,
    WatchLevel,
)
from ainet.core import access
from ainet.core.dates import TOKYO, today_tokyo
from ainet.core.forms import JapaneseDateField
from ainet.core.models import District, Town


def visible_districts(user: Any) -> QuerySet[District]:
    return District.objects.for_user(user).order_by("municipality__code", "sort_order")


def need_kinds_for(user: Any, *, special: bool) -> QuerySet[NeedKind]:
    needs = NeedKind.objects.filter(access.municipality_q(user))
    return needs if special else needs.filter(is_special_care=False)


def _need_label(need: NeedKind) -> str:
    return _need_text(need.name, need.name_en)


def _need_text(name: str, name_en: str) -> str:
    english = (get_language() or "ja").startswith("en")
    return name_en if english and name_en else name


class NeedChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return _need_label(obj)


class TownChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        district = obj.district.name if obj.district else ""
        return f"{obj.name}{obj.koaza}（{district}）" if district else f"{obj.name}{obj.koaza}"


def _choices(label: Any, choices: Any) -> list[tuple[str, Any]]:
    return [("", label), *choices]


def _attributes(attrs: dict[str, Any]) -> str:
    """HTML attributes as Django's widgets/attrs.html writes them (True: bare, False: none)."""
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


class ListSelect(forms.Select):
    """A select that writes the same markup as Django's select templates, without rendering
    a template per option: the list filters are on every load of the person list and the
    worklist, and their options were most of a search's rendering time."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{escape(widget["name"])}"{_attributes(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{escape(group_name)}">')
            for option in options:
                parts.append(
                    f'\n  <option value="{escape(str(option["value"]))}"'
                    f"{_attributes(option['attrs'])}>{escape(option['label'])}</option>"
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


class QuickFieldGroups:
    """`field_groups()`: every field as `<div class="form-field">` with the markup Django's
    `as_field_group` writes (label, errors, widget), without a template per field and label;
    fields with help text or a fieldset still go through Django's template."""

    def field_groups(self) -> SafeString:
        form: Any = self
        suffix = escape(form.label_suffix if form.label_suffix is not None else ":")
        parts = []
        for field in form:
            if field.help_text or field.use_fieldset or not field.label:
                group = field.as_field_group()
            else:
                target = escape(field.id_for_label)
                label = f'<label for="{target}">{escape(field.label)}{suffix}</label>'
                errors = str(field.errors) if field.errors else ""
                group = f"{label}\n\n\n{errors}\n{field.as_widget()}"
            parts.append(f'<div class="form-field">{group}</div>')
        return mark_safe("".join(parts))  # noqa: S308 - labels escaped, widgets render safely


class PersonFilterForm(QuickFieldGroups, forms.Form):
    q = forms.CharField(
        label=_("Name or furigana"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    district = forms.ChoiceField(label=_("District"), required=False, widget=ListSelect)
    list_kind = forms.ChoiceField(
        label=_("List"),
        required=False,
        choices=_choices(_("All lists"), ListKind.choices),
        widget=ListSelect,
    )
    basis = forms.ChoiceField(
        label=_("Legal basis"),
        required=False,
        choices=_choices(_("All bases"), Basis.choices),
        widget=ListSelect,
    )
    need = forms.ChoiceField(label=_("Need"), required=False, widget=ListSelect)
    watch_level = forms.ChoiceField(
        label=_("Watch-over level"),
        required=False,
        choices=_choices(_("All levels"), WatchLevel.choices),
        widget=ListSelect,
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The two lists are read on every list page: their SQL is compiled once per worker
        # for each set of districts and municipalities (the rows are read every time).
        district_ids = tuple(sorted(access.visible_district_ids(user)))
        districts = access.compiled_rows(
            ("care_filter_districts", district_ids),
            lambda: visible_districts(user).values_list("pk", "name"),
        )
        self.fields["district"].choices = _choices(  # type: ignore[attr-defined]
            _("All districts"), [(str(pk), name) for pk, name in districts]
        )
        special = access.can(user, "care.view_special")
        municipality_ids = tuple(sorted(access.municipality_ids_of(user)))
        needs = access.compiled_rows(
            ("care_filter_needs", municipality_ids, special),
            lambda: need_kinds_for(user, special=special).values_list("pk", "name", "name_en"),
        )
        self.fields["need"].choices = _choices(  # type: ignore[attr-defined]
            _("All needs"), [(str(pk), _need_text(name, name_en)) for pk, name, name_en in needs]
        )


class PersonForm(forms.Form):
    resident_number = forms.CharField(
        label=_("Resident number (宛名番号)"), required=False, max_length=20
    )
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=100)
    name_kana = forms.CharField(label=_("Name (furigana)"), max_length=200, required=False)
    birth_date = JapaneseDateField(label=_("Date of birth"), required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.UNKNOWN)
    postal_code = forms.RegexField(
        label=_("Postal code"),
        regex=r"^\d{3}-?\d{4}$",
        required=False,
        max_length=8,
        error_messages={"invalid": _("Enter a postal code such as 230-0001.")},
    )
    town = TownChoiceField(label=_("Town block"), queryset=Town.objects.none(), required=False)
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=District.objects.none(),
        required=False,
        help_text=_("Taken from the town block when one is chosen."),
    )
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    address_detail = forms.CharField(label=_("Building and room"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    household_type = forms.ChoiceField(
        label=_("Household"), choices=HouseholdType.choices, initial=HouseholdType.UNKNOWN
    )
    emergency_contact_name = forms.CharField(
        label=_("Emergency contact"), max_length=100, required=False
    )
    emergency_contact_phone = forms.CharField(
        label=_("Emergency contact phone"), max_length=30, required=False
    )
    preferred_language = forms.CharField(
        label=_("Preferred language (code such as ja, en, pt)"), max_length=12, initial="ja"
    )
    watch_level = forms.ChoiceField(
        label=_("Watch-over level"), choices=WatchLevel.choices, initial=WatchLevel.MEDIUM
    )
    needs = NeedChoiceField(
        label=_("Needs"),
        queryset=NeedKind.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # Special-care data (要配慮個人情報): removed for users without care.view_special.
    care_level = forms.ChoiceField(label=_("Care level"), choices=CareLevel.choices, required=False)
    disability = forms.CharField(label=_("Disability"), max_length=300, required=False)
    illness = forms.CharField(label=_("Illness"), max_length=300, required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea)

    SPECIAL = ("care_level", "disability", "illness", "notes")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        districts = visible_districts(user)
        self.fields["district"].queryset = districts  # type: ignore[attr-defined]
        self.fields["town"].queryset = (  # type: ignore[attr-defined]
            Town.objects.filter(district__in=districts)
            .select_related("district")
            .order_by("name", "koaza")
        )
        self.special = access.can(user, "care.view_special")
        self.fields["needs"].queryset = need_kinds_for(  # type: ignore[attr-defined]
            user, special=self.special
        )
        if not self.special:
            for name in self.SPECIAL:
                del self.fields[name]

    def clean_resident_number(self) -> str:
        value: str = self.cleaned_data["resident_number"].strip()
        if value and not value.isdigit():
            raise forms.ValidationError(_("The resident number is digits only."))
        return value

    @classmethod
    def initial_for(cls, person: Any, *, special: bool) -> dict[str, Any]:
        fields = [f for f in cls.base_fields if f != "needs" and (special or f not in cls.SPECIAL)]
        initial = {f: getattr(person, f) for f in fields}
        initial["needs"] = [n for n in person.needs.all() if special or not n.is_special_care]
        return initial


class NeedKindForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=100)
    name_en = forms.CharField(label=_("Name (English)"), max_length=100, required=False)
    is_special_care = forms.BooleanField(
        label=_("Special-care data (care, disability, illness)"),
        required=False,
        help_text=_("Only ward and care plaza staff see needs marked as special-care data."),
    )
    sort_order = forms.IntegerField(label=_("Order"), min_value=0, max_value=32767, initial=100)


class ListEntryForm(forms.Form):
    list_kind = forms.ChoiceField(label=_("List"), choices=ListKind.choices)
    basis = forms.ChoiceField(label=_("Legal basis"), choices=Basis.choices)
    joined_on = JapaneseDateField(label=_("On the list since"), initial=today_tokyo)
    consent_on = JapaneseDateField(label=_("Consent given on"), required=False)
    consent_scope = forms.CharField(label=_("Scope of consent"), max_length=300, required=False)
    reason = forms.CharField(label=_("Reason help is needed"), max_length=300, required=False)


class BasisChangeForm(forms.Form):
    basis = forms.ChoiceField(label=_("New legal basis"), choices=Basis.choices)
    on = JapaneseDateField(label=_("Date of the change"), initial=today_tokyo)
    consent_on = JapaneseDateField(label=_("Consent given on"), required=False)
    consent_scope = forms.CharField(label=_("Scope of consent"), max_length=300, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class DatedNoteForm(forms.Form):
    on = JapaneseDateField(label=_("Date"), initial=today_tokyo)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class SupporterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=SupporterKind.choices)
    name = forms.CharField(label=pgettext_lazy("person or organisation", "Name"), max_length=200)
    name_kana = forms.CharField(label=_("Name (furigana)"), max_length=300, required=False)
    town = TownChoiceField(
        label=_("Town block (for the map)"), queryset=Town.objects.none(), required=False
    )
    district = forms.ModelChoiceField(
        label=_("District"), queryset=District.objects.none(), required=False
    )
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    languages = forms.CharField(
        label=_("Languages (codes separated by commas, e.g. ja, pt)"),
        max_length=100,
        required=False,
    )
    evacuation_capacity = forms.IntegerField(
        label=_("People they can help evacuate at once"), min_value=0, max_value=50, initial=1
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        districts = visible_districts(user)
        self.fields["district"].queryset = districts  # type: ignore[attr-defined]
        self.fields["town"].queryset = (  # type: ignore[attr-defined]
            Town.objects.filter(district__in=districts)
            .select_related("district")
            .order_by("name", "koaza")
        )

    def clean_languages(self) -> list[str]:
        raw: str = self.cleaned_data["languages"]
        codes = [c.strip().lower() for c in re.split(r"[,、\s]+", raw) if c.strip()]
        for code in codes:
            if not re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]{2,8})?", code):
                raise forms.ValidationError(_("Use language codes such as ja, en or pt."))
        return codes

    @staticmethod
    def initial_for(supporter: Any) -> dict[str, Any]:
        return {
            "kind": supporter.kind,
            "name": supporter.name,
            "name_kana": supporter.name_kana,
            "district": supporter.district_id,
            "phone": supporter.phone,
            "languages": ", ".join(supporter.languages or []),
            "evacuation_capacity": supporter.evacuation_capacity,
        }


class SupporterDeactivateForm(forms.Form):
    """A supporter stops helping: the date, why, and whether their open ties end with it."""

    on = JapaneseDateField(label=_("Stopped on"), initial=today_tokyo)
    reason = forms.CharField(label=_("Why they stopped"), max_length=300)
    end_ties = forms.BooleanField(
        label=_("Also end their open support ties on this date, with this reason"),
        required=False,
        initial=True,
    )


class SupporterChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.get_kind_display()}）"


class TieForm(forms.Form):
    supporter = SupporterChoiceField(label=_("Supporter"), queryset=Supporter.objects.none())
    since = JapaneseDateField(label=_("Since"), initial=today_tokyo)
    frequency = forms.ChoiceField(
        label=_("How often"), choices=Frequency.choices, initial=Frequency.MONTHLY
    )
    is_evacuation_support = forms.BooleanField(label=_("Helps to evacuate"), required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supporter"].queryset = (  # type: ignore[attr-defined]
            Supporter.objects.for_user(user).filter(is_active=True).order_by("kind", "name_kana")
        )


class TieEndForm(forms.Form):
    ended_on = JapaneseDateField(label=_("Ended on"), initial=today_tokyo)
    end_reason = forms.CharField(label=_("Why it ended"), max_length=300)


def _now_local() -> datetime.datetime:
    return timezone.now().astimezone(TOKYO).replace(second=0, microsecond=0, tzinfo=None)


class ContactForm(forms.Form):
    at = forms.DateTimeField(
        label=_("When"),
        initial=_now_local,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M"],
    )
    method = forms.ChoiceField(label=_("How"), choices=ContactMethod.choices)
    category = forms.ChoiceField(
        label=_("Report category"),
        choices=ContactCategory.choices,
        initial=ContactCategory.VISIT_CONTACT,
    )
    supporter = SupporterChoiceField(
        label=_("On behalf of"), queryset=Supporter.objects.none(), required=False
    )
    noticed = forms.CharField(label=_("What was noticed"), required=False, widget=forms.Textarea)
    follow_up_needed = forms.BooleanField(label=_("Follow-up needed"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supporter"].queryset = (  # type: ignore[attr-defined]
            Supporter.objects.for_user(user).filter(is_active=True).order_by("kind", "name_kana")
        )

    def clean_at(self) -> datetime.datetime:
        value: datetime.datetime = self.cleaned_data["at"]
        if timezone.is_naive(value):
            value = value.replace(tzinfo=TOKYO)
        return value


class MonthForm(forms.Form):
    month = forms.RegexField(
        label=_("Month"),
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        required=False,
        widget=forms.TextInput(attrs={"type": "month"}),
        error_messages={"invalid": _("Enter a month such as 2025-04.")},
    )
    district = forms.ChoiceField(label=_("District"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = _choices(  # type: ignore[attr-defined]
            _("All districts"), [(str(d.pk), d.name) for d in visible_districts(user)]
        )

    def month_date(self, default: datetime.date) -> datetime.date:
        value = self.cleaned_data.get("month") if self.is_valid() else ""
        if not value:
            return default
        year, month = value.split("-")
        return datetime.date(int(year), int(month), 1)


class MapDistrictForm(forms.Form):
    district = forms.ChoiceField(label=_("District"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = [  # type: ignore[attr-defined]
            (str(d.pk), d.name) for d in visible_districts(user)
        ]
