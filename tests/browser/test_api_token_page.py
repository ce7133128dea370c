"""Making and revoking a personal API token on the account page, in a real browser, with
axe, in Japanese; the new token is shown once and works against the API."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from ainet.core.models import ApiToken
from tests.browser.helpers import assert_no_axe_violations, log_in

pytestmark = pytest.mark.browser


def test_a_supporter_makes_a_token_uses_it_and_revokes_it(
    browser_world: Any, live_server: Any, page: Any, artifacts: Path
) -> None:
    log_in(page, live_server.url, "minsei-yako")
    page.goto(live_server.url + "/staff/me/")
    page.get_by_label("トークンの名前").fill("安否確認用の携帯電話")
    page.get_by_label("有効期間（日）").fill("30")
    with page.expect_navigation():
        page.get_by_role("button", name="トークンを作成").press("Enter")
    shown = page.locator("main .token-new code.secret").inner_text()
    assert re.fullmatch(r"ainet_[A-Za-z0-9_-]{43}", shown)
    assert_no_axe_violations(page, "account page with a new token")
    page.set_viewport_size({"width": 640, "height": 900})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 640, f"the account page scrolls sideways at 640 px ({width})"
    page.screenshot(path=str(artifacts / "account-api-token.png"), full_page=True)

    answer = page.request.get(
        live_server.url + "/api/v1/me", headers={"Authorization": f"Bearer {shown}"}
    )
    assert answer.status == 200 and answer.json()["username"] == "minsei-yako"

    page.reload()
    assert shown not in page.content()
    with page.expect_navigation():
        page.get_by_role("button", name="「安否確認用の携帯電話」を失効させる").click()
    assert "失効済み" in page.inner_text("main")
    assert ApiToken.objects.get().revoked_at is not None
    again = page.request.get(
        live_server.url + "/api/v1/me", headers={"Authorization": f"Bearer {shown}"}
    )
    assert again.status == 401
