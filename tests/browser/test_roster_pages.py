"""The roster import in Chromium: upload a CP932 file, watch the progress, review the preview,
apply it; no axe-core WCAG 2.1 A/AA violations on the way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ainet.care.models import Person
from tests.browser.helpers import axe_violations, log_in
from tests.care.roster_files import roster_bytes, row

pytestmark = pytest.mark.browser


def test_upload_preview_apply_in_the_browser(
    browser_world: Any, live_server: Any, page: Any, artifacts: Path, tmp_path: Path
) -> None:
    rows = [
        row(number=str(n), name=f"合成 花子{n}", kana="ゴウセイ ハナコ", born=f"1940-01-{n:02d}")
        for n in range(1, 21)
    ]
    rows.append(
        row(
            number="99",
            name="高橋 一郎",
            kana="タカハシ イチロウ",
            address="横浜市鶴見区市場上町5-6",
            basis="手上げ",
            consent_on="",
        )
    )
    csv_file = tmp_path / "名簿.csv"
    csv_file.write_bytes(roster_bytes(rows, "cp932"))
    log_in(page, live_server.url, "ward-admin")
    page.click("nav.site-nav >> text=名簿の更新")
    problems = axe_violations(page, "roster home")
    page.set_input_files("#id_file", str(csv_file))
    page.click("main form button[type=submit]")
    page.wait_for_selector("text=この名簿を反映する", timeout=60_000)
    problems += axe_violations(page, "roster preview")
    page.screenshot(path=str(artifacts / "roster-preview.png"), full_page=True)
    assert "新規 21 人" in page.content()
    page.click("text=この名簿を反映する")
    page.wait_for_selector("text=反映した内容", timeout=60_000)
    page.screenshot(path=str(artifacts / "roster-applied.png"), full_page=True)
    problems += axe_violations(page, "roster applied")
    assert Person.objects.filter(municipality=browser_world.ward).count() == 21
    assert problems == []
