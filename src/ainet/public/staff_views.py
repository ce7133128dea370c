"""Staff pages for the public texts: which texts exist in which languages, and editing one."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ainet.core import access
from ainet.core.guards import staff_view
from ainet.core.models import Municipality
from ainet.public import services
from ainet.public.content import TEXTS
from ainet.public.forms import TextForm
from ainet.public.models import PublicText
from ainet.public.ruby import ruby_text


def _municipality(request: HttpRequest) -> Municipality:
    municipality = (
        Municipality.objects.filter(access.municipality_q(request.user, "pk"))
        .order_by("code")
        .first()
    )
    if municipality is None:
        raise Http404
    return municipality


@staff_view("public.edit_translations")
@require_GET
def text_list(request: HttpRequest) -> HttpResponse:
    municipality = _municipality(request)
    written = set(
        PublicText.objects.filter(municipality=municipality).values_list("key", "language")
    )
    rows = [
        (spec, [(code, name, (spec.key, code) in written) for code, name in settings.LANGUAGES])
        for spec in TEXTS.values()
    ]
    return render(
        request,
        "public/staff/text_list.html",
        {"municipality": municipality, "rows": rows, "language_columns": settings.LANGUAGES},
    )


@staff_view("public.edit_translations")
@require_http_methods(["GET", "POST"])
def text_edit(request: HttpRequest, key: str, language: str) -> HttpResponse:
    languages = dict(settings.LANGUAGES)
    if key not in TEXTS or language not in languages:
        raise Http404
    municipality = _municipality(request)
    existing = PublicText.objects.filter(
        municipality=municipality, key=key, language=language
    ).first()
    form = TextForm(request.POST or None, initial={"body": existing.body if existing else ""})
    if request.method == "POST" and form.is_valid():
        try:
            services.save_text(request.user, municipality, key, language, form.cleaned_data["body"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The text was saved."))
            return redirect("public_staff:text_list")
    return render(
        request,
        "public/staff/text_edit.html",
        {
            "spec": TEXTS[key],
            "language": language,
            "language_name": languages[language],
            "form": form,
            "preview": ruby_text(existing.body) if existing else "",
        },
        status=400 if form.errors else 200,
    )
