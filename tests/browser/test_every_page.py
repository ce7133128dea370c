"""Every page of ainet in Chromium: each URL pattern (enumerated from the URL configuration and
the permission matrix's rules, so pages added later are covered without editing this file)
is visited as a persona allowed to see it, at 1280 px and at 640 px (1280 px at 200 % zoom),
with zero axe-core WCAG 2.1 A/AA violations and no sideways scrolling. Then the main flows by
keyboard alone."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from tests.browser.helpers import axe_violations, log_in
from tests.conftest import PERSONAS
from tests.core.test_permission_matrix import MATRIX
from tests.matrix import Rule, rule_kwargs, viewer
from tests.public.url_rules import make_event

pytestmark = pytest.mark.browser

NARROW = {"width": 640, "height": 800}
WIDE = {"width": 1280, "height": 800}
# Not ainet's own markup: django-ninja's Swagger UI (a developer tool, loaded from a CDN) nests
# controls and uses low-contrast colours; /api/v1/openapi.json is the accessible equivalent.
NOT_OURS = {"api-v1:openapi-view": "django-ninja's Swagger UI"}


def pages_to_visit() -> list[tuple[str, str | None, Rule]]:
    # AINET_BROWSER_ONLY=public: only URL names containing "public" (while working on them).
    only = os.environ.get("AINET_BROWSER_ONLY", "")
    found = []
    for name, rule in sorted(MATRIX.items()):
        if (only and only not in name) or name in NOT_OURS:
            continue
        if rule.kind in {"special", "api", "api_capability"} or not rule.get_allowed:
            continue
        if rule.kind == "public" and rule.public_status != 200:
            continue
        who = viewer(rule)
        if who != "":
            found.append((name, who, rule))
    return found


def test_the_page_list_covers_the_url_patterns() -> None:
    names = {name for name, _who, _rule in pages_to_visit()}
    assert {"root", "public:map", "facilities:list", "core:home", "plan:overview"} <= names
    assert len(names) > 40


def _is_html(page: Any, url: str) -> bool:
    """A whole HTML page: not a download, a redirect, or an htmx fragment (a fragment is
    checked inside the page that loads it)."""
    response = page.request.get(url, max_redirects=0)
    if response.status != 200:
        return False
    if not response.headers.get("content-type", "").startswith("text/html"):
        return False
    return "<html" in response.text()[:2000].lower()


def test_every_page_has_no_axe_violations_at_both_widths(
    browser_world: Any, live_server: Any, page: Any, artifacts: Path
) -> None:
    world = browser_world
    problems: list[str] = []
    visited = 0
    current: str | None = "nobody"
    for name, who, rule in pages_to_visit():
        kwargs, built = rule_kwargs(rule, world)
        if built is not world:  # a fresh ward: log in again
            world, current = built, "nobody"
        if who != current:
            page.context.clear_cookies()
            if who is not None:
                log_in(page, live_server.url, PERSONAS[who] or "")
            current = who
        url = live_server.url + reverse(name, kwargs=kwargs)
        where = f"{name} ({url.removeprefix(live_server.url)}) as {who or 'anonymous'}"
        if not _is_html(page, url):
            continue
        page.set_viewport_size(WIDE)
        response = page.goto(url)
        if response is None or response.status != 200:
            problems.append(f"{where}: status {response.status if response else None}")
            continue
        visited += 1
        problems.extend(axe_violations(page, f"{where} at 1280 px"))
        page.set_viewport_size(NARROW)
        widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        if widths[0] > widths[1] + 1:
            problems.append(f"{where} at 640 px scrolls sideways ({widths[0]} > {widths[1]})")
            page.screenshot(path=str(artifacts / f"narrow-{name.replace(':', '-')}.png"))
        problems.extend(axe_violations(page, f"{where} at 640 px"))
    assert visited > (0 if os.environ.get("AINET_BROWSER_ONLY") else 40)
    assert not problems, "\n".join(problems)


def _tab_to(page: Any, selector: str, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(
            "(s) => document.activeElement && document.activeElement.matches(s)", selector
        ):
            return
    pytest.fail(f"Tab never reached {selector}")


def test_public_flows_by_keyboard_alone(
    browser_world: Any, live_server: Any, page: Any, artifacts: Path
) -> None:
    event = make_event(browser_world, days_ahead=5, district=browser_world.district_a)
    page.goto(live_server.url + "/")
    # The skip link comes first and moves focus to the main content.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    # Choose a language with the keyboard.
    _tab_to(page, "#public-language-select")
    page.keyboard.press("End")  # the last language: Tiếng Việt
    _tab_to(page, ".language-switch button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.evaluate("() => document.documentElement.lang") == "vi"
    page.screenshot(path=str(artifacts / "public-home-vi.png"), full_page=True)
    # Register for an event.
    page.goto(live_server.url + reverse("public:event_detail", args=[event.pk]))
    _tab_to(page, "#id_name")
    page.keyboard.type("Nguyễn Văn A")
    _tab_to(page, "main form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".message--success").count() == 1
    assert event.registrations.filter(name="Nguyễn Văn A").exists()
    # The map: reach a marker with Tab and open its popup with Enter.
    page.goto(live_server.url + reverse("public:map"))
    page.wait_for_selector(".leaflet-marker-icon")
    _tab_to(page, ".leaflet-marker-icon", limit=200)
    page.keyboard.press("Enter")
    page.wait_for_selector(".leaflet-popup-content")
    page.set_viewport_size(WIDE)
    page.screenshot(path=str(artifacts / "public-map.png"))
    # A filter switched off by keyboard hides its markers and its list.
    page.focus('input[name="layer"][value="facility-aed"]')
    page.keyboard.press("Space")
    assert page.locator('.map-list__layer[data-layer="facility-aed"]').is_hidden()


def test_staff_import_flow_by_keyboard_alone(
    browser_world: Any, live_server: Any, page: Any, artifacts: Path
) -> None:
    page.goto(live_server.url + "/staff/login/")
    page.focus("#id_username")
    page.keyboard.type("ward-admin")
    page.keyboard.press("Tab")
    from django.conf import settings

    page.keyboard.type(settings.AINET_DEMO_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.goto(live_server.url + reverse("facilities:list"))
    _tab_to(page, f'a[href="{reverse("facilities:import")}"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(reverse("facilities:import"))
    _tab_to(page, "#id_format_kind")
    _tab_to(page, "#id_file")
    page.screenshot(path=str(artifacts / "staff-facility-import.png"), full_page=True)
