"""A4 PDFs for use in a power cut: the evacuation-help list and the individual plans.

WeasyPrint with the booklet's fonts (Noto Sans CJK JP where installed, otherwise the
IPAexGothic TTF from matplotlib-fontja, embedded as a subset) — `reports.booklet`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.template.loader import render_to_string

from ainet.reports.booklet import BookletUnavailable, fallback_font

__all__ = ["PrintUnavailable", "render_pdf"]

PrintUnavailable = BookletUnavailable


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """Render `template` (HTML) with the print stylesheet to PDF bytes."""
    try:
        from weasyprint import CSS, HTML  # type: ignore[import-untyped]
        from weasyprint.text.fonts import FontConfiguration  # type: ignore[import-untyped]
    except (OSError, ImportError) as exc:  # Pango is a system library, not a wheel
        raise PrintUnavailable from exc
    html = render_to_string(template, context)
    css = render_to_string("disaster/print/print.css", {"fallback_font": fallback_font()})
    fonts = FontConfiguration()
    document = HTML(string=html, base_url=str(Path(__file__).parent)).render(
        stylesheets=[CSS(string=css, font_config=fonts)], font_config=fonts
    )
    return bytes(document.write_pdf())
