"""Charts as inline SVG, drawn with matplotlib (Agg, no display) from *shown* numbers only.

Readable without colour: bars carry hatching patterns and printed values, series are told apart by pattern as
well as by shade, and the heat map is one grey scale with a labelled key. A count of 1 to 7 is drawn as an
outlined, cross-hatched bar up to 7 and labelled "1 to 7", never at its true height. Every chart sits beside a
table of its numbers in the report.
"""
from __future__ import annotations

import io
import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402 - the backend must be chosen first
from matplotlib.patches import Patch, Rectangle  # noqa: E402

from insight.suppression import SMALL_MAX, SUPPRESSED_TEXT, show  # noqa: E402

plt.rcParams.update({
    "svg.fonttype": "none",  # text stays text: searchable, and no glyph paths
    "svg.hashsalt": "signpost",  # the same figures give the same SVG
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
})

#: One pattern and one grey per series, so series differ without colour.
SERIES_STYLE = (
    {"hatch": "", "facecolor": "#505a5f"},
    {"hatch": "///", "facecolor": "#ffffff"},
    {"hatch": "...", "facecolor": "#b1b4b6"},
)
SUPPRESSED_STYLE = {"hatch": "xx", "facecolor": "#ffffff", "edgecolor": "#0b0c0c"}


def _height(n: int) -> tuple[float, str, bool]:
    shown = show(n)
    return (SMALL_MAX if shown.suppressed else shown.value), shown.text, shown.suppressed


def _svg(fig, chart_id: str, label: str) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    text = buffer.getvalue()
    text = text[text.index("<svg"):]
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    # Ids must be unique in the page, which holds several charts.
    text = re.sub(r'id="([^"]+)"', rf'id="{chart_id}-\1"', text)
    text = re.sub(r"url\(#([^)]+)\)", rf"url(#{chart_id}-\1)", text)
    text = re.sub(r'xlink:href="#([^"]+)"', rf'xlink:href="#{chart_id}-\1"', text)
    # Scale with the page; a name for assistive technology (the table beside it gives the numbers).
    text = re.sub(r'<svg ([^>]*?)width="[^"]*" height="[^"]*"',
                  rf'<svg \1role="img" aria-label="{label}" class="chart" focusable="false"', text, count=1)
    return text.strip()


def _legend_suppressed(ax, extra: list | None = None, outside: bool = False) -> None:
    handles = list(extra or []) + [Patch(label=f"{SUPPRESSED_TEXT} (exact number not shown)", **SUPPRESSED_STYLE)]
    where = {"loc": "upper left", "bbox_to_anchor": (1.01, 1.0)} if outside else {"loc": "lower right"}
    ax.legend(handles=handles, frameon=False, fontsize=8, **where)


def bar_chart(chart_id: str, title: str, labels: list[str], counts: list[int], xlabel: str = "Asks") -> str:
    """Horizontal bars, one per label, each with its shown value printed at its end."""
    fig, ax = plt.subplots(figsize=(7.5, 0.42 * max(len(labels), 2) + 1.0))
    any_suppressed = False
    for position, n in enumerate(counts):
        height, text, suppressed = _height(n)
        any_suppressed |= suppressed
        style = SUPPRESSED_STYLE if suppressed else {**SERIES_STYLE[0], "edgecolor": "#0b0c0c"}
        ax.barh(position, height, color=style["facecolor"], hatch=style["hatch"], edgecolor=style["edgecolor"])
        ax.text(height, position, f" {text}", va="center", fontsize=9)
    ax.set_yticks(range(len(labels)), labels=labels)
    ax.invert_yaxis()
    ax.set_xlabel(f"{xlabel} (rounded to the nearest 5)")
    ax.set_title(title, loc="left", fontsize=11)
    ax.margins(x=0.18)
    if any_suppressed:
        _legend_suppressed(ax)
    return _svg(fig, chart_id, title)


def grouped_bars(chart_id: str, title: str, labels: list[str], series: dict[str, list[int]],
                 xlabel: str = "Asks", vertical: bool = False, first_style: int = 0) -> str:
    """Several series side by side, told apart by pattern; values printed when there is room."""
    names = list(series)
    width = 0.8 / len(names)
    size = (10, 4.2) if vertical else (7.5, 0.55 * len(names) * max(len(labels), 2) + 1.2)
    fig, ax = plt.subplots(figsize=size)
    handles = []
    for index, name in enumerate(names):
        style = SERIES_STYLE[(first_style + index) % len(SERIES_STYLE)]
        handles.append(Patch(label=name, facecolor=style["facecolor"], hatch=style["hatch"], edgecolor="#0b0c0c"))
        for position, n in enumerate(series[name]):
            height, text, suppressed = _height(n)
            look = SUPPRESSED_STYLE if suppressed else {**style, "edgecolor": "#0b0c0c"}
            offset = position - 0.4 + width * (index + 0.5)
            bar = ax.bar if vertical else ax.barh
            bar(offset, height, width, color=look["facecolor"], hatch=look["hatch"], edgecolor=look["edgecolor"])
            if not vertical:
                ax.text(height, offset, f" {text}", va="center", fontsize=8)
    ticks = range(len(labels))
    if vertical:
        ax.set_xticks(ticks, labels=labels, rotation=90, fontsize=8)
        ax.set_ylabel(f"{xlabel} (rounded to the nearest 5)")
    else:
        ax.set_yticks(ticks, labels=labels)
        ax.invert_yaxis()
        ax.set_xlabel(f"{xlabel} (rounded to the nearest 5)")
        ax.margins(x=0.2)
    ax.set_title(title, loc="left", fontsize=11)
    _legend_suppressed(ax, handles, outside=vertical)
    return _svg(fig, chart_id, title)


def heat_map(chart_id: str, title: str, heat: list[list[int]], days: tuple[str, ...]) -> str:
    """Hours (across) by days (down), one grey scale (darker = more asks); 1 to 7 cross-hatched."""
    shown = [[show(n) for n in row] for row in heat]
    values = [[0 if s.suppressed else s.value for s in row] for row in shown]
    top = max((v for row in values for v in row), default=0) or 1
    fig, ax = plt.subplots(figsize=(10, 3.6))
    image = ax.imshow(values, cmap="Greys", vmin=0, vmax=top, aspect="auto")
    for day, row in enumerate(shown):
        for hour, cell in enumerate(row):
            if cell.suppressed:
                ax.add_patch(Rectangle((hour - 0.5, day - 0.5), 1, 1, fill=False, hatch="xx", edgecolor="#0b0c0c",
                                       linewidth=0))
    ax.set_xticks(range(0, 24, 2), labels=[f"{h:02d}:00" for h in range(0, 24, 2)], fontsize=8)
    ax.set_yticks(range(7), labels=list(days), fontsize=8)
    ax.set_xlabel("Hour of the day (UK time)")
    ax.set_title(title, loc="left", fontsize=11)
    key = fig.colorbar(image, ax=ax, fraction=0.03)
    key.set_label("Asks (darker = more)")
    ax.legend(handles=[Patch(label=f"{SUPPRESSED_TEXT}", **SUPPRESSED_STYLE)], loc="upper left",
              bbox_to_anchor=(1.08, -0.05), frameon=False, fontsize=8)
    return _svg(fig, chart_id, title)
