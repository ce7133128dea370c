from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import validate_password
from django.core.validators import MaxLengthValidator
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ainet.core import dates
from ainet.core.audit import Action
from ainet.core.models import District, Municipality, Organisation, User
from ainet.core.roles import Role


class JapaneseDateField(forms.DateField):
    """Accepts the ways offices write dates: 2025-04-01, 2025/4/1, 令和7年4月1日, R7.4.1 …"""

    widget = forms.DateInput(attrs={"type": "date"})

    def to_python(self, value: Any) -> datetime.date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.date):
            return value
        try:
            return dates.parse_date(str(value))
        except ValueError as exc:
            raise forms.ValidationError(
                _("Enter a date such as 2025-04-01 or 令和7年4月1日."), code="invalid"
            ) from exc


class LoginForm(AuthenticationForm):
    """Django sets the user name's max_length after the field is built, so no length validator
    runs and an over-long name would reach django-axes' varchar(255) column: add it here."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].validators.append(MaxLengthValidator(150))


class AuditFilterForm(forms.Form):
    user = forms.CharField(label=_("User name"), required=False, max_length=150)
    record_type = forms.CharField(label=_("Record type"), required=False, max_length=100)
    record_id = forms.CharField(label=_("Record ID"), required=False, max_length=64)
    action = forms.ChoiceField(
        label=_("Action"),
        required=False,
        choices=[("", _("All actions")), *[(a.value, a.value) for a in Action]],
    )
    date_from = JapaneseDateField(label=_("From"), required=False)
    date_to = JapaneseDateField(label=_("Until"), required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date is after the end date."))
        return cleaned


class AccountForm(forms.Form):
    username = forms.RegexField(
        label=_("User name"),
        max_length=150,
        regex=r"^[A-Za-z0-9._-]+$",
        error_messages={
            "invalid": _("Use letters, digits, dots, hyphens and underscores only."),
        },
    )
    display_name = forms.CharField(label=_("Display name"), max_length=100)
    display_name_kana = forms.CharField(
        label=_("Display name (kana)"), max_length=200, required=False
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput(render_value=False),
        max_length=128,
        help_text=_("Give it to the person in a secure way; they can change it after logging in."),
    )

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This user name is already taken."))
        return username

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password = cleaned.get("password")
        if password:
            candidate = User(username=cleaned.get("username", ""), email=cleaned.get("email", ""))
            try:
                validate_password(password, candidate)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return cleaned


class MembershipForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), required=False
    )
    districts = forms.ModelMultipleChoiceField(
        label=_("Districts"),
        queryset=District.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A ward administrator covers every district of the ward."),
    )
    starts_on = JapaneseDateField(label=_("From"), required=False)
    ends_on = JapaneseDateField(label=_("Until"), required=False)

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisations: QuerySet[Organisation] = Organisation.objects.filter(
            municipality=municipality
        )
        districts: QuerySet[District] = District.objects.filter(municipality=municipality)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["districts"].queryset = districts  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("starts_on"), cleaned.get("ends_on")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date is after the end date."))
        return cleaned


class RolePolicyForm(forms.Form):
    def __init__(self, *args: Any, required: set[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for role in Role:
            self.fields[role.value] = forms.BooleanField(
                label=role.label, required=False, initial=role.value in required
            )


class OtpTokenForm(forms.Form):
    token = forms.RegexField(
        label=_("Six-digit code from your authenticator app"),
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        error_messages={"invalid": _("Enter the six digits shown in the app.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the token"),
        max_length=100,
        help_text=_("Where it will be used, for example “safety confirmation phone”."),
    )
    days = forms.IntegerField(
        label=_("Valid for (days)"),
        min_value=1,
        max_value=365,
        initial=90,
        help_text=_("At most 365 days. You can revoke it at any time."),
    )


class CsvImportForm(forms.Form):
    """A CSV to import all-or-nothing, or only to check; subclasses add what the file holds
    (their own field first: `field_order`)."""

    MAX_UPLOAD = 10 * 1024 * 1024

    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8 (with or without BOM) or Shift_JIS (CP932), as exported from Excel."),
    )
    dry_run = forms.BooleanField(label=_("Check only, import nothing"), required=False)

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return upload
