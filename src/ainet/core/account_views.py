"""Ward administrators manage the accounts of their municipality and the roles they hold."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import user_has_device

from ainet.core import access, services
from ainet.core.forms import AccountForm, MembershipForm, RolePolicyForm
from ainet.core.guards import staff_view
from ainet.core.models import District, Municipality, RoleMembership, RolePolicy, User
from ainet.core.roles import Role


def _municipalities(request: HttpRequest) -> QuerySet[Municipality]:
    return Municipality.objects.filter(pk__in=access.administered_municipality_ids(request.user))


def _accounts(request: HttpRequest) -> QuerySet[User]:
    """Accounts holding (or having held) a role in a municipality the admin administers."""
    ids = access.administered_municipality_ids(request.user)
    return User.objects.filter(
        Q(municipality_id__in=ids) | Q(memberships__municipality_id__in=ids)
    ).distinct()


def _municipality_of(request: HttpRequest, account: User) -> Municipality:
    administered = _municipalities(request)
    home = administered.filter(accounts=account).first()
    return home or administered.filter(memberships__user=account).distinct().get()


@staff_view("core.manage_accounts")
@require_GET
def account_list(request: HttpRequest) -> HttpResponse:
    accounts = _accounts(request).prefetch_related(
        Prefetch(
            "memberships",
            queryset=RoleMembership.objects.select_related("municipality").prefetch_related(
                "districts"
            ),
        )
    )
    return render(request, "core/account_list.html", {"accounts": accounts})


@staff_view("core.manage_accounts")
@require_http_methods(["GET", "POST"])
def account_create(request: HttpRequest) -> HttpResponse:
    municipality = _municipalities(request).first()
    if municipality is None:
        return redirect("core:account_list")
    form = AccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        account = services.create_account(
            request.user,
            municipality,
            username=data["username"],
            display_name=data["display_name"],
            display_name_kana=data["display_name_kana"],
            email=data["email"],
            password=data["password"],
        )
        messages.success(request, _("The account was created. Now give it a role."))
        return redirect("core:account_detail", pk=account.pk)
    return render(
        request,
        "core/account_form.html",
        {"form": form, "municipality": municipality},
        status=400 if form.errors else 200,
    )


@staff_view("core.manage_accounts")
@require_http_methods(["GET", "POST"])
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(_accounts(request), pk=pk)
    municipality = _municipality_of(request, account)
    form = MembershipForm(request.POST or None, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.add_membership(
            request.user,
            account,
            municipality,
            role=Role(data["role"]),
            districts=data["districts"],
            organisation=data["organisation"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
        )
        messages.success(request, _("The role was added."))
        return redirect("core:account_detail", pk=account.pk)
    memberships = (
        account.memberships.filter(municipality=municipality)
        .select_related("organisation")
        .prefetch_related(Prefetch("districts", queryset=District.objects.order_by("sort_order")))
    )
    return render(
        request,
        "core/account_detail.html",
        {
            "account": account,
            "memberships": memberships,
            "form": form,
            "has_otp": user_has_device(account, confirmed=True),
            "is_self": account.pk == request.user.pk,
        },
        status=400 if form.errors else 200,
    )


@staff_view("core.manage_accounts")
@require_POST
def membership_end(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    account = get_object_or_404(_accounts(request), pk=pk)
    membership = get_object_or_404(
        RoleMembership.objects.filter(
            user=account, municipality__in=_municipalities(request)
        ).select_related("municipality", "user"),
        pk=membership_pk,
    )
    services.end_membership(request.user, membership)
    messages.success(request, _("The role was ended as of yesterday."))
    return redirect("core:account_detail", pk=account.pk)


@staff_view("core.manage_accounts")
@require_POST
def account_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    account = get_object_or_404(_accounts(request), pk=pk)
    municipality = _municipality_of(request, account)
    if action == "unlock":
        services.unlock_account(request.user, account, municipality)
        messages.success(request, _("Failed log-in attempts were cleared."))
    elif action == "reset-otp":
        services.reset_second_factor(request.user, account, municipality)
        messages.success(
            request,
            _("The second factor was removed. The person sets up a new one at the next log-in."),
        )
    elif action in {"deactivate", "activate"} and account.pk != request.user.pk:
        services.set_account_active(request.user, account, municipality, action == "activate")
        messages.success(request, _("The account was updated."))
    else:
        messages.error(request, _("That action is not possible for this account."))
    return redirect("core:account_detail", pk=account.pk)


@staff_view("core.manage_accounts")
@require_http_methods(["GET", "POST"])
def role_policies(request: HttpRequest) -> HttpResponse:
    municipality = _municipalities(request).first()
    if municipality is None:
        return redirect("core:account_list")
    required = set(
        RolePolicy.objects.filter(municipality=municipality, require_otp=True).values_list(
            "role", flat=True
        )
    )
    form = RolePolicyForm(request.POST or None, required=required)
    if request.method == "POST" and form.is_valid():
        chosen = {role for role, on in form.cleaned_data.items() if on}
        services.set_otp_roles(request.user, municipality, chosen)
        messages.success(request, _("The second-factor policy was saved."))
        return redirect("core:role_policies")
    return render(request, "core/role_policies.html", {"form": form, "municipality": municipality})
