"""The evacuation-help list, a plan, its form, supporter assignment and the declare page in
Chromium: zero axe-core WCAG 2.1 A/AA violations at 1280 px and 640 px; the banner shows
while disaster mode is in force; screenshots in test-artifacts/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ainet.care.models import Basis
from ainet.disaster import services
from tests.browser.helpers import axe_violations, log_in
from tests.disaster.plans_people import person, plan, supporter

pytestmark = pytest.mark.browser

NARROW = {"width": 640, "height": 800}
WIDE = {"width": 1280, "height": 800}


def test_disaster_pages_have_no_axe_violations(
    browser_world: Any, live_server: Any, page: Any, artifacts: Path
) -> None:
    world = browser_world
    p = person(world, "鶴見 花子（架空）")
    person(world, "矢向 太郎（架空）", basis=Basis.OPT_OUT, consent_on=None)
    s = supporter(world, "近所 一郎（架空）", capacity=2)
    supporter(world, "近所 二郎（架空）", north=0.002)
    plan(world, p, s, destination_text="矢向小学校（架空）", timing_level3="避難開始")
    services.declare(world.users["ward_admin"], world.ward, reason="訓練（架空）")
    pages = [
        "/staff/disaster/",
        "/staff/disaster/list/",
        "/staff/disaster/list/print/",
        f"/staff/disaster/plans/{p.pk}/",
        f"/staff/disaster/plans/{p.pk}/edit/",
        f"/staff/disaster/plans/{p.pk}/history/",
        "/staff/disaster/plans/",
        "/staff/disaster/assign/?max_distance_m=500&run=1",
        "/staff/disaster/shelters/",
        "/staff/disaster/mode/",
        "/staff/disaster/mode/declare/",
    ]
    log_in(page, live_server.url, "ward-admin")
    problems: list[str] = []
    for path in pages:
        page.set_viewport_size(WIDE)
        response = page.goto(live_server.url + path)
        if response is None or response.status != 200:
            problems.append(f"{path}: status {response.status if response else None}")
            continue
        if page.locator(".disaster-banner").count() != 1:
            problems.append(f"{path}: no disaster-mode banner")
        problems.extend(axe_violations(page, f"{path} at 1280 px"))
        name = path.strip("/").replace("/", "-").split("?")[0]
        page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)
        page.set_viewport_size(NARROW)
        problems.extend(axe_violations(page, f"{path} at 640 px"))
    # the proposal's accept button works by keyboard
    page.set_viewport_size(WIDE)
    page.goto(live_server.url + "/staff/disaster/assign/?max_distance_m=500&run=1")
    page.locator("button", has_text="承認").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/staff/disaster/plans/")
    assert not problems, "\n".join(problems)
