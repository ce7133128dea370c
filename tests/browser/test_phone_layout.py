"""Layout on a phone (390 px wide) and at 1280 px in Chromium, with the synthetic care demo:
the pages a care plaza uses in the field do not scroll sideways (long <select> options and the
roles table stay inside the page), the log-out button does not break mid-word, and names in
the person list stay on one line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ainet.demo.care_demo import build_care
from ainet.demo.history import build_plan
from tests.browser.helpers import log_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1280, "height": 800}

# How many lines an element's text takes (one client rect per line box).
LINES = """(el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    const tops = new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top)));
    return tops.size;
}"""


@pytest.fixture
def care_world(browser_world: Any) -> Any:
    build_care(browser_world.ward)
    build_plan(browser_world.ward)  # the indicators page needs a plan period
    return browser_world


def _sideways(page: Any, url: str) -> str | None:
    page.goto(url)
    scroll, inner = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    return f"{url} scrolls sideways at 390 px ({scroll} > {inner})" if scroll > inner + 1 else None


@pytest.mark.parametrize("locale", ["ja-JP", "en-GB"])
def test_field_pages_do_not_scroll_sideways_on_a_phone(
    care_world: Any, live_server: Any, browser: Any, artifacts: Path, locale: str
) -> None:
    context = browser.new_context(viewport=PHONE, locale=locale)
    page = context.new_page()
    try:
        log_in(page, live_server.url, "careplaza-yako")
        problems = []
        for path in (
            "/staff/",
            "/staff/care/",
            "/staff/care/worklist/",
            "/staff/reports/indicators/",
        ):
            problem = _sideways(page, live_server.url + path)
            if problem:
                name = path.strip("/").replace("/", "-")
                page.screenshot(path=str(artifacts / f"phone-{locale}-{name}.png"), full_page=True)
                problems.append(problem)
        assert not problems, "\n".join(problems)
    finally:
        context.close()


def test_the_menu_is_one_row_on_a_phone_and_every_item_is_reachable_by_keyboard(
    care_world: Any, live_server: Any, page: Any
) -> None:
    log_in(page, live_server.url, "ward-admin")
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/staff/")
    links = page.locator(".site-nav a")
    assert links.count() > 10
    tops = {round(box["y"]) for box in (links.nth(i).bounding_box() for i in range(links.count()))}
    assert len(tops) == 1, f"the menu takes {len(tops)} rows at 390 px"
    page.goto(live_server.url + "/staff/facilities/")  # far right in the menu
    current = page.locator(".site-nav a[aria-current='page']")
    box = current.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    page.goto(live_server.url + "/staff/")  # the menu at its start again
    last = links.nth(links.count() - 1)
    last.focus()  # tabbing to an item off screen scrolls the menu to it
    box = last.bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE["width"] + 1
    scroll, inner = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner + 1


def test_the_log_out_button_stays_on_one_line_on_a_phone(
    care_world: Any, live_server: Any, page: Any
) -> None:
    log_in(page, live_server.url, "careplaza-yako")
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/staff/care/")
    assert page.locator("form.logout button").evaluate(LINES) == 1


def test_names_kana_and_districts_do_not_break_in_the_person_list(
    care_world: Any, live_server: Any, page: Any
) -> None:
    log_in(page, live_server.url, "ward-admin")
    page.set_viewport_size(WIDE)
    page.goto(live_server.url + "/staff/care/")
    rows = page.locator("table tbody tr")
    assert rows.count() > 10
    broken = []
    for i in range(rows.count()):
        row = rows.nth(i)
        for cell in (row.locator("th"), row.locator("td").nth(0), row.locator("td").nth(1)):
            if cell.evaluate(LINES) > 1:
                broken.append(cell.inner_text())
    assert not broken, f"broken over two lines at 1280 px: {broken}"
