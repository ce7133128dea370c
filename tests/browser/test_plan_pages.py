"""The plan, community and reports pages in Chromium with the demo ward's full history:
zero axe-core WCAG 2.1 A/AA violations, no sideways scrolling at 200 % zoom, and the outcome
table on screen equals the plan review's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ainet.demo.history import build_history
from ainet.plan.models import PlanPeriod
from tests.browser.helpers import axe_violations, log_in

pytestmark = pytest.mark.browser

NARROW = {"width": 640, "height": 800}  # 1280 px at 200 % zoom
WIDE = {"width": 1280, "height": 800}

PLAN_PAGES = [
    ("ward-admin", "/staff/plan/"),
    # {period}: the first plan period's id (ids depend on what earlier browser tests created).
    ("ward-admin", "/staff/plan/structure/pillar/new/{period}/"),
    ("ward-admin", "/staff/reports/indicators/?periods=1,2"),
    ("ward-admin", "/staff/plan/teams/"),
    ("ward-admin", "/staff/plan/teams/yako/"),
    ("ward-admin", "/staff/plan/committee/"),
    ("ward-admin", "/staff/plan/meetings/"),
    ("ward-admin", "/staff/plan/meetings/new/"),
    ("ward-admin", "/staff/plan/district-plans/"),
    ("ward-admin", "/staff/plan/advisors/"),
    ("ward-admin", "/staff/plan/trainings/"),
    ("ward-admin", "/staff/community/"),
    ("ward-admin", "/staff/community/activities/"),
    ("ward-admin", "/staff/community/events/"),
    ("ward-admin", "/staff/community/forums/"),
    ("ward-admin", "/staff/reports/districts/"),
    ("ward-admin", "/staff/reports/districts/yako/?fy=2014"),
    ("committee-member", "/staff/reports/indicators/"),
]


@pytest.fixture
def history_world(browser_world: Any) -> Any:
    build_history(browser_world.ward)
    return browser_world


def test_plan_pages_have_no_axe_violations(
    history_world: Any, live_server: Any, page: Any, artifacts: Path
) -> None:
    problems: list[str] = []
    logged_in_as: str | None = None
    first_period = PlanPeriod.objects.order_by("pk").values_list("pk", flat=True).first()
    for username, raw_path in PLAN_PAGES:
        path = raw_path.format(period=first_period)
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
        problems.extend(axe_violations(page, f"{where} at 1280 px"))
        page.set_viewport_size(NARROW)
        widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        if widths[0] > widths[1] + 1:
            problems.append(f"{where} at 640 px scrolls sideways ({widths[0]} > {widths[1]})")
            name = path.strip("/").replace("/", "-").replace("?", "-") or "root"
            page.screenshot(path=str(artifacts / f"narrow-{name}.png"), full_page=True)
        problems.extend(axe_violations(page, f"{where} at 640 px"))
    assert not problems, "\n".join(problems)


def test_the_outcome_table_on_screen_equals_the_review(
    history_world: Any, live_server: Any, page: Any, artifacts: Path
) -> None:
    log_in(page, live_server.url, "committee-member")
    page.goto(live_server.url + "/staff/reports/indicators/?periods=1,2")
    cells = page.locator("table.outcome").first.locator("tbody tr").all_inner_texts()
    text = "\n".join(cells)
    for figure in ["1,939", "1,993", "131", "1,588", "1,986", "147", "59"]:
        assert figure in text
    page.screenshot(path=str(artifacts / "outcome-table.png"), full_page=True)
