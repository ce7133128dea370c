from __future__ import annotations

from django import template
from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ainet.public import languages
from ainet.public.ruby import ruby_text

register = template.Library()


@register.filter
def html_lang(code: str) -> str:
    return languages.html_lang(code)


@register.simple_tag
def public_languages() -> list[tuple[str, str]]:
    return [(code, languages.NAMES_LOCAL.get(code, code)) for code in settings.PUBLIC_LANGUAGES]


@register.simple_tag
def public_links() -> dict[str, str]:
    """The other capabilities' public pages, for the navigation of every public page (also
    the ones other apps render, which do not pass `links`)."""
    from ainet.public.views import public_links as links

    return links()


@register.filter
def paragraphs(text: str) -> SafeString:
    """Plain text as paragraphs (an empty line between them), furigana notation as <ruby>."""
    blocks = [b.strip() for b in str(text).replace("\r\n", "\n").split("\n\n") if b.strip()]
    html = "".join("<p>" + str(ruby_text(b)).replace("\n", "<br>") + "</p>" for b in blocks)
    return mark_safe(html or f"<p>{escape('')}</p>")  # noqa: S308 - built from escaped parts
