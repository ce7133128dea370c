"""Furigana for やさしい日本語: text written with the notation 漢字《かんじ》 (or
｜区切り《くぎり》 to mark where the base starts) becomes <ruby>漢字<rt>かんじ</rt></ruby>.

Staff write the notation in translation records and the Easy Japanese catalogue uses it, so
neither needs HTML. `ruby_html` rewrites an HTML page's text (never inside tags or attributes;
in <title>, <option> and the like, where markup cannot go, the reading is dropped);
`ruby_text` escapes plain text and then rewrites it.
"""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# A run of kanji (with 々 and ヶ), or text after ｜, followed by its reading in 《》.
NOTATION = re.compile(
    r"(?:[｜|]([^｜|《》<>]{1,30})|([\u3400-\u9fff\uf900-\ufaff々〆ヶ]+))《([^《》<>]{1,40})》"
)
TAG = re.compile(r"(<[^>]*>)")
NO_MARKUP = {"title", "option", "textarea", "script", "style"}


def _ruby(match: re.Match[str]) -> str:
    base = match.group(1) or match.group(2)
    return f"<ruby>{base}<rt>{match.group(3)}</rt></ruby>"


def _plain(match: re.Match[str]) -> str:
    return match.group(1) or match.group(2)


def ruby_html(html: str) -> str:
    if "《" not in html:
        return html
    parts = TAG.split(html)
    inside: str | None = None
    for i, part in enumerate(parts):
        if i % 2:  # a tag: readings in attribute values (aria-label, title …) are dropped
            name = re.match(r"</?\s*([a-zA-Z0-9]+)", part)
            if name and name.group(1).lower() in NO_MARKUP:
                inside = None if part.startswith("</") else name.group(1).lower()
            parts[i] = NOTATION.sub(_plain, part)
            continue
        parts[i] = NOTATION.sub(_plain if inside else _ruby, part)
    return "".join(parts)


def ruby_text(text: str) -> SafeString:
    return mark_safe(NOTATION.sub(_ruby, str(escape(text))))  # noqa: S308 - escaped first


def strip_ruby(text: str) -> str:
    return NOTATION.sub(_plain, text)
