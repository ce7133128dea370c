"""The people pages in Chromium with the synthetic care demo: the person list, a person's
record, the worklist, the figures and the support map have zero axe-core WCAG 2.1 A/AA
violations; the map draws markers that the keyboard reaches, beside the same data as a table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ainet.care.models import Person, Supporter
from ainet.demo.care_demo import build_care
from tests.browser.helpers import axe_violations, log_in

pytestmark = pytest.mark.browser

WIDE = {"width": 1280, "height": 800}
NARROW = {"width": 640, "height": 800}


@pytest.fixture
def care_world(browser_world: Any) -> Any:
    build_care(browser_world.ward)
    return browser_world


def test_care_pages_have_no_axe_violations(
    care_world: Any, live_server: Any, page: Any, artifacts: Path
) -> None:
    person = Person.objects.filter(district=care_world.district_a).order_by("pk").first()
    assert person is not None
    supporter = (
        Supporter.objects.filter(district=care_world.district_a, ties__isnull=False)
        .order_by("pk")
        .first()
    )
    assert supporter is not None
    pages = [
        ("ward-admin", f"/staff/care/supporters/{supporter.pk}/"),
        ("ward-admin", f"/staff/care/supporters/{supporter.pk}/edit/"),
        ("ward-admin", f"/staff/care/supporters/{supporter.pk}/deactivate/"),
        ("ward-admin", "/staff/care/"),
        ("ward-admin", f"/staff/care/people/{person.pk}/"),
        ("ward-admin", "/staff/care/worklist/"),
        ("ward-admin", "/staff/care/minsei/"),
        ("ward-admin", f"/staff/care/people/{person.pk}/contacts/new/"),
        ("minsei-yako", "/staff/care/map/"),
        ("volunteer", "/staff/care/"),
    ]
    problems: list[str] = []
    logged_in_as: str | None = None
    for username, path in pages:
        if username != logged_in_as:
            page.context.clear_cookies()
            log_in(page, live_server.url, username)
            logged_in_as = username
        page.set_viewport_size(WIDE)
        response = page.goto(live_server.url + path)
        where = f"{path} as {username}"
        if response is None or response.status != 200:
            problems.append(f"{where}: status {response.status if response else None}")
            continue
        name = path.strip("/").replace("/", "-") or "root"
        page.screenshot(path=str(artifacts / f"care-{username}-{name}.png"), full_page=True)
        problems.extend(axe_violations(page, f"{where} at 1280 px"))
        page.set_viewport_size(NARROW)
        problems.extend(axe_violations(page, f"{where} at 640 px"))
    assert not problems, "\n".join(problems)


def test_the_support_map_draws_markers_the_keyboard_reaches(
    care_world: Any, live_server: Any, page: Any, artifacts: Path
) -> None:
    log_in(page, live_server.url, "minsei-yako")
    page.set_viewport_size(WIDE)
    page.goto(live_server.url + "/staff/care/map/")
    page.wait_for_selector(".map-marker--person")
    people = page.locator(".map-marker--person").count()
    assert people > 10
    assert page.locator(".leaflet-overlay-pane path").count() > 0  # ties and town blocks
    first = page.locator(".map-marker--person").first
    assert first.get_attribute("tabindex") == "0"
    first.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector(".leaflet-popup-content a")
    assert page.locator("table tbody tr").count() > 0  # the same data as a table
    page.screenshot(path=str(artifacts / "care-support-map.png"), full_page=True)
