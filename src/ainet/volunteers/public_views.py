"""The public volunteer registration form (no log-in). It creates a pending registration that
a coordinator confirms; nothing is shown back except a thank-you page."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from ainet.core import ratelimit
from ainet.core.models import Municipality
from ainet.volunteers import services
from ainet.volunteers.forms import PublicRegistrationForm


def _municipality(request: HttpRequest) -> Municipality | None:
    """The ward whose centre receives the form: the one named by ?ward=<code>, else the only
    (or first) municipality of the deployment."""
    municipalities = Municipality.objects.order_by("code")
    code = request.GET.get("ward", "")
    if code:
        return municipalities.filter(code=code).first()
    return municipalities.first()


@require_http_methods(["GET", "POST"])
@ratelimit.limit_posts("volunteer")
def register(request: HttpRequest) -> HttpResponse:
    municipality = _municipality(request)
    if municipality is None:
        return render(request, "volunteers/public_unavailable.html", status=404)
    form = PublicRegistrationForm(request.POST or None, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        try:
            services.register_publicly(municipality, request=request, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("volunteers_public:thanks")
    return render(
        request,
        "volunteers/public_register.html",
        {"form": form, "municipality": municipality},
        status=400 if form.errors else 200,
    )


@require_GET
def thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "volunteers/public_thanks.html")
