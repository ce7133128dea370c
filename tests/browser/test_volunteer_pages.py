"""The volunteer centre in Chromium with the demo's volunteer centre: zero axe-core WCAG 2.1
A/AA violations at 1280 px and 640 px (200 % zoom) without sideways scrolling, the board is
usable with the keyboard alone, and a resident registers through the public form."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ainet.demo.history import build_history
from ainet.demo.volunteer_centre import build_volunteer_centre
from ainet.volunteers.models import DementiaCourse, Volunteer, VolunteerRequest
from tests.browser.helpers import axe_violations, log_in

pytestmark = pytest.mark.browser

NARROW = {"width": 640, "height": 800}
WIDE = {"width": 1280, "height": 800}


@pytest.fixture
def centre_world(browser_world: Any) -> Any:
    build_history(browser_world.ward)
    build_volunteer_centre(browser_world.ward)
    return browser_world


def _pages() -> list[str]:
    volunteer = Volunteer.objects.filter(town__isnull=False).order_by("pk").first()
    waiting = VolunteerRequest.objects.filter(state="received").order_by("pk").first()
    course = DementiaCourse.objects.order_by("pk").first()
    assert volunteer and waiting and course
    return [
        "/staff/volunteers/",
        "/staff/volunteers/people/",
        "/staff/volunteers/people/new/",
        f"/staff/volunteers/people/{volunteer.pk}/",
        "/staff/volunteers/requests/",
        "/staff/volunteers/requests/new/",
        f"/staff/volunteers/requests/{waiting.pk}/",
        "/staff/volunteers/board/",
        "/staff/volunteers/matching/",
        "/staff/volunteers/courses/",
        f"/staff/volunteers/courses/{course.pk}/",
        "/staff/volunteers/vocabulary/skills/",
    ]


def _check(page: Any, where: str, problems: list[str], artifacts: Path) -> None:
    problems.extend(axe_violations(page, f"{where} at 1280 px"))
    page.set_viewport_size(NARROW)
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    if widths[0] > widths[1] + 1:
        problems.append(f"{where} at 640 px scrolls sideways ({widths[0]} > {widths[1]})")
    problems.extend(axe_violations(page, f"{where} at 640 px"))
    page.set_viewport_size(WIDE)
    name = where.strip("/").replace("/", "-") or "root"
    page.screenshot(path=str(artifacts / f"volunteers-{name}.png"), full_page=True)


def test_volunteer_pages_have_no_axe_violations(
    centre_world: Any, live_server: Any, page: Any, artifacts: Path
) -> None:
    problems: list[str] = []
    log_in(page, live_server.url, "shakyo-coordinator")
    pages = _pages()
    for path in pages:
        page.set_viewport_size(WIDE)
        response = page.goto(live_server.url + path)
        if response is None or response.status != 200:
            problems.append(f"{path}: status {response.status if response else None}")
            continue
        _check(page, path, problems, artifacts)
    # The batch run page, after running the solver from the form.
    page.goto(live_server.url + "/staff/volunteers/matching/")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    _check(page, "/staff/volunteers/matching/run/", problems, artifacts)
    assert not problems, "\n".join(problems)


def test_the_board_moves_a_request_with_the_keyboard(
    centre_world: Any, live_server: Any, page: Any
) -> None:
    req = VolunteerRequest.objects.filter(state="received").order_by("pk").first()
    assert req is not None
    log_in(page, live_server.url, "shakyo-coordinator")
    page.goto(live_server.url + "/staff/volunteers/board/")
    page.focus(f"#to-{req.pk}")
    page.keyboard.press("Tab")  # to the card's Move button
    with page.expect_navigation():
        page.keyboard.press("Enter")
    req.refresh_from_db()
    assert req.state == "coordinating"
    assert page.locator(f"#column-coordinating ~ ul #request-{req.pk}").count() == 1


def test_a_resident_registers_through_the_public_form(
    centre_world: Any, live_server: Any, page: Any, artifacts: Path
) -> None:
    page.goto(live_server.url + "/volunteer/register/")
    problems = axe_violations(page, "/volunteer/register/")
    page.fill("#id_name", "ブラウザ 花子")
    page.select_option("#id_town", index=1)
    page.fill("#id_phone", "045-000-0000")
    page.check("#id_availability_0")
    page.check("#id_contact_consent")
    page.screenshot(path=str(artifacts / "volunteers-public-register.png"), full_page=True)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "/volunteer/register/thanks/" in page.url
    assert Volunteer.objects.filter(name="ブラウザ 花子", status="pending").exists()
    assert not problems, "\n".join(problems)
