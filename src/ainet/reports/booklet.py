"""The annual booklet (年間活動まとめ冊子): one 年度 of 鶴見・あいねっと as an A4 PDF in Japanese.

Cover; the basic goal and pillars of the plan period holding the year; the year in figures (the
outcome table from the indicator registry, with two charts); the promotion forum; a summary of
every district and one page per district. Records are read by municipality (no user): the
booklet is a published document and holds no personal data (no names of people).

The font is Noto Sans CJK JP where installed; otherwise the IPAexGothic TTF shipped in the
matplotlib-fontja wheel, declared by @font-face. WeasyPrint embeds the subset it uses.
"""

from __future__ import annotations

import datetime
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from ainet.core.dates import (
    format_fiscal_year,
    format_period,
    format_wareki,
    format_wareki_fiscal_year,
    today_tokyo,
)
from ainet.core.models import District, Municipality
from ainet.core.pdf import fallback_font as fallback_font  # re-exported: disaster prints with it
from ainet.plan.models import PlanPeriod
from ainet.plan.outcome import Column, compute, fiscal_year_columns, period_columns
from ainet.reports.charts import bar_chart_svg
from ainet.reports.selectors import (
    DistrictYear,
    ForumYear,
    district_years,
    forums_of_year,
    period_of,
    plan_periods,
)

PLAN_NAME = "鶴見・あいねっと"
Progress = Callable[[str], None]
# The steps `render_booklet` reports, in order (the command sizes its progress bar with them).
STEPS = ("plan", "figures", "districts", "charts", "layout", "pdf")


class BookletError(ValueError):
    """The booklet cannot be made for these arguments; the message is in Japanese and English."""


class BookletUnavailable(RuntimeError):
    """This machine cannot make PDFs (WeasyPrint needs the Pango library)."""

    def __init__(self) -> None:
        super().__init__(
            "PDFを作成できません: Pango ライブラリがありません（Debian: apt-get install "
            "libpango-1.0-0 libpangoft2-1.0-0）/ Cannot make PDFs: the Pango library is missing "
            "(Debian: apt-get install libpango-1.0-0 libpangoft2-1.0-0)."
        )


@dataclass(frozen=True)
class Booklet:
    pdf: bytes
    pages: int


def booklet_filename(municipality: Municipality, fiscal_year: int) -> str:
    return f"booklet-{municipality.code}-FY{fiscal_year}.pdf"


def build_booklet(
    municipality: Municipality, fiscal_year: int, districts: Sequence[District] | None = None
) -> bytes:
    """The booklet as PDF bytes. `districts` limits the district pages (default: all)."""
    return render_booklet(municipality, fiscal_year, districts).pdf


def render_booklet(
    municipality: Municipality,
    fiscal_year: int,
    districts: Sequence[District] | None = None,
    *,
    progress: Progress | None = None,
) -> Booklet:
    try:
        from weasyprint import CSS, HTML  # type: ignore[import-untyped]
        from weasyprint.text.fonts import FontConfiguration  # type: ignore[import-untyped]
    except (OSError, ImportError) as exc:  # Pango is a system library, not a wheel
        raise BookletUnavailable from exc

    step = progress or (lambda name: None)
    with translation.override("ja"):
        context = booklet_context(municipality, fiscal_year, districts, progress=step)
        step("layout")
        html = render_to_string("reports/booklet/booklet.html", context)
        css = render_to_string("reports/booklet/booklet.css", {"fallback_font": fallback_font()})
        noise = _SvgStyleNoise()
        logger = logging.getLogger("weasyprint")
        logger.addFilter(noise)
        try:
            # @font-face rules only apply through a FontConfiguration given to both.
            fonts = FontConfiguration()
            document = HTML(string=html, base_url=str(Path(__file__).parent)).render(
                stylesheets=[CSS(string=css, font_config=fonts)], font_config=fonts
            )
        finally:
            logger.removeFilter(noise)
        step("pdf")
        pdf = document.write_pdf()
    return Booklet(pdf=bytes(pdf), pages=len(document.pages))


# --- the context ---------------------------------------------------------------------------


