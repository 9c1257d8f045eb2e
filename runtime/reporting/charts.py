"""The report's figures as PNG bytes: radar charts of axis IFR / RPS and a bar chart of area ratios.

Figures are drawn on matplotlib's Agg canvas directly (no pyplot, so no global figure state and no
display backend), at a fixed size and dpi, with the PNG's Software/date metadata left out, so the same
scores give the same bytes.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

DPI = 100
RADAR_SIZE = (8.0, 8.0)
BAR_SIZE = (7.0, 4.2)
_LEGEND_LABEL_CHARS = 40
# Qualitative palette (matplotlib's tab10), cycled when there are more models than colours.
_COLOURS = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)


@dataclass(frozen=True)
class Series:
    """One model's values over the radar axes (or its two area ratios)."""

    label: str
    values: tuple[float, ...]


# Line styles and markers cycled independently of the colours, so two models that share a colour (more
# than ten) or a polygon (equal scores) still differ; marker sizes shrink with the index, so a model
# drawn later sits inside an earlier model's marker instead of hiding it.
_LINE_STYLES = ("-", "--", "-.", ":", (0, (5, 1, 1, 1)), (0, (3, 1, 1, 1, 1, 1)))
_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "<", ">")


def style(index: int) -> dict[str, object]:
    """Colour, line style, marker and sizes of the index-th model's radar line."""
    return {
        "color": colour(index),
        "linestyle": _LINE_STYLES[index % len(_LINE_STYLES)],
        "marker": _MARKERS[index % len(_MARKERS)],
        "markersize": max(4.0, 11.0 - 1.5 * (index % 6)),
        "linewidth": max(1.2, 2.6 - 0.3 * (index % 6)),
        "markerfacecolor": "none" if index % 2 else colour(index),
        "markeredgewidth": 1.6,
    }


def colour(index: int) -> str:
    """The colour of the index-th model, stable across all figures of a report."""
    return _COLOURS[index % len(_COLOURS)]


def _short(label: str) -> str:
    return label if len(label) <= _LEGEND_LABEL_CHARS else label[: _LEGEND_LABEL_CHARS - 1] + "…"


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    FigureCanvasAgg(figure)
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def radar_png(
    title: str, labels: Sequence[str], series: Sequence[Series], maximum: float, ticks: Sequence[float]
) -> bytes:
    """A radar chart over the axes `labels` with one closed polygon per series, radii from 0 to `maximum`.

    Each model has its own colour, line style and marker (see `style`), a faint fill, and the legend
    sits under the chart in up to three columns at a size readable at 100 % zoom.
    """
    figure = Figure(figsize=RADAR_SIZE, dpi=DPI)
    axes = figure.add_axes((0.12, 0.2, 0.76, 0.7), projection="polar")
    angles = [2 * math.pi * index / len(labels) for index in range(len(labels))]
    axes.set_theta_offset(math.pi / 2)  # first axis (D1) at the top, then clockwise
    axes.set_theta_direction(-1)
    axes.set_xticks(angles)
    axes.set_xticklabels(list(labels), fontsize=12)
    axes.set_ylim(0, maximum)
    axes.set_yticks(list(ticks))
    axes.set_yticklabels([f"{tick:g}" for tick in ticks], fontsize=9, color="#555555")
    for index, one in enumerate(series):
        values = [min(max(value, 0.0), maximum) for value in one.values]
        closed_angles = [*angles, angles[0]]
        closed_values = [*values, values[0]]
        axes.plot(closed_angles, closed_values, label=_short(one.label), zorder=2 + index, **style(index))
        axes.fill(closed_angles, closed_values, color=colour(index), alpha=0.06, zorder=1)
    axes.set_title(title, pad=20, fontsize=14)
    if series:
        figure.legend(
            *axes.get_legend_handles_labels(),
            loc="upper center",
            bbox_to_anchor=(0.5, 0.12),
            ncols=min(3, len(series)),
            fontsize=11,
            frameon=False,
            handlelength=3.2,
        )
    return _png(figure)


def area_bars_png(series: Sequence[Series]) -> bytes:
    """Grouped bars of IFR area and RPS area (each series' two values, in %) per model."""
    figure = Figure(figsize=BAR_SIZE, dpi=DPI)
    axes = figure.add_subplot()
    width = 0.38
    positions = list(range(len(series)))
    ifr = [one.values[0] for one in series]
    rps = [one.values[1] for one in series]
    bars_ifr = axes.bar([p - width / 2 for p in positions], ifr, width, label="IFR area", color="#1f77b4")
    bars_rps = axes.bar([p + width / 2 for p in positions], rps, width, label="RPS area", color="#ff7f0e")
    for bars in (bars_ifr, bars_rps):
        axes.bar_label(bars, fmt="%.1f", fontsize=7, padding=2)
    axes.set_xticks(positions)
    axes.set_xticklabels([_short(one.label) for one in series], rotation=15, ha="right", fontsize=8)
    axes.set_ylim(0, 110)
    axes.set_ylabel("area ratio (%)")
    axes.set_title("Area ratios per model", pad=22)
    # Above the plotting area, so it never hides a 100 % bar.
    axes.legend(fontsize=8, frameon=False, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=2)
    axes.spines[["top", "right"]].set_visible(False)
    figure.subplots_adjust(left=0.1, right=0.98, top=0.84, bottom=0.25)
    return _png(figure)
