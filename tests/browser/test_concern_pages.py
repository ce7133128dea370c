"""The public concern form and the district team's queue in a real browser, with axe-core."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ainet.care.models import ConcernReport
from tests.browser.helpers import assert_no_axe_violations, log_in

pytestmark = pytest.mark.browser


def test_a_resident_files_through_the_public_form_and_staff_see_it_in_the_queue(
    browser_world: Any, live_server: Any, page: Any, artifacts: Path
) -> None:
    page.goto(live_server.url + "/concern/")
    assert "119" in page.inner_text("main")
    assert_no_axe_violations(page, "public concern form")
    page.screenshot(path=str(artifacts / "concern-public-form.png"), full_page=True)
    page.fill("#id_noticed", "新聞が3日分たまっています")
    page.select_option("#id_town", label="矢向一丁目（矢向）")
    page.fill("#id_where", "矢向一丁目のアパート2階")
    page.check("#id_urgency_0")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "/concern/received/" in page.url
    report = ConcernReport.objects.get()
    assert str(report.pk) in page.inner_text("main")

    log_in(page, live_server.url, "staff-yako")
    page.goto(live_server.url + "/staff/care/concerns/")
    assert page.locator(f"a[href='/staff/care/concerns/{report.pk}/']").count() == 1
    assert_no_axe_violations(page, "concern queue")
    page.screenshot(path=str(artifacts / "concern-queue.png"), full_page=True)
    page.goto(live_server.url + f"/staff/care/concerns/{report.pk}/")
    assert_no_axe_violations(page, "concern detail")
    page.goto(live_server.url + "/staff/care/analysis/")
    assert_no_axe_violations(page, "isolation analysis")
    page.screenshot(path=str(artifacts / "isolation-overview.png"), full_page=True)
