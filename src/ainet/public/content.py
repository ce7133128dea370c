"""The texts staff write for the public pages, and how a page finds the one to show."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from ainet.core.models import Municipality
from ainet.public.models import PublicText


@dataclass(frozen=True)
class TextSpec:
    key: str
    label: Any  # lazy: what the text is, for the staff editor
    default: Any  # lazy: shown when staff wrote the text in no language at all


TEXTS: dict[str, TextSpec] = {
    spec.key: spec
    for spec in (
        TextSpec(
            "home-welcome",
            _("Home page: welcome"),
            _(
                "Tsurumi Ward's community welfare and health plan brings residents, the ward "
                "office, the ward social welfare council and the community care plazas together "
                "so that help reaches the people who need it."
            ),
        ),
        TextSpec(
            "plan-summary",
            _("The plan in brief"),
            _(
                "The plan's basic goal is a healthy, liveable, caring town. It has three "
                "pillars: a connected community, a mechanism that makes support reach those "
                "who need it, and a society where people support each other."
            ),
        ),
        TextSpec(
            "forum-about",
            _("The promotion forum"),
            _(
                "Every year in late February the promotion forum brings together everyone who "
                "takes part in the plan. Anyone may come; please register so that we can "
                "prepare seats."
            ),
        ),
        TextSpec(
            "concern-guidance",
            _("Reporting a concern about a neighbour"),
            _(
                "If you are worried about a neighbour (newspapers or post piling up, washing "
                "left out for days, not seen for a long time), tell the ward office or the "
                "community care plaza. You do not have to be sure."
            ),
        ),
    )
}
FALLBACK_CHAIN_END = ("ja-easy", "ja")


@dataclass(frozen=True)
class ShownText:
    body: str
    language: str  # the language the body is in
    is_fallback: bool  # not in the language asked for
    from_record: bool  # written by staff (False: the built-in text, in the page's language)


def text_for(municipality: Municipality | None, key: str, language: str) -> ShownText:
    """The text `key` in `language`, else in やさしい日本語, else in 日本語, else built in."""
    spec = TEXTS[key]
    chain = [language] + [code for code in FALLBACK_CHAIN_END if code != language]
    if municipality is not None:
        records = {
            t.language: t.body
            for t in PublicText.objects.filter(
                municipality=municipality, key=key, language__in=chain
            )
            if t.body.strip()
        }
        for code in chain:
            if code in records:
                return ShownText(records[code], code, code != language, True)
    with translation.override(language):
        return ShownText(str(spec.default), language, False, False)


def language_names() -> dict[str, str]:
    return {code: str(name) for code, name in settings.LANGUAGES}
