"""Log-in, the TOTP second factor, and the user's own account page."""

from __future__ import annotations

import base64
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import devices_for_user, match_token, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from ainet.core import access, audit, tokens
from ainet.core.forms import ApiTokenForm, LoginForm, OtpTokenForm
from ainet.core.guards import staff_view
from ainet.core.models import ApiToken, User

NEW_TOKEN_KEY = "ainet_new_api_token"  # noqa: S105 - a session key, not a secret
WRONG_CODE = gettext_lazy("The code is wrong or has expired. Try the current code.")
THROTTLED = gettext_lazy(
    "Too many wrong codes in a row. Wait a few seconds, then enter the current code."
)


def _safe_next(request: HttpRequest, default: str = "core:home") -> HttpResponseRedirect:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return redirect(default)


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    redirect_authenticated_user = True
    form_class = LoginForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # Django's LoginView sets site_name to the request's host; keep ainet's name.
        context["site_name"] = settings.AINET_SITE_NAME
        return context


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "core/password_change.html"
    success_url = "/staff/me/"

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        audit.record(self.request.user, audit.Action.PASSWORD_CHANGED, request=self.request)
        messages.success(self.request, _("Your password has been changed."))
        return response


login_view = LoginView.as_view()
logout_view = auth_views.LogoutView.as_view()
password_change_view = staff_view()(PasswordChangeView.as_view())


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    if not user_has_device(request.user):
        return redirect("core:otp_setup")
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"].strip())
        if device is not None:
            otp_login(request, device)
            audit.record(request.user, audit.Action.OTP_VERIFIED, request=request)
            return _safe_next(request)
        audit.record(request.user, audit.Action.OTP_FAILED, request=request)
        throttled = any(not d.verify_is_allowed()[0] for d in devices_for_user(request.user))
        form.add_error("token", THROTTLED if throttled else WRONG_CODE)
    status = 400 if request.method == "POST" else 200
    return render(request, "core/otp_verify.html", {"form": form}, status=status)


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    svg: bytes = image.to_string(encoding="unicode")  # type: ignore[assignment]
    return str(svg)


@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user_has_device(user, confirmed=True):
        messages.info(request, _("A second factor is already set up for your account."))
        return redirect("core:me")
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, confirmed=False, defaults={"name": _("Authenticator app")}
    )
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _why = device.verify_is_allowed()
        if not allowed:
            form.add_error("token", THROTTLED)
        elif device.verify_token(form.cleaned_data["token"].strip()):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            audit.record(user, audit.Action.OTP_ENROLLED, request=request)
            messages.success(request, _("The second factor is set up."))
            return _safe_next(request, "core:me")
        else:
            form.add_error("token", WRONG_CODE)
    secret = device.bin_key
    context = {
        "form": form,
        "qr_svg": _qr_svg(device.config_url),
        "secret": base64.b32encode(secret).decode().rstrip("="),
        "required": access.otp_required(user),
    }
    return render(request, "core/otp_setup.html", context, status=400 if form.errors else 200)


def _me_page(
    request: HttpRequest,
    *,
    token_form: ApiTokenForm | None = None,
    new_secret: str = "",
    status: int = 200,
) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    memberships = user.memberships.select_related("municipality", "organisation").prefetch_related(
        "districts"
    )
    return render(
        request,
        "core/me.html",
        {
            "memberships": memberships,
            "has_otp": user_has_device(user, confirmed=True),
            "otp_required": access.otp_required(user),
            "empty_form": Form(),
            "tokens": list(user.api_tokens.all()),
            "token_form": token_form or ApiTokenForm(),
            "new_secret": new_secret,
            "now": timezone.now(),
        },
        status=status,
    )


@staff_view()
@require_GET
def me(request: HttpRequest) -> HttpResponse:
    # A token just made is in the session only until this page shows it, once.
    secret = request.session.pop(NEW_TOKEN_KEY, "")
    response = _me_page(request, new_secret=secret)
    if secret:
        response["Cache-Control"] = "no-store"
    return response


@staff_view()
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    """A personal API token. The database keeps its digest only; the secret waits in the
    session for the account page to show it once (post, redirect, get: reloading the page
    makes no second token)."""
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return _me_page(request, token_form=form, status=400)
    user: User = request.user  # type: ignore[assignment]
    secret = tokens.issue(
        user, form.cleaned_data["name"], form.cleaned_data["days"], request=request
    )
    request.session[NEW_TOKEN_KEY] = secret
    return redirect("core:me")


@staff_view()
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    tokens.revoke(request.user, token, request=request)  # type: ignore[arg-type]
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("core:me")