def _number(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


def _yen(value: int) -> str:
    return f"{value:,}円"


def _day(value: datetime.date) -> str:
    return format_wareki(value)


def resolve_period(municipality: Municipality, fiscal_year: int) -> PlanPeriod:
    periods = plan_periods(municipality)
    period = period_of(periods, fiscal_year)
    if period is None:
        known = ", ".join(f"{p.first_fy}–{p.last_fy}" for p in periods) or "-"
        raise BookletError(
            f"{fiscal_year}年度を含む計画期間がありません（計画期間: {known}）/ "
            f"No plan period of {municipality.code} holds FY{fiscal_year} (periods: {known})."
        )
    return period


def booklet_context(
    municipality: Municipality,
    fiscal_year: int,
    districts: Sequence[District] | None = None,
    *,
    progress: Progress = lambda step: None,
) -> dict[str, Any]:
    progress("plan")
    period = resolve_period(municipality, fiscal_year)
    pillars = list(period.pillars.prefetch_related("themes"))
    if districts is None:
        districts = list(District.objects.filter(municipality=municipality).order_by("sort_order"))
    else:  # another municipality's district has no page here
        districts = [d for d in districts if d.municipality_id == municipality.pk]

    progress("figures")
    # The years of the period up to this one, and the period so far (whole, in its last year).
    years = fiscal_year_columns(period.first_fy, fiscal_year)
    whole = period_columns([period])[0]
    so_far = Column(whole.number, whole.label, period.first_fy, fiscal_year)
    # Two passes: an indicator puts each record in the first span that holds it, so a year and
    # the period around it cannot share one table.
    table = compute(municipality, years)
    totals = {row.key: row.values[0] for row in compute(municipality, [so_far]).rows}
    rows = [
        {
            "label": row.label,
            "source": row.source,
            "kind": "年度末・期末の数" if row.kind == "stock" else "年度中・期間中の数",
            "values": [_number(v) for v in [*row.values, totals.get(row.key)]],
        }
        for row in table.rows
    ]

    progress("districts")
    data = district_years(None, municipality, districts, fiscal_year, period=period)
    pages = [_district_page(data[d.pk]) for d in districts if d.pk in data]
    funded = [len(data[d.pk].funded_projects) for d in districts if d.pk in data]

    progress("charts")
    by_key = {row.key: row for row in table.rows}
    charts: list[dict[str, Any]] = []
    forum = by_key.get("forum_participants")
    if forum is not None and any(forum.values):  # an empty chart says nothing
        charts.append(
            {
                "svg": _svg(
                    "forum",
                    "推進フォーラム参加者数（年度別）",
                    [f"{c.first_fy}年度" for c in years],
                    {"参加者数": forum.values[: len(years)]},
                    height_in=2.6,
                ),
                "caption": f"推進フォーラムの参加者数。{period.name}の各年度。",
            }
        )

    grants = by_key.get("grant_funded_projects")
    if len(pages) >= 3 and any(funded):
        charts.append(
            {
                # Names written top to bottom (縦書き) so 18 districts fit under their bars.
                "svg": _svg(
                    "grants",
                    "助成を受けた事業の数（地区別）",
                    ["\n".join(page["name"]) for page in pages],
                    {"事業数": funded},
                    height_in=3.2,
                ),
                "caption": f"{format_fiscal_year(fiscal_year)}に始まった助成事業の数（地区別）。",
            }
        )
    elif grants is not None and any(grants.values[: len(years)]):
        # A bar or two per district says little: the ward's years instead.
        charts.append(
            {
                "svg": _svg(
                    "grants",
                    "助成を受けた事業の数（年度別）",
                    [f"{c.first_fy}年度" for c in years],
                    {"事業数": grants.values[: len(years)]},
                    height_in=2.6,
                ),
                "caption": f"区全体で助成を受けて始まった事業の数。{period.name}の各年度。",
            }
        )

    return {
        "plan_name": PLAN_NAME,
        "municipality": municipality,
        "fiscal_year": fiscal_year,
        "fy_wareki": format_wareki_fiscal_year(fiscal_year),
        "fy_label": format_fiscal_year(fiscal_year),
        "period": period,
        "period_label": format_period(period.first_fy, period.last_fy),
        "pillars": pillars,
        "columns": [
            *[(format_wareki_fiscal_year(c.first_fy), f"{c.first_fy}年度") for c in years],
            (f"第{period.number}期", "期間計" if fiscal_year == period.last_fy else "累計"),
        ],
        "current_column": len(years) - 1,
        "rows": rows,
        "charts": charts,
        "forums": [_forum(f) for f in forums_of_year(municipality, fiscal_year)],
        "districts": pages,
        "totals": {
            "activities": sum(p["activity_count"] for p in pages),
            "meetings": sum(len(p["meetings"]) for p in pages),
            "events": sum(len(p["events"]) for p in pages),
            "participants": _number(sum(p["participants_n"] for p in pages)),
            "funded": sum(funded),
            "amount": _yen(sum(p["amount_n"] for p in pages)),
        },
        "all_districts": len(pages) == District.objects.filter(municipality=municipality).count(),
        "made_on": _day(today_tokyo()),
    }


_ID = re.compile(r'(\bid="|href="#|url\(#)([^")]+)')


def _svg(
    name: str,
    title: str,
    labels: list[str],
    series: dict[str, Sequence[int | None]],
    *,
    height_in: float,
) -> SafeString:
    """matplotlib's SVG (escaped by matplotlib itself, so safe to embed as markup), its ids
    prefixed with `name` so that two charts on one page keep distinct anchors."""
    svg = _ID.sub(
        lambda m: f"{m[1]}{name}-{m[2]}", bar_chart_svg(title, labels, series, height_in=height_in)
    )
    return mark_safe(svg)  # noqa: S308


# WeasyPrint reads an inline SVG's style attributes twice: as SVG (which draws them) and as
# HTML CSS, where it warns about every SVG-only property. Those warnings are noise.
_SVG_PROPERTIES = ("fill", "stroke", "text-anchor", "clip-path", "opacity")


class _SvgStyleNoise(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg.startswith("Ignored `") and record.args:
            declaration = str(record.args[0] if isinstance(record.args, tuple) else "")
            return not declaration.startswith(_SVG_PROPERTIES)
        return True


def _forum(forum: ForumYear) -> dict[str, Any]:
    event = forum.event
    time = ""
    if event.start_time and event.end_time:
        time = f"{event.start_time:%H:%M}〜{event.end_time:%H:%M}"
    return {
        "title": event.title,
        "date": _day(event.date),
        "time": time,
        "place": event.place or "—",
        "capacity": _number(event.capacity),
        "participants": _number(forum.participants),
        "registrations": _number(forum.registrations),
    }


def _district_page(year: DistrictYear) -> dict[str, Any]:
    district = year.district
    organisation = year.organisations[-1] if year.organisations else None
    return {
        "name": district.name,
        "kana": district.name_kana,
        "is_demo_name": district.is_demo_name,
        "plan": year.plan.title if year.plan else "",
        "stage": year.stage.get_stage_display() if year.stage else "",
        "stage_since": _day(year.stage.started_on) if year.stage else "",
        "organisation": organisation.name if organisation else "",
        "founded": _day(organisation.founded_on) if organisation else "",
        "activity_count": year.activity_count,
        "activity_groups": [
            {
                "type": group.activity_type.name,
                "activities": [
                    {
                        "name": a.name,
                        "since": _day(a.started_on),
                        "pillar": a.pillar.title if a.pillar else "",
                        "theme": a.theme.title if a.theme else "",
                    }
                    for a in group.activities
                ],
            }
            for group in year.activity_groups
        ],
        "meetings": [
            {"date": _day(m.held_on), "title": m.title, "kind": kind}
            for m, kind in sorted(
                [(m, "支援チーム会議") for m in year.team_meetings]
                + [(m, "地区懇談") for m in year.discussions],
                key=lambda pair: (pair[0].held_on, pair[0].pk),
            )
        ],
        "events": [
            {
                "date": _day(row.event.date),
                "title": row.event.title,
                "kind": row.event.get_kind_display(),
                "place": row.event.place,
                "participants": _number(row.participants),
            }
            for row in year.events
        ],
        "participants_n": year.participants,
        "participants": _number(year.participants),
        "projects": [
            {
                "date": _day(p.started_on),
                "programme": p.programme.name,
                "title": p.title,
                "applicant": p.applicant,
                "amount": _yen(p.amount_yen),
            }
            for p in year.funded_projects
        ],
        "amount_n": year.funded_total_yen,
        "amount": _yen(year.funded_total_yen),
        "consultations": [{"date": _day(c.held_on), "topic": c.topic} for c in year.consultations],
    }
