"""Which language a request is answered in.

Staff pages (/staff/, /api/) speak Japanese or English; every other page is public and speaks
any of settings.PUBLIC_LANGUAGES. The choice, in order: `?lang=` on a public page, the language
cookie the visitor set with the language switch, the browser's Accept-Language, Japanese. A code
that is unknown or not offered here is passed over, never an error.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation.trans_real import parse_accept_lang_header

STAFF_PREFIXES = ("/staff/", "/api/")
# Browser codes that mean one of ours (Accept-Language rarely says zh-hans or pt-br).
ALIASES = {
    "zh": "zh-hans",
    "zh-cn": "zh-hans",
    "zh-sg": "zh-hans",
    "zh-hans-cn": "zh-hans",
    "pt": "pt-br",
    "pt-pt": "pt-br",
    "fil": "tl",
    "tl-ph": "tl",
    "fil-ph": "tl",
}
# What each public language is called in itself, for the language switch.
NAMES_LOCAL = {
    "ja": "日本語",
    "ja-easy": "やさしい日本語",
    "en": "English",
    "zh-hans": "简体中文",
    "ko": "한국어",
    "pt-br": "Português",
    "tl": "Tagalog",
    "vi": "Tiếng Việt",
}
# The lang attribute browsers and screen readers get (BCP 47).
HTML_LANG = {"ja-easy": "ja", "zh-hans": "zh-Hans", "pt-br": "pt-BR"}


def is_public_path(path: str) -> bool:
    return not path.startswith(STAFF_PREFIXES)


def match(code: str, allowed: Sequence[str]) -> str | None:
    """Our language for a code as browsers and people write it, or None."""
    code = code.strip().lower().replace("_", "-")[:40]
    if code in allowed:
        return code
    code = ALIASES.get(code, code)
    if code in allowed:
        return code
    primary = ALIASES.get(code.split("-")[0], code.split("-")[0])
    return primary if primary in allowed and primary != "ja-easy" else None


def choose(candidates: Iterable[str], allowed: Sequence[str]) -> str:
    for candidate in candidates:
        found = match(candidate, allowed)
        if found:
            return found
    return str(settings.LANGUAGE_CODE)


def for_request(request: HttpRequest) -> str:
    public = is_public_path(request.path_info)
    allowed = settings.PUBLIC_LANGUAGES if public else settings.STAFF_LANGUAGES
    candidates: list[str] = []
    if public and request.GET.get("lang"):
        candidates.append(request.GET["lang"])
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if cookie:
        candidates.append(cookie)
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    candidates.extend(code for code, _q in parse_accept_lang_header(header[:1000]) if code != "*")
    return choose(candidates, allowed)


def html_lang(code: str) -> str:
    return HTML_LANG.get(code, code)
