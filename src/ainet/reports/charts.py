"""Charts as SVG strings, drawn by matplotlib with a Japanese font: Noto Sans CJK from Debian
where present, IPAexGothic from the matplotlib-fontja wheel otherwise."""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from functools import cache
from xml.sax.saxutils import escape

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager
from matplotlib import pyplot as plt
from matplotlib.ticker import MaxNLocator

_LOCK = threading.Lock()  # pyplot keeps global state
PALETTE = ["#0017c1", "#c2410c", "#047857", "#7c3aed", "#b91c1c"]


@cache
def japanese_font() -> str:
    names = {f.name for f in font_manager.fontManager.ttflist}
    for candidate in ("Noto Sans CJK JP", "Noto Sans JP", "IPAexGothic"):
        if candidate in names:
            return candidate
    import matplotlib_fontja  # noqa: F401  - registers IPAexGothic

    return "IPAexGothic"


def bar_chart_svg(
    title: str,
    labels: Sequence[str],
    series: dict[str, Sequence[int | None]],
    *,
    width_in: float = 7.0,
    height_in: float = 3.2,
    horizontal: bool = False,
) -> str:
    """Grouped bars; a missing value (None) draws no bar. Returns an accessible inline SVG."""
    with _LOCK:
        plt.rcParams["font.family"] = japanese_font()
        plt.rcParams["svg.fonttype"] = "none"  # keep text as text: searchable, crisp
        fig, ax = plt.subplots(figsize=(width_in, height_in), dpi=100)
        try:
            count = max(len(series), 1)
            width = 0.8 / count
            for index, (name, values) in enumerate(series.items()):
                xs = [i + (index - (count - 1) / 2) * width for i in range(len(labels))]
                heights = [0 if v is None else v for v in values]
                colour = PALETTE[index % len(PALETTE)]
                if horizontal:
                    ax.barh(xs, heights, height=width, label=name, color=colour)
                else:
                    ax.bar(xs, heights, width=width, label=name, color=colour)
            value_axis = ax.xaxis if horizontal else ax.yaxis
            if horizontal:
                ax.set_yticks(range(len(labels)), labels, fontsize=8)
                ax.invert_yaxis()  # first label on top, as in the table
            else:
                ax.set_xticks(range(len(labels)), labels, fontsize=8)
            ax.set_title(title, fontsize=11)
            ax.spines[["top", "right"]].set_visible(False)
            value_axis.set_major_locator(MaxNLocator(integer=True))
            if len(series) > 1:
                ax.legend(fontsize=8, frameon=False)
            fig.tight_layout()
            buffer = io.StringIO()
            fig.savefig(buffer, format="svg")
        finally:
            plt.close(fig)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    # role/aria so screen readers announce the chart; the page shows the data as a table too.
    return svg.replace(
        "<svg ", f'<svg role="img" aria-label="{escape(title, {chr(34): "&quot;"})}" ', 1
    )
