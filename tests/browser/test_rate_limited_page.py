"""The page a visitor gets after too many posts to a public form, in a real browser, with axe."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import caches

from ainet.care.models import ConcernReport
from ainet.core import ratelimit
from ainet.core.models import Organisation, OrganisationKind
from tests.browser.helpers import assert_no_axe_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def one_post(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    settings.AINET_PUBLIC_POST_LIMITS = {form: 1 for form in ratelimit.FORMS}
    # A window of its own, long past: the counts left in the transactional database's cache
    # table can never meet another test's.
    monkeypatch.setattr(ratelimit, "now", lambda: 1_000_000_000.0)
    yield
    caches[ratelimit.CACHE_ALIAS].clear()


@pytest.mark.usefixtures("one_post")
def test_the_second_report_gets_the_page_with_whom_to_call(
    browser_world: Any, live_server: Any, page: Any, artifacts: Path
) -> None:
    Organisation.objects.filter(
        municipality=browser_world.ward, kind=OrganisationKind.WARD_OFFICE
    ).update(phone="045-510-1818")
    for _ in range(2):
        page.goto(live_server.url + "/concern/")
        page.fill("#id_noticed", "新聞が3日分たまっています")
        page.fill("#id_where", "矢向一丁目のアパート2階")
        with page.expect_navigation():
            page.click("main form button[type=submit]")
    main = page.inner_text("main")
    assert "119" in main and "045-510-1818" in main
    assert ConcernReport.objects.count() == 1
    assert_no_axe_violations(page, "too many posts (Japanese)")
    page.screenshot(path=str(artifacts / "public-rate-limited.png"), full_page=True)

    page.goto(live_server.url + "/concern/?lang=ja-easy")
    page.fill("#id_noticed", "しんぶんが　たまっています")
    page.fill("#id_where", "アパート")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.locator("main ruby").count() > 0
    assert_no_axe_violations(page, "too many posts (Easy Japanese)")
