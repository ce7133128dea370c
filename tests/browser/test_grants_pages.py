"""The grants pages in Chromium: the public call page and the application form (anonymous),
the coordinator's list, a round, a funded project and the fund (staff): zero axe-core WCAG 2.1
A/AA violations, no sideways scrolling at 200 % zoom; a group fills in the form with the
keyboard-reachable controls, saves a draft and comes back through its private link."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ainet.grants.models import Application, ApplicationStatus
from tests.browser.helpers import axe_violations, log_in
from tests.grants.url_rules import award_a, fund, open_round

pytestmark = pytest.mark.browser

NARROW = {"width": 640, "height": 800}  # 1280 px at 200 % zoom
WIDE = {"width": 1280, "height": 800}


def check(page: Any, url: str, where: str, artifacts: Path, shot: str) -> list[str]:
    problems: list[str] = []
    page.set_viewport_size(WIDE)
    response = page.goto(url)
    if response is None or response.status != 200:
        return [f"{where}: status {response.status if response else None}"]
    page.screenshot(path=str(artifacts / f"grants-{shot}.png"), full_page=True)
    problems.extend(axe_violations(page, f"{where} at 1280 px"))
    page.set_viewport_size(NARROW)
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    if widths[0] > widths[1] + 1:
        problems.append(f"{where} at 640 px scrolls sideways ({widths[0]} > {widths[1]})")
        page.screenshot(path=str(artifacts / f"grants-narrow-{shot}.png"), full_page=True)
    problems.extend(axe_violations(page, f"{where} at 640 px"))
    return problems


def test_public_call_page_and_application_form_are_accessible(
    browser_world: Any, live_server: Any, page: Any, artifacts: Path
) -> None:
    round_ = open_round(browser_world)
    problems = check(page, live_server.url + "/grants/", "/grants/", artifacts, "calls")
    problems += check(
        page, live_server.url + f"/grants/rounds/{round_.pk}/", "round", artifacts, "round"
    )
    problems += check(
        page, live_server.url + f"/grants/rounds/{round_.pk}/apply/", "form", artifacts, "form"
    )
    assert not problems, "\n".join(problems)


def test_a_group_saves_a_draft_and_resumes_it_in_the_browser(
    browser_world: Any, live_server: Any, page: Any, artifacts: Path
) -> None:
    round_ = open_round(browser_world)
    page.goto(live_server.url + "/grants/")
    page.get_by_role("link", name=f"{round_.title}に申請する").click()
    # Every control has a label (axe checks it); fill them by id.
    page.fill("#id_group_name", "ブラウザの会")
    page.fill("#id_contact_name", "画面 太郎")
    page.select_option("#id_district", label="矢向")
    page.fill("#id_title", "ブラウザ事業")
    page.fill("#id_plan", "画面から入力した計画")
    page.fill("#id_requested_yen", "20000")
    page.get_by_label("1行目の費目").fill("会場費")
    page.get_by_label("1行目の金額（円）").fill("20000")
    with page.expect_navigation():
        page.get_by_role("button", name="下書きを保存").click()
    resume = page.url
    assert "/grants/applications/" in resume
    assert "下書きを保存しました" in page.content()
    problems = axe_violations(page, "draft page")
    page.screenshot(path=str(artifacts / "grants-draft.png"), full_page=True)
    # A fresh browser context with the link comes back to the draft and submits it.
    other = page.context.browser.new_context(locale="ja-JP").new_page()
    other.goto(resume)
    assert other.input_value("#id_title") == "ブラウザ事業"
    with other.expect_navigation():
        other.get_by_role("button", name="申請を提出").click()
    assert "申請を受け付けました" in other.content()
    other.context.close()
    application = Application.objects.get(title="ブラウザ事業")
    assert application.status == ApplicationStatus.SUBMITTED
    assert not problems, "\n".join(problems)


def test_staff_grants_pages_are_accessible(
    browser_world: Any, live_server: Any, page: Any, artifacts: Path
) -> None:
    log_in(page, live_server.url, "shakyo-coordinator")
    pages = [
        ("/staff/grants/", "home"),
        ("/staff/grants/?show=overdue", "overdue"),
        (f"/staff/grants/rounds/{open_round(browser_world).pk}/", "staff-round"),
        (f"/staff/grants/projects/{award_a(browser_world).pk}/", "project"),
        (f"/staff/grants/funds/{fund(browser_world).pk}/", "fund"),
        (f"/staff/grants/funds/{fund(browser_world).pk}/statement/", "statement"),
        ("/staff/grants/reviews/", "reviews"),
        ("/staff/grants/programmes/", "programmes"),
    ]
    problems: list[str] = []
    for path, shot in pages:
        problems += check(page, live_server.url + path, path, artifacts, shot)
    assert not problems, "\n".join(problems)
