"""Forms for the committee, meetings, district plans, advisor consultations and trainings."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ainet.core.dates import fiscal_year, format_fiscal_year, today_tokyo
from ainet.core.forms import JapaneseDateField
from ainet.core.models import District, Organisation
from ainet.plan.governance_services import DISTRICT_BODIES
from ainet.plan.models import (
    Committee,
    CommitteeMember,
    DistrictOrganisation,
    DistrictPlan,
    MeetingBody,
    PlanPeriod,
    PlanStage,
)

# Long enough for the minutes of a two-hour meeting, short enough to refuse a pasted file.
LONG_TEXT = 10000


def fiscal_year_label(fy: int) -> str:
    """令和7年度（2025年度） in Japanese, FY2025 in English."""
    language = translation.get_language() or "ja"
    return format_fiscal_year(fy, "en" if language.startswith("en") else "ja")


def fiscal_years_of(days: Iterable[datetime.date]) -> list[int]:
    """The fiscal years of `days` and the current one, latest first."""
    return sorted({fiscal_year(d) for d in days} | {fiscal_year(today_tokyo())}, reverse=True)


def _text(label: Any, *, max_length: int = LONG_TEXT, rows: int = 5) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def _check_order(form: forms.Form, start_field: str, end_field: str) -> None:
    start = form.cleaned_data.get(start_field)
    end = form.cleaned_data.get(end_field)
    if start and end and start > end:
        form.add_error(end_field, _("The start date is after the end date."))


# --- Filters --------------------------------------------------------------------------------


class FiscalYearFilterForm(forms.Form):
    fy = forms.TypedChoiceField(label=_("Fiscal year"), required=False, coerce=int)

    def __init__(self, *args: Any, years: Iterable[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: forms.TypedChoiceField = self.fields["fy"]  # type: ignore[assignment]
        field.choices = [("", _("All fiscal years"))] + [
            (str(fy), fiscal_year_label(fy)) for fy in years
        ]
        field.empty_value = None


class MeetingFilterForm(FiscalYearFilterForm):
    body = forms.ChoiceField(
        label=_("Body"),
        required=False,
        choices=[("", _("All bodies")), *MeetingBody.choices],
    )
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=District.objects.none(),
        required=False,
        empty_label=_("All districts"),
    )
    field_order = ["body", "district", "fy"]

    def __init__(self, *args: Any, districts: QuerySet[District], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts  # type: ignore[attr-defined]


class PeriodFilterForm(forms.Form):
    period = forms.TypedChoiceField(label=_("Plan period"), required=False, coerce=int)

    def __init__(self, *args: Any, periods: Iterable[PlanPeriod], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: forms.TypedChoiceField = self.fields["period"]  # type: ignore[assignment]
        field.choices = [(str(p.number), f"{p.name} {p.label()}") for p in periods]
        field.empty_value = None


# --- Committee ------------------------------------------------------------------------------


class CommitteeMemberForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=100)
    name_kana = forms.CharField(label=_("Name (kana)"), max_length=200, required=False)
    organisation = forms.ModelChoiceField(
        label=_("Organisation represented"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("Choose a registered organisation, or write the name below."),
    )
    organisation_name = forms.CharField(
        label=_("Organisation represented (if not registered)"), max_length=200, required=False
    )
    term_start = JapaneseDateField(label=_("Term from"))
    term_end = JapaneseDateField(
        label=_("Term until"), required=False, help_text=_("Leave empty if not yet decided.")
    )

    def __init__(self, *args: Any, committee: Committee, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.committee = committee
        organisations: QuerySet[Organisation] = Organisation.objects.filter(
            municipality_id=committee.municipality_id
        )
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("organisation") and cleaned.get("organisation_name"):
            self.add_error(
                "organisation_name",
                _("Choose a registered organisation or write a name, not both."),
            )
        _check_order(self, "term_start", "term_end")
        start = cleaned.get("term_start")
        if start and start < self.committee.established_on:
            self.add_error("term_start", _("The term starts before the committee was set up."))
        dissolved = self.committee.dissolved_on
        if start and dissolved and start > dissolved:
            self.add_error("term_start", _("The term starts after the committee was dissolved."))
        return cleaned


class TermEndForm(forms.Form):
    term_end = JapaneseDateField(label=_("Last day of the term"))

    def __init__(self, *args: Any, member: CommitteeMember, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.member = member
        today = today_tokyo()
        if member.term_end is None or member.term_end > today:
            self.fields["term_end"].initial = max(today, member.term_start)

    def clean_term_end(self) -> datetime.date:
        day: datetime.date = self.cleaned_data["term_end"]
        if day < self.member.term_start:
            raise forms.ValidationError(_("A term cannot end before it starts."))
        if self.member.term_end is not None and day > self.member.term_end:
            raise forms.ValidationError(_("A term can only be shortened, not extended."))
        return day


# --- Meetings -------------------------------------------------------------------------------


class MeetingForm(forms.Form):
    body = forms.ChoiceField(label=_("Body"), choices=MeetingBody.choices)
    committee = forms.ModelChoiceField(
        label=_("Committee"), queryset=Committee.objects.none(), required=False
    )
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=District.objects.none(),
        required=False,
        empty_label=_("No particular district (ward-wide)"),
        help_text=_("Required for support team meetings and district discussions."),
    )
    held_on = JapaneseDateField(label=_("Held on"))
    title = forms.CharField(label=_("Title"), max_length=200)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    agenda = _text(_("Agenda"))
    minutes = _text(_("Minutes"), rows=10)
    decisions = _text(_("Decisions"))

    def __init__(
        self,
        *args: Any,
        districts: QuerySet[District],
        committees: QuerySet[Committee] | None,
        **kwargs: Any,
    ) -> None:
        """`committees` is None for users who may not record committee meetings."""
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts  # type: ignore[attr-defined]
        body: forms.ChoiceField = self.fields["body"]  # type: ignore[assignment]
        if committees is None or not committees.exists():
            del self.fields["committee"]
            body.choices = [c for c in MeetingBody.choices if c[0] != MeetingBody.COMMITTEE]
        else:
            self.fields["committee"].queryset = committees  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        body = cleaned.get("body")
        district = cleaned.get("district")
        committee = cleaned.get("committee")
        held_on = cleaned.get("held_on")
        if body == MeetingBody.COMMITTEE:
            if committee is None:
                self.add_error("committee", _("Choose the committee that met."))
            if district is not None:
                self.add_error(
                    "district", _("A committee meeting is ward-wide: leave the district empty.")
                )
            if committee is not None and held_on and not committee.existed_during(held_on, held_on):
                self.add_error("held_on", _("The committee did not exist on this date."))
        else:
            cleaned["committee"] = None
            if body in DISTRICT_BODIES and district is None:
                self.add_error("district", _("Choose the district whose meeting this is."))
        return cleaned


class AttendanceForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=100)
    organisation_name = forms.CharField(label=_("Organisation"), max_length=200, required=False)


# --- District plans -------------------------------------------------------------------------


class DistrictPlanForm(forms.Form):
    period = forms.ModelChoiceField(label=_("Plan period"), queryset=PlanPeriod.objects.none())
    district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200, required=False)

    def __init__(
        self,
        *args: Any,
        periods: QuerySet[PlanPeriod],
        districts: QuerySet[District],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = periods  # type: ignore[attr-defined]
        self.fields["period"].label_from_instance = (  # type: ignore[attr-defined]
            lambda p: f"{p.name} {p.label()}"
        )
        self.fields["district"].queryset = districts  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        period, district = cleaned.get("period"), cleaned.get("district")
        if period and district:
            if period.municipality_id != district.municipality_id:
                self.add_error("district", _("This district is not in the plan's municipality."))
            elif DistrictPlan.objects.filter(period=period, district=district).exists():
                self.add_error("district", _("This district already has a plan for this period."))
        return cleaned


class StageForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=PlanStage.choices)
    started_on = JapaneseDateField(label=_("From"))

    def __init__(self, *args: Any, plan: DistrictPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["started_on"].help_text = _("A date within the plan period, %(period)s.") % {
            "period": plan.period.label()
        }

    def clean_started_on(self) -> datetime.date:
        day: datetime.date = self.cleaned_data["started_on"]
        if not self.plan.period.fiscal_period.contains(day):
            raise forms.ValidationError(
                _("The date is outside the plan period (%(period)s).")
                % {"period": self.plan.period.label()}
            )
        if self.plan.stages.filter(started_on=day).exists():
            raise forms.ValidationError(_("A stage is already recorded from this date."))
        return day


class DistrictOrganisationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    founded_on = JapaneseDateField(label=_("Founded on"))

    def __init__(self, *args: Any, district: District, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.district = district

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if DistrictOrganisation.objects.filter(district=self.district, name=name).exists():
            raise forms.ValidationError(
                _("This district already has an organisation of this name.")
            )
        return name

    def clean_founded_on(self) -> datetime.date:
        day: datetime.date = self.cleaned_data["founded_on"]
        if day > today_tokyo():
            raise forms.ValidationError(_("The founding date is in the future."))
        return day


# --- Advisors and trainings -----------------------------------------------------------------


class AdvisorConsultationForm(forms.Form):
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=District.objects.none(),
        required=False,
        empty_label=_("Whole ward (no particular district)"),
    )
    advisor_name = forms.CharField(label=_("Advisor"), max_length=100)
    held_on = JapaneseDateField(label=_("Date"))
    topic = forms.CharField(label=_("Topic"), max_length=200)
    advice = _text(_("Advice"))

    def __init__(self, *args: Any, districts: QuerySet[District], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts  # type: ignore[attr-defined]


class StaffTrainingForm(forms.Form):
    held_on = JapaneseDateField(label=_("Date"))
    title = forms.CharField(label=_("Title"), max_length=200)
    organiser = forms.CharField(label=_("Organiser"), max_length=200, required=False)
    participants = forms.IntegerField(
        label=_("Participants"), min_value=0, max_value=100000, initial=0
    )
    notes = _text(_("Notes"))
