"""Activates the request's language (see `languages`), like Django's LocaleMiddleware, and
renders furigana notation on pages in やさしい日本語."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from ainet.public import languages
from ainet.public.ruby import ruby_html


class LanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = languages.for_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", languages.html_lang(language))
        if (
            language == settings.EASY_JAPANESE
            and not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
        ):
            response.content = ruby_html(response.content.decode(response.charset)).encode(
                response.charset
            )
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
        return response
