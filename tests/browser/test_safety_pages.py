"""The safety-confirmation phone page and the live board in Chromium at 360 px (a phone) and
1280 px: zero axe-core WCAG 2.1 A/AA violations, no sideways scrolling on the phone, a status
recorded by opening a person's folded form and tapping, and the board refreshing by itself
(htmx polling) when someone else records an update."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from ainet.disaster import safety
from ainet.disaster.models import SafetyLatest, SafetyStatus
from tests.browser.helpers import axe_violations, log_in
from tests.disaster.safety_people import make_campaign, make_person

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
WIDE = {"width": 1280, "height": 800}


def test_phone_page_and_board_are_accessible_at_360_and_1280_px(
    browser_world: Any, live_server: Any, page: Any, artifacts: Path
) -> None:
    world = browser_world
    campaign = make_campaign(world, districts=[world.district_a])
    people = [make_person(world, name=f"矢向 テスト{n}（架空）") for n in range(3)]
    log_in(page, live_server.url, "minsei-yako")
    problems: list[str] = []
    pages = [
        f"/staff/disaster/safety/{campaign.pk}/record/?district={world.district_a.pk}",
        f"/staff/disaster/safety/{campaign.pk}/board/",
        f"/staff/disaster/safety/{campaign.pk}/",
        f"/staff/disaster/safety/{campaign.pk}/people/{people[0].pk}/",
        "/staff/disaster/safety/",
    ]
    for size_name, size in (("360", PHONE), ("1280", WIDE)):
        page.set_viewport_size(size)
        for path in pages:
            response = page.goto(live_server.url + path)
            assert response is not None and response.status == 200, path
            problems.extend(axe_violations(page, f"{path} at {size_name} px"))
            widths = page.evaluate(
                "() => [document.documentElement.scrollWidth, window.innerWidth]"
            )
            if size is PHONE and widths[0] > widths[1] + 1:
                problems.append(f"{path} at 360 px scrolls sideways ({widths[0]} > {widths[1]})")
    assert not problems, "\n".join(problems)

    # Record by tapping on the phone: the form is folded until the person is opened, by
    # keyboard as well (Enter on the summary), and axe passes with it open.
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + pages[0])
    card = page.locator(f"#person-{people[1].pk}")
    assert not card.get_by_label("避難済み", exact=True).is_visible()
    card.locator("summary").focus()
    page.keyboard.press("Enter")
    assert card.get_by_label("避難済み", exact=True).is_visible()
    assert not problems
    problems.extend(axe_violations(page, f"{pages[0]} with a form open"))
    assert not problems, "\n".join(problems)
    card.get_by_label("避難済み", exact=True).check()
    card.get_by_label("避難先（避難済みの場合）").fill("矢向小学校")
    with page.expect_navigation():
        card.get_by_role("button", name="さんの状況を記録").click()
    assert "記録しました" in page.locator(".messages").inner_text()
    latest = SafetyLatest.objects.get(campaign=campaign, person=people[1])
    assert (latest.status, latest.evacuated_to) == (SafetyStatus.EVACUATED, "矢向小学校")
    # Back on the list of people not yet confirmed, without the one just recorded.
    assert page.url.endswith(f"?district={world.district_a.pk}#main")
    assert page.locator(f"#person-{people[1].pk}").count() == 0
    assert page.locator(".safety-person").count() == 2
    page.screenshot(path=str(artifacts / "safety-record-360.png"), full_page=True)

    # The board picks up another supporter's update without a reload.
    page.set_viewport_size(WIDE)
    page.goto(live_server.url + pages[1])
    assert "要救助" not in page.locator("#safety-live tbody").inner_text()
    safety.record_update(
        world.users["staff_a"],
        campaign,
        person_id=people[2].pk,
        key="browser-test-key-0001",
        status=SafetyStatus.NEEDS_HELP,
        observed_at=timezone.now() - datetime.timedelta(seconds=5),
    )
    page.locator("#safety-live tbody", has_text="要救助").wait_for(timeout=15_000)
    page.screenshot(path=str(artifacts / "safety-board-1280.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(artifacts / "safety-board-360.png"), full_page=True)
