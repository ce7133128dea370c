"""PDF from HTML with WeasyPrint and an embedded Japanese font, shared by the booklet, grant
letters and fund statements.

The font is Noto Sans CJK JP where installed; otherwise the IPAexGothic TTF shipped in the
matplotlib-fontja wheel, declared by @font-face. WeasyPrint embeds the subset it uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

FONT_STACK = '"Noto Sans CJK JP", "IPAexGothic", sans-serif'


class PdfUnavailable(RuntimeError):
    """This machine cannot make PDFs (WeasyPrint needs the Pango library)."""

    def __init__(self) -> None:
        super().__init__(
            "PDFを作成できません: Pango ライブラリがありません（Debian: apt-get install "
            "libpango-1.0-0 libpangoft2-1.0-0）/ Cannot make PDFs: the Pango library is missing "
            "(Debian: apt-get install libpango-1.0-0 libpangoft2-1.0-0)."
        )


@cache
def fallback_font() -> str:
    """file:// URL of IPAexGothic from matplotlib-fontja (used when Noto is not installed)."""
    import matplotlib_fontja

    return (Path(matplotlib_fontja.__file__).parent / "fonts" / "ipaexg.ttf").as_uri()


def font_face_css() -> str:
    """The @font-face rule for the fallback font; put it first in a document's CSS and use
    FONT_STACK as its font-family."""
    return (
        '@font-face { font-family: "IPAexGothic"; '
        f'src: url("{fallback_font()}") format("truetype"); }}\n'
    )


@dataclass(frozen=True)
class Pdf:
    data: bytes
    pages: int


def html_to_pdf(html: str, css: str, base_url: str | None = None) -> Pdf:
    try:
        from weasyprint import CSS, HTML  # type: ignore[import-untyped]
        from weasyprint.text.fonts import FontConfiguration  # type: ignore[import-untyped]
    except (OSError, ImportError) as exc:  # Pango is a system library, not a wheel
        raise PdfUnavailable from exc
    # @font-face rules only apply through a FontConfiguration given to both.
    fonts = FontConfiguration()
    document = HTML(string=html, base_url=base_url or str(Path(__file__).parent)).render(
        stylesheets=[CSS(string=font_face_css() + css, font_config=fonts)], font_config=fonts
    )
    return Pdf(data=bytes(document.write_pdf()), pages=len(document.pages))
