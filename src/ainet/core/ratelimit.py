"""A limit on posts to the public (no log-in) forms, per client address and form.

A fixed window: at most `settings.AINET_PUBLIC_POST_LIMITS[form]` posts from one address in
each window of `AINET_PUBLIC_POST_WINDOW_SECONDS`. Every POST counts, valid or not, before the
view runs; a post over the limit gets 429 with a page in the visitor's language that says when
to try again and whom to call, and the view never runs, so nothing is stored. GET is never
limited.

The counts live in the "ratelimit" cache (settings.cache_settings: the database by default, so
that every web process shares them). The database cache increments by read and write, so two
posts racing each other may both pass at the very edge of the limit; that is fine for stopping
floods. If the cache fails, posts pass (logged): a resident reporting a neighbour in danger
matters more than a spammer.

The client is REMOTE_ADDR. X-Forwarded-For is read only when settings.AINET_TRUSTED_PROXIES says
how many proxies of ours add to it; the address they saw is then the one that many entries from
the right. IPv6 addresses count per /64, the block one household or phone usually gets.
"""

from __future__ import annotations

import datetime
import functools
import ipaddress
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from ainet.core.models import Municipality, Organisation, OrganisationKind

logger = logging.getLogger(__name__)

CACHE_ALIAS = "ratelimit"
# The forms the public site has; a view names one of these.
FORMS = ("concern", "volunteer", "grant", "event")
# The page that answers a limited post; it belongs to the public site's look (public/base.html).
TEMPLATE = "public/rate_limited.html"


def now() -> float:
    """The clock the windows are cut from (tests replace it)."""
    return time.time()


@dataclass(frozen=True)
class Limit:
    posts: int
    seconds: int


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: int  # seconds until the window ends (0 when allowed)


def limit_for(form: str) -> Limit:
    if form not in FORMS:
        raise ValueError(f"unknown public form {form!r}")
    posts = int(settings.AINET_PUBLIC_POST_LIMITS.get(form, 0))
    return Limit(posts=posts, seconds=max(int(settings.AINET_PUBLIC_POST_WINDOW_SECONDS), 1))


def client_address(request: HttpRequest) -> str:
    """The visitor's address: REMOTE_ADDR, or the trusted proxies' X-Forwarded-For entry."""
    address = request.META.get("REMOTE_ADDR") or ""
    hops = int(settings.AINET_TRUSTED_PROXIES)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if hops > 0 and forwarded:
        entries = [entry.strip() for entry in forwarded[:2000].split(",") if entry.strip()]
        if len(entries) >= hops:
            address = entries[-hops]
    return address


def client_key(address: str) -> str:
    """What the count is kept under: the address, an IPv6 address by its /64 network."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return "unknown"  # all unreadable addresses share one count
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)


def _count(key: str, timeout: int) -> int:
    cache = caches[CACHE_ALIAS]
    if cache.add(key, 1, timeout):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout)
        return 1


def hit(request: HttpRequest, form: str) -> Decision:
    """Count one post to `form` from the request's client and say whether it may go on."""
    limit = limit_for(form)
    if limit.posts <= 0:
        return Decision(allowed=True, retry_after=0)
    moment = now()
    window = int(moment // limit.seconds)
    retry_after = max(int((window + 1) * limit.seconds - moment), 1)
    key = f"ainet-posts:{form}:{client_key(client_address(request))}:{window}"
    try:
        # A savepoint: a cache failure must not spoil the request's transaction.
        with transaction.atomic():
            count = _count(key, retry_after + 60)
    except Exception:  # fail open, see the module docstring
        logger.exception("public post limit not checked (cache unavailable)")
        return Decision(allowed=True, retry_after=0)
    if count > limit.posts:
        return Decision(allowed=False, retry_after=retry_after)
    return Decision(allowed=True, retry_after=0)


def public_ward() -> Municipality | None:
    """The ward the public site is about: settings.AINET_PUBLIC_MUNICIPALITY (a code), else the
    demo ward, else the first (public.views.site_municipality; here because core cannot import
    public, and the 429 page names the ward's office)."""

    code = settings.AINET_PUBLIC_MUNICIPALITY
    if code:
        return Municipality.objects.filter(code=code).first()
    return (
        Municipality.objects.filter(is_demo=True).order_by("code").first()
        or Municipality.objects.order_by("code").first()
    )


def ward_offices(municipality: Municipality | None) -> list[Organisation]:
    """The ward office(s) with a phone number, to call instead of posting again."""
    if municipality is None:
        return []
    return list(
        Organisation.objects.filter(municipality=municipality, kind=OrganisationKind.WARD_OFFICE)
        .exclude(phone="")
        .order_by("name_kana", "pk")
    )


def limited_response(request: HttpRequest, form: str, decision: Decision) -> HttpResponse:
    municipality = public_ward()
    response = render(
        request,
        TEMPLATE,
        {
            "form_name": form,
            "municipality": municipality,
            "offices": ward_offices(municipality),
            "retry_at": timezone.localtime(
                datetime.datetime.fromtimestamp(now() + decision.retry_after, tz=datetime.UTC)
            ),
        },
        status=429,
    )
    response["Retry-After"] = str(decision.retry_after)
    return response


View = Callable[..., HttpResponse]


def limit_posts(form: str) -> Callable[[View], View]:
    """Decorate a public view: its POSTs count against `form`'s limit; over it, 429."""
    limit_for(form)  # an unknown form name fails at import, not on the first post

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST":
                decision = hit(request, form)
                if not decision.allowed:
                    return limited_response(request, form, decision)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def create_cache_table(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """After `migrate`: the database cache's table, if the ratelimit cache is the database
    (createcachetable leaves an existing table alone)."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)
