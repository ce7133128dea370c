"""The staff home page's "Needs attention" panel (要対応): for each kind of work the user holds
the capability for, how many records are waiting, with a link to the list that shows them.

Each count is taken over the scoped queryset or selector the linked list itself reads, with
the list's own filter, so the number on the home page is the number on the list and another
district's records never count. One COUNT (or one aggregate of a few counts) per kind of work,
never a loop over rows.

Each app registers what it counts in its own `attention` module (as indicators register in
`core.indicators`), so `core` imports no app; `discover()` imports them."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.apps import apps
from django.urls import reverse
from django.utils.http import urlencode


@dataclass(frozen=True)
class Item:
    key: str  # stable name, for tests and the markup's ids
    count: int
    text: str  # a whole sentence that carries the count
    url: str = ""  # the filtered list ("" when there is no list to open)
    detail: str = ""
    urgent: bool = False


@dataclass(frozen=True)
class Attention:
    items: list[Item]  # only what is waiting (count above zero), urgent first
    checked: bool  # the user holds at least one capability this panel counts for


def list_url(name: str, **query: str) -> str:
    """The URL of a list, with its filter."""
    url = reverse(name)
    return f"{url}?{urlencode(query)}" if query else url


Count_ = Callable[[Any, datetime.datetime], list[Item]]


@dataclass(frozen=True)
class Provider:
    applies: Callable[[Any], bool]  # the user holds what the lists need
    order: int
    count: Count_


REGISTRY: dict[str, Provider] = {}


def register(applies: Callable[[Any], bool], *, order: int) -> Callable[[Count_], Count_]:
    """Register a function `(user, now) -> [Item]` for users `applies` holds for."""

    def decorator(fn: Count_) -> Count_:
        REGISTRY[f"{fn.__module__}.{fn.__qualname__}"] = Provider(applies, order, fn)
        return fn

    return decorator


def discover() -> list[Provider]:
    """Import every installed ainet app's attention module (idempotent)."""
    for config in apps.get_app_configs():
        if config.name.startswith("ainet."):
            try:
                import_module(f"{config.name}.attention")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.attention":
                    raise
    return sorted(REGISTRY.values(), key=lambda provider: provider.order)


def needs_attention(user: Any, now: datetime.datetime) -> Attention:
    """What waits for `user` now. (Disaster mode is not counted here: the template shows the
    staff banner's declarations, which the access scope has read for this request already.)"""
    items: list[Item] = []
    checked = False
    for provider in discover():
        if provider.applies(user):
            checked = True
            items += provider.count(user, now)
    waiting = [item for item in items if item.count > 0]
    # Urgent first; otherwise the registration order (a stable sort keeps it).
    waiting.sort(key=lambda item: not item.urgent)
    return Attention(items=waiting, checked=checked)
