"""Forms of the grants pages. They parse and scope choices; the rules that keep records
consistent (budget adds up, payment within the award, no overdraft …) live in `services` and
`ledger`, whose ValidationError the views put back on the form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ainet.core.dates import today_tokyo
from ainet.core.forms import JapaneseDateField
from ainet.core.models import District, Municipality, Organisation, User
from ainet.grants.models import Fund, Outcome, Programme, ReportKind, Round
from ainet.grants.services import MAX_BUDGET_LINES, BudgetItem, owner_organisations
from ainet.grants.uploads import MAX_BYTES
from ainet.plan.models import Pillar

MAX_YEN = 2_000_000_000


class PillarChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.number}. {obj.title}"


# --- Staff: programmes, rounds, criteria, reviewers -----------------------------------------


class ProgrammeForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40, help_text=_("e.g. vitality-2026"))
    name = forms.CharField(label=_("Name"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    owner_organisation: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Run by"), queryset=Organisation.objects.none()
    )
    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 3}))
    eligibility = forms.CharField(
        label=_("Who may apply"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    first_fy = forms.IntegerField(label=_("First fiscal year"), min_value=1989, max_value=2100)
    last_fy = forms.IntegerField(
        label=_("Last fiscal year"), min_value=1989, max_value=2100, required=False
    )
    fund = forms.ModelChoiceField(
        label=_("Paid from fund"),
        queryset=Fund.objects.none(),
        required=False,
        empty_label=_("No fund (ward budget)"),
    )

    def __init__(self, *args: Any, municipality: Municipality, editing: bool = False, **kw: Any):
        super().__init__(*args, **kw)
        field = self.fields["owner_organisation"]
        field.queryset = owner_organisations(municipality)  # type: ignore[attr-defined]
        self.fields["fund"].queryset = Fund.objects.filter(  # type: ignore[attr-defined]
            municipality=municipality
        )
        if editing:
            del self.fields["code"]
            del self.fields["owner_organisation"]


class RoundForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, help_text=_("e.g. 2026 first call"))
    fiscal_year = forms.IntegerField(label=_("Fiscal year"), min_value=1989, max_value=2100)
    description = forms.CharField(
        label=_("What the round funds"), widget=forms.Textarea(attrs={"rows": 4})
    )
    eligibility = forms.CharField(
        label=_("Who may apply"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    opens_on = JapaneseDateField(label=_("Applications open on"))
    closes_on = JapaneseDateField(label=_("Applications close on"))
    decision_by = JapaneseDateField(label=_("Decisions by"), required=False)
    min_amount_yen = forms.IntegerField(
        label=_("Smallest grant (yen)"), initial=0, min_value=0, max_value=2_000_000_000
    )
    max_amount_yen = forms.IntegerField(
        label=_("Largest grant (yen)"), min_value=0, max_value=2_000_000_000
    )
    budget_yen = forms.IntegerField(
        label=_("Total budget of the round (yen)"), initial=0, min_value=0, max_value=2_000_000_000
    )
    interim_report_due = JapaneseDateField(label=_("Interim reports due"), required=False)
    final_report_due = JapaneseDateField(label=_("Final reports due"), required=False)
    is_published = forms.BooleanField(label=_("Publish on the public call page"), required=False)


class CriterionForm(forms.Form):
    title = forms.CharField(label=_("Criterion"), max_length=200)
    description = forms.CharField(label=_("What reviewers look for"), required=False)
    max_score = forms.IntegerField(label=_("Highest score"), min_value=1, max_value=100, initial=5)


class ReviewerForm(forms.Form):
    reviewer: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Reviewer"), queryset=User.objects.none()
    )

    def __init__(self, *args: Any, candidates: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["reviewer"].queryset = candidates  # type: ignore[attr-defined]


# --- Public: the application form ---------------------------------------------------------


class ApplicationForm(forms.Form):
    group_name = forms.CharField(label=_("Name of the group"), max_length=200)
    contact_name = forms.CharField(label=_("Contact person"), max_length=100)
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=30, required=False)
    district = forms.ModelChoiceField(
        label=_("District the project serves"),
        queryset=District.objects.none(),
        required=False,
        help_text=_("Needed to submit; a draft may leave it open."),
    )
    pillar = PillarChoiceField(
        label=_("Pillar of the plan it serves"), queryset=Pillar.objects.none(), required=False
    )
    title = forms.CharField(label=_("Project title"), max_length=200)
    plan = forms.CharField(
        label=_("Plan: what the group will do, with whom, when and where"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=10000,
    )
    starts_on = JapaneseDateField(label=_("Project starts on"), required=False)
    ends_on = JapaneseDateField(label=_("Project ends on"), required=False)
    requested_yen = forms.IntegerField(
        label=_("Amount requested (yen)"), min_value=1, max_value=MAX_YEN
    )

    def __init__(self, *args: Any, round_: Round, **kw: Any) -> None:
        super().__init__(*args, **kw)
        municipality = round_.programme.municipality
        self.fields["district"].queryset = District.objects.filter(  # type: ignore[attr-defined]
            municipality=municipality
        ).order_by("sort_order")
        # The pillars of the plan period that holds the round's fiscal year.
        self.fields["pillar"].queryset = (  # type: ignore[attr-defined]
            Pillar.objects.filter(
                period__municipality=municipality,
                period__first_fy__lte=round_.fiscal_year,
                period__last_fy__gte=round_.fiscal_year,
            ).order_by("number")
        )


class BudgetLineForm(forms.Form):
    item = forms.CharField(label=_("Item"), max_length=200, required=False)
    amount_yen = forms.IntegerField(
        label=_("Amount (yen)"), required=False, min_value=0, max_value=2_000_000_000
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        item, amount = cleaned.get("item"), cleaned.get("amount_yen")
        if item and amount is None:
            self.add_error("amount_yen", _("Enter the amount of this item."))
        if amount and not item:
            self.add_error("item", _("Say what this amount is for."))
        return cleaned


BudgetFormSet = forms.formset_factory(
    BudgetLineForm, extra=0, max_num=MAX_BUDGET_LINES, validate_max=True, absolute_max=60
)
EMPTY_BUDGET_ROWS = 3


def budget_items(formset: Any) -> list[BudgetItem]:
    return [
        BudgetItem(f.cleaned_data["item"], f.cleaned_data["amount_yen"])
        for f in formset.forms
        if f.cleaned_data.get("item") and f.cleaned_data.get("amount_yen") is not None
    ]


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("File (PDF, PNG, JPEG or WebP)"),
        help_text=_("At most %(mb)s MB.") % {"mb": MAX_BYTES // 1024 // 1024},
        widget=forms.ClearableFileInput(
            attrs={"accept": "application/pdf,image/png,image/jpeg,image/webp"}
        ),
    )


# --- Staff: review and decisions ----------------------------------------------------------


class ScoreForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, criteria: list[Any], **kw: Any) -> None:
        super().__init__(*args, **kw)
        for c in criteria:
            self.fields[f"criterion_{c.pk}"] = forms.IntegerField(
                label=f"{c.number}. {c.title} (0–{c.max_score})",
                help_text=c.description,
                min_value=0,
                max_value=c.max_score,
            )
        self.fields["comment"] = self.fields.pop("comment")

    def scores(self) -> dict[int, int]:
        return {
            int(k.removeprefix("criterion_")): v
            for k, v in self.cleaned_data.items()
            if k.startswith("criterion_")
        }


class ConflictForm(forms.Form):
    reason = forms.CharField(
        label=_("What is the conflict of interest?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )


class MeetingForm(forms.Form):
    held_on = JapaneseDateField(label=_("Held on"), initial=today_tokyo)
    title = forms.CharField(label=_("Title"), max_length=200)
    members = forms.CharField(
        label=_("Members present"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Decision"), choices=Outcome.choices)
    amount_yen = forms.IntegerField(
        label=_("Amount awarded (yen)"), required=False, min_value=0, max_value=2_000_000_000
    )
    reason = forms.CharField(
        label=_("Reason (goes into the letter)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=3000,
    )


# --- Staff: payments, reports, advisors -----------------------------------------------------


class PaymentForm(forms.Form):
    amount_yen = forms.IntegerField(label=_("Amount (yen)"), min_value=1, max_value=2_000_000_000)
    paid_on = JapaneseDateField(label=_("Paid on"), initial=today_tokyo)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "application/pdf,image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Report"), choices=ReportKind.choices)
    received_on = JapaneseDateField(label=_("Received on"), initial=today_tokyo)
    summary = forms.CharField(
        label=_("What was done"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10000
    )
    spent_yen = forms.IntegerField(
        label=_("Spent (yen)"), initial=0, min_value=0, max_value=2_000_000_000
    )
    receipts = MultipleFileField(
        label=_("Receipts (PDF or images)"),
        required=False,
        help_text=_("At most %(mb)s MB each.") % {"mb": MAX_BYTES // 1024 // 1024},
    )


class DispatchForm(forms.Form):
    advisor = forms.CharField(label=_("Advisor"), max_length=200)
    visited_on = JapaneseDateField(label=_("Visited on"), initial=today_tokyo)
    topic = forms.CharField(label=_("Topic"), max_length=300)
    hours = forms.DecimalField(
        label=_("Hours"), min_value=0, max_value=99, decimal_places=1, initial=1
    )


# --- Staff: the fund ------------------------------------------------------------------------


class FundForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=200)
    owner_organisation: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Run by"), queryset=Organisation.objects.none(), required=False
    )
    allow_overdraft = forms.BooleanField(
        label=_("May pay out more than it holds (overdraft)"), required=False
    )

    def __init__(self, *args: Any, municipality: Municipality, **kw: Any) -> None:
        super().__init__(*args, **kw)
        field = self.fields["owner_organisation"]
        field.queryset = owner_organisations(municipality)  # type: ignore[attr-defined]


class DonationForm(forms.Form):
    received_on = JapaneseDateField(label=_("Received on"), initial=today_tokyo)
    amount_yen = forms.IntegerField(label=_("Amount (yen)"), min_value=1, max_value=10_000_000_000)
    donor_name = forms.CharField(label=_("Donor"), max_length=200, required=False)
    is_anonymous = forms.BooleanField(
        label=_("Anonymous: do not publish the donor's name"), required=False
    )
    earmark = forms.CharField(
        label=_("Earmarked for (leave empty for any purpose)"), max_length=200, required=False
    )


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("Why is the entry reversed?"), max_length=250)


class StatementForm(forms.Form):
    fy = forms.IntegerField(label=_("Fiscal year"), min_value=1989, max_value=2100)
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("html", _("On screen")), ("pdf", "PDF"), ("csv", "CSV")],
        initial="html",
        required=False,
    )
    encoding = forms.ChoiceField(
        label=_("CSV encoding"),
        choices=[("utf-8", _("UTF-8 (with BOM)")), ("cp932", _("Shift_JIS (CP932)"))],
        initial="utf-8",
        required=False,
    )


def programme_choices(user: Any) -> Any:
    return Programme.objects.for_user(user)
