from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class RegistrationForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=100)
    name_kana = forms.CharField(
        label=_("Your name in kana (optional)"), max_length=200, required=False
    )


class TextForm(forms.Form):
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=10_000,
        required=False,
        help_text=_(
            "Plain text; an empty line starts a new paragraph. In Easy Japanese write "
            "furigana as 漢字《かんじ》. Leave it empty to remove this language's text."
        ),
    )
