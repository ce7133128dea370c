"""Printed documents of the grants app, in Japanese on A4 with the font embedded
(core/pdf.py): the award or rejection letter of a decision, and a fund's annual statement."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from ainet.core.dates import format_wareki, format_wareki_fiscal_year, today_tokyo
from ainet.core.pdf import FONT_STACK, Pdf, html_to_pdf
from ainet.grants.ledger import Statement
from ainet.grants.models import Decision, Outcome


def _yen(value: int) -> str:
    return f"{value:,}円"


def _css() -> str:
    return render_to_string("grants/pdf/document.css", {"font_stack": FONT_STACK})


def letter_filename(decision: Decision) -> str:
    kind = "award" if decision.outcome == Outcome.AWARD else "decision"
    return f"grant-{kind}-{decision.application.reference}.pdf"


def decision_letter(decision: Decision) -> Pdf:
    application = decision.application
    round_ = application.round
    programme = round_.programme
    owner = programme.owner_organisation.name if programme.owner_organisation else programme.owner
    context: dict[str, Any] = {
        "decision": decision,
        "application": application,
        "programme": programme,
        "round": round_,
        "owner": owner,
        "is_award": decision.outcome == Outcome.AWARD,
        "amount": _yen(decision.amount_yen),
        "requested": _yen(application.requested_yen),
        "submitted_on": format_wareki(application.submitted_at.date())
        if application.submitted_at
        else "",
        "meeting_on": format_wareki(decision.meeting.held_on),
        "issued_on": format_wareki(today_tokyo()),
        "interim_due": format_wareki(round_.interim_report_due)
        if round_.interim_report_due
        else "",
        "final_due": format_wareki(round_.final_report_due) if round_.final_report_due else "",
        "is_demo": programme.municipality.is_demo,
    }
    with translation.override("ja"):
        html = render_to_string("grants/pdf/letter.html", context)
    return html_to_pdf(html, _css())


def statement_filename(statement: Statement) -> str:
    return f"fund-{statement.fund.code}-FY{statement.fiscal_year}.pdf"


def statement_pdf(statement: Statement) -> Pdf:
    fund = statement.fund
    context = {
        "s": statement,
        "fund": fund,
        "fy_label": f"{format_wareki_fiscal_year(statement.fiscal_year)}"
        f"（{statement.fiscal_year}年度）",
        "owner": fund.owner_organisation.name if fund.owner_organisation else "",
        "rows": [
            {
                "number": r.entry.number,
                "date": f"{r.entry.entry_date:%Y-%m-%d}",
                "kind": r.entry.get_kind_display(),
                "description": r.entry.description,
                "donor": r.entry.shown_donor if r.entry.kind == "donation" else "",
                "earmark": r.entry.earmark,
                "cash_in": _yen(r.cash_in) if r.cash_in else "",
                "cash_out": _yen(r.cash_out) if r.cash_out else "",
                "running": _yen(r.running),
            }
            for r in statement.rows
        ],
        "opening": _yen(statement.opening),
        "closing": _yen(statement.closing),
        "donations": _yen(statement.donations),
        "grants": _yen(statement.grants),
        "reversals_in": _yen(statement.reversals_in),
        "reversals_out": _yen(statement.reversals_out),
        "earmarks": [(name, _yen(total)) for name, total in statement.earmarks],
        "issued_on": format_wareki(today_tokyo()),
        "is_demo": fund.municipality.is_demo,
    }
    with translation.override("ja"):
        html = render_to_string("grants/pdf/statement.html", context)
    return html_to_pdf(html, _css())


STATEMENT_CSV_HEADER = [
    "番号",
    "日付",
    "種別",
    "摘要",
    "寄付者",
    "使途指定",
    "取消対象番号",
    "入金（円）",
    "出金（円）",
    "残高（円）",
]


def statement_rows(statement: Statement) -> list[list[Any]]:
    rows: list[list[Any]] = [
        ["", "", "前年度繰越", "", "", "", "", "", "", statement.opening],
    ]
    for r in statement.rows:
        entry = r.entry
        rows.append(
            [
                entry.number,
                f"{entry.entry_date:%Y-%m-%d}",
                entry.get_kind_display(),
                entry.description,
                entry.shown_donor if entry.kind == "donation" else "",
                entry.earmark,
                entry.reverses.number if entry.reverses else "",
                r.cash_in or "",
                r.cash_out or "",
                r.running,
            ]
        )
    rows.append(["", "", "次年度繰越", "", "", "", "", "", "", statement.closing])
    return rows
