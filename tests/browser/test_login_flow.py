"""Logging in, switching language, district separation, keyboard use and WCAG 2.1 AA in a real
browser (Debian's Chromium through Playwright, against the live server and the demo ward)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import translation

from tests.browser.helpers import assert_no_axe_violations, axe_violations, log_in
from tests.conftest import DISTRICT_A

pytestmark = pytest.mark.browser

NARROW = {"width": 640, "height": 800}  # 1280 px at 200 % zoom
WIDE = {"width": 1280, "height": 800}


def japanese(msgid: str) -> str:
    """The Japanese text for an English msgid (the msgid itself while translations are not
    compiled yet)."""
    with translation.override("ja"):
        return translation.gettext(msgid)


def test_staff_member_logs_in_through_the_real_page_and_switches_language(
    browser_world: Any, live_server: Any, page: Any, artifacts: Path
) -> None:
    page.goto(live_server.url + "/staff/login/")
    assert page.get_attribute("html", "lang") == "ja"
    page.fill("#id_username", "staff-yako")
    page.fill("#id_password", settings.AINET_DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")

    assert page.url == live_server.url + "/staff/"
    assert page.locator("h1").count() == 1
    assert page.get_attribute("html", "lang") == "ja"
    districts_ja = japanese("Districts")
    if districts_ja != "Districts":  # translations are compiled: the nav is in Japanese
        assert districts_ja == "地区"
        assert page.locator("nav.site-nav").get_by_text("地区", exact=True).is_visible()
    page.screenshot(path=str(artifacts / "staff-home-ja.png"), full_page=True)

    page.select_option("select#language-select", "en")
    with page.expect_navigation():
        page.click("form.language-switch button[type=submit]")

    assert page.url == live_server.url + "/staff/"
    assert page.get_attribute("html", "lang") == "en"
    assert page.locator("nav.site-nav").get_by_text("Districts", exact=True).is_visible()
    assert "Districts" in page.content()
    page.screenshot(path=str(artifacts / "staff-home-en.png"), full_page=True)


def test_staff_of_district_b_gets_not_found_for_district_a_in_the_browser(
    browser_world: Any, live_server: Any, page: Any, artifacts: Path
) -> None:
    log_in(page, live_server.url, "staff-ichiba")
    assert page.url == live_server.url + "/staff/"

    response = page.goto(f"{live_server.url}/staff/districts/{DISTRICT_A}/")

    assert response is not None
    assert response.status == 404
    not_found = japanese("Not found")
    assert page.title().startswith(not_found)
    assert page.locator("h1").inner_text().strip() == not_found
    assert "矢向" not in page.content()
    page.screenshot(path=str(artifacts / "district-a-not-found-for-staff-b.png"), full_page=True)


def test_wrong_password_shows_an_error_and_stays_on_login(
    browser_world: Any, live_server: Any, page: Any, artifacts: Path
) -> None:
    log_in(page, live_server.url, "staff-yako", password="not-the-password")

    assert page.url.startswith(live_server.url + "/staff/login/")
    error = page.locator("main .errorlist[role=alert]")
    assert error.is_visible()
    assert japanese("The user name or password is wrong. Note that both are case-sensitive.") in (
        error.inner_text()
    )
    # The user name is kept, the password is not.
    assert page.input_value("#id_username") == "staff-yako"
    assert page.input_value("#id_password") == ""
    assert page.locator("nav.site-nav").count() == 0
    page.screenshot(path=str(artifacts / "login-wrong-password.png"), full_page=True)


def test_keyboard_user_can_reach_main_content_with_the_skip_link(
    browser_world: Any, live_server: Any, page: Any
) -> None:
    page.goto(live_server.url + "/staff/login/")

    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => [document.activeElement.tagName, document.activeElement.className]"
    )
    assert focused == ["A", "skip-link"]
    assert page.locator("a.skip-link").is_visible()  # it shows itself when focused

    page.keyboard.press("Enter")
    page.wait_for_function("() => location.hash === '#main'")
    assert page.evaluate("() => location.hash") == "#main"
    assert page.evaluate("() => document.activeElement.id") == "main"


# (persona's username, path) — the login page is checked while still logged out.
AXE_PAGES = [
    (None, "/staff/login/"),
    ("ward-admin", "/about/"),
    ("ward-admin", "/staff/"),
    ("ward-admin", "/staff/districts/"),
    ("ward-admin", f"/staff/districts/{DISTRICT_A}/"),
    ("ward-admin", "/staff/organisations/"),
    ("ward-admin", "/staff/accounts/"),
    ("ward-admin", "/staff/accounts/new/"),
    ("ward-admin", "/staff/me/"),
    ("auditor", "/staff/audit/"),
]


def test_pages_have_no_axe_violations(
    browser_world: Any, live_server: Any, page: Any, artifacts: Path
) -> None:
    """Every page: zero WCAG 2.0/2.1 A and AA violations at 1280 px and at 200 % zoom (640 px),
    and no horizontal scrolling of the page at 200 % zoom (wide tables scroll inside
    .table-scroll)."""
    problems: list[str] = []
    logged_in_as: str | None = None
    for username, path in AXE_PAGES:
        if username != logged_in_as:
            page.context.clear_cookies()
            if username is not None:
                log_in(page, live_server.url, username)
                assert page.url == live_server.url + "/staff/", f"log-in as {username} failed"
            logged_in_as = username
        page.set_viewport_size(WIDE)
        response = page.goto(live_server.url + path)
        where = f"{path} as {username or 'anonymous'}"
        if response is None or response.status != 200:
            problems.append(f"{where}: status {response.status if response else None}")
            continue
        problems.extend(axe_violations(page, f"{where} at 1280 px"))

        page.set_viewport_size(NARROW)
        widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        if widths[0] > widths[1] + 1:
            problems.append(
                f"{where} at 640 px (200 % zoom): the page scrolls sideways "
                f"(scrollWidth {widths[0]} > innerWidth {widths[1]})"
            )
            name = path.strip("/").replace("/", "-") or "root"
            page.screenshot(path=str(artifacts / f"narrow-{name}.png"), full_page=True)
        problems.extend(axe_violations(page, f"{where} at 640 px"))
    assert not problems, "\n".join(problems)


def test_axe_helper_reports_a_real_violation(
    browser_world: Any, live_server: Any, page: Any
) -> None:
    """The axe check itself works: an image without alternative text is caught."""
    page.goto(live_server.url + "/staff/login/")
    page.evaluate(
        "() => { const i = document.createElement('img'); i.src = '/static/x.png';"
        " document.querySelector('main').append(i); }"
    )
    with pytest.raises(pytest.fail.Exception, match="image-alt"):
        assert_no_axe_violations(page)


def test_login_page_is_titled_with_the_site_name_not_the_host(
    browser_world: Any, live_server: Any, page: Any
) -> None:
    page.goto(live_server.url + "/staff/login/")

    assert page.locator(".site-title").inner_text().startswith(settings.AINET_SITE_NAME)
    assert page.title().endswith(f"| {settings.AINET_SITE_NAME}")
