"""Helpers for browser tests: log in through the real form, and check a page with axe-core."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def log_in(page: Any, base_url: str, username: str, password: str | None = None) -> Any:
    """Log in through the real form and wait for the page it leads to; returns the page."""
    page.goto(base_url + "/staff/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", settings.AINET_DEMO_PASSWORD if password is None else password)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    return page


def axe_violations(page: Any, where: str = "") -> list[str]:
    """Run axe-core (WCAG 2.0/2.1 A and AA rules) on the page; one readable line per violation
    (id, impact, help, the first three target selectors), empty when there are none."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    violations = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
                targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
                summary: v.nodes.length ? (v.nodes[0].failureSummary || '') : '',
            }));
        }""",
        AXE_TAGS,
    )
    where = where or page.url
    lines = []
    for v in violations:
        targets = ", ".join(v["targets"])
        more = f" (+{v['count'] - 3} more)" if v["count"] > 3 else ""
        summary = " ".join(v["summary"].split())[:300]
        lines.append(
            f"{where}: {v['id']} [{v['impact']}] {v['help']} — {targets}{more}"
            + (f"\n    {summary}" if summary else "")
        )
    return lines


def assert_no_axe_violations(page: Any, where: str = "") -> None:
    """Fail with a readable list when axe-core finds WCAG 2.1 A/AA violations on the page."""
    lines = axe_violations(page, where)
    if lines:
        pytest.fail(f"{len(lines)} axe violation(s):\n" + "\n".join(lines), pytrace=False)
