"""Pure functions that arrange report records into display tables (formatted text cells).

Every table of the report (markdown, HTML and the terminal headline) is built here once, so the three
renderings always show the same numbers with the same rounding.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from isac.runtime.reporting.records import (
    AreaRatio,
    AxisScore,
    ClassScore,
    Layout,
    ReportData,
    RunSummary,
    VariantScore,
)

MISSING = "–"
_DIMENSION_TITLES = {
    "D": "D dimension: instruction wording (IFR % and Metric_IF per class and task)",
    "F": "F dimension: output format (IFR % and Metric_IF per class and task)",
    "N": "N dimension: composite instructions (IFR % and Metric_IF per class and subtask)",
}


@dataclass(frozen=True)
class Table:
    """A titled grid of text cells; `numeric[i]` says whether column i is right-aligned."""

    title: str
    columns: tuple[str, ...]
    numeric: tuple[bool, ...]
    rows: tuple[tuple[str, ...], ...]
    note: str = ""


def format_number(value: float | None, digits: int = 2) -> str:
    """A fixed-point number, or an en dash for a missing value."""
    return MISSING if value is None else f"{value:.{digits}f}"


def format_metric(metric: str, value: float | None, digits: int = 2) -> str:
    """A Metric_IF value with the precision its metric is reported at (its definition's `digits`)."""
    return format_number(value, digits)


def metric_header(metric: str, higher_is_better: bool) -> str:
    """`WER ↓`, `BLEU ↑`: the metric's name with the direction that is better."""
    return f"{metric} {'↑' if higher_is_better else '↓'}"


def class_table(
    dimension: str, scores: Iterable[ClassScore], models: Sequence[str], layout: Layout
) -> Table | None:
    """IFR and Metric_IF per (model, class) row and task column pair for one dimension (None if empty)."""
    chosen = [score for score in scores if score.dimension == dimension]
    if not chosen:
        return None
    tasks = sorted({score.task for score in chosen}, key=layout.task_key)
    headers = {score.task: metric_header(score.metric, score.higher_is_better) for score in chosen}
    by_key = {(score.model, score.variation_class, score.task): score for score in chosen}
    classes = sorted({score.variation_class for score in chosen}, key=layout.class_key)
    columns = ["Model", "Class"]
    for task in tasks:
        columns += [f"{task} IFR", f"{task} {headers[task]}"]
    rows = []
    for model in models:
        for variation_class in classes:
            cells = [model, variation_class]
            found = False
            for task in tasks:
                score = by_key.get((model, variation_class, task))
                found = found or score is not None
                cells += (
                    [
                        format_number(score.ifr, 1),
                        format_metric(score.metric, score.value, layout.digits.get(score.metric, 2)),
                    ]
                    if score
                    else [MISSING, MISSING]
                )
            if found:
                rows.append(tuple(cells))
    return Table(
        title=_DIMENSION_TITLES.get(dimension, f"{dimension} dimension"),
        columns=tuple(columns),
        numeric=(False, False, *([True] * (len(columns) - 2))),
        rows=tuple(rows),
        note="Class values are unweighted means over the class's variants. A non-compliant response is "
        "scored as an empty answer (Metric_IF).",
    )


def area_table(areas: Iterable[AreaRatio], layout: Layout) -> Table:
    """IFR and RPS area ratios per model, best RPS area first (ties by model name)."""
    ordered = sorted(areas, key=lambda area: (-area.rps_area, -area.ifr_area, area.model))
    return Table(
        title=f"Area ratios (normalised radar area over the {len(layout.axes)} axes, %)",
        columns=("Model", "IFR area", "RPS area", "Axes"),
        numeric=(False, True, True, True),
        rows=tuple(
            (
                area.model,
                format_number(area.ifr_area),
                format_number(area.rps_area),
                f"{area.axes}/{len(layout.axes)}",
            )
            for area in ordered
        ),
        note="An axis a model was not run on counts as radius 0.",
    )


def axis_values(axes: Iterable[AxisScore], model: str, field: str, layout: Layout) -> tuple[float, ...]:
    """A model's radii over the layout's axes for `field` ('ifr' 0-100 or 'rps' 0-1); missing axes are 0."""
    found = {axis.variation_class: getattr(axis, field) for axis in axes if axis.model == model}
    return tuple(float(found.get(name) or 0.0) for name in layout.axes)


def axis_table(axes: Iterable[AxisScore], models: Sequence[str], field: str, layout: Layout) -> Table:
    """One row per model, one column per radar axis: IFR % (`field='ifr'`) or RPS (`field='rps'`)."""
    axes = tuple(axes)
    present = {(axis.model, axis.variation_class): axis for axis in axes}
    rows = []
    for model in models:
        cells = [model]
        for name in layout.axes:
            axis = present.get((model, name))
            value = None if axis is None else getattr(axis, field)
            cells.append(format_number(value, 1) if field == "ifr" else format_number(value, 3))
        rows.append(tuple(cells))
    label = "IFR (%)" if field == "ifr" else "RPS (0-1, against the best model in the database)"
    return Table(
        title=f"Radar axes: {label}",
        columns=("Model", *layout.axes),
        numeric=(False, *([True] * len(layout.axes))),
        rows=tuple(rows),
    )


def worst_table(worst: Iterable[VariantScore], layout: Layout) -> Table:
    """The lowest-IFR variants of every model (as selected by the query), worst first."""
    return Table(
        title="Worst variants per model (lowest IFR)",
        columns=("Model", "Dimension", "Class", "Variant", "Task", "IFR", "Metric_IF", "Rows"),
        numeric=(False, False, False, False, False, True, True, True),
        rows=tuple(
            (
                score.model,
                score.dimension,
                score.variation_class,
                score.variant,
                score.task,
                format_number(score.ifr, 1),
                f"{score.metric} {_metric_cell(score, layout)}",
                str(score.n),
            )
            for score in worst
        ),
        note="Variants with IFR below 100 only; a model that followed every format is not listed.",
    )


def _metric_cell(score: VariantScore, layout: Layout) -> str:
    return format_metric(score.metric, score.value, layout.digits.get(score.metric, 2))


def runs_table(runs: Iterable[RunSummary]) -> Table:
    """Scored rows per model label (missing rows had no result and are not in any score)."""
    return Table(
        title="Scored runs",
        columns=("Model", "Profile", "Runs", "Rows", "Scored", "Missing", "Errors"),
        numeric=(False, False, True, True, True, True, True),
        rows=tuple(
            (
                run.model,
                run.profiles,
                str(run.runs),
                str(run.rows_total),
                str(run.rows_scored),
                str(run.rows_missing),
                str(run.rows_error),
            )
            for run in runs
        ),
    )


def headline_table(data: ReportData) -> Table:
    """Area ratios and mean axis IFR per dimension for each model, best RPS area first.

    Narrow on purpose: it is the table printed on the terminal (80 columns when piped).
    """
    areas = {area.model: area for area in data.areas}
    ordered = sorted(data.models, key=lambda m: (-(areas[m].rps_area if m in areas else 0.0), m))
    layout = data.layout
    rows = []
    for model in ordered:
        area = areas.get(model)
        radii = axis_values(data.axes, model, "ifr", layout)
        means = []
        for dimension in layout.dimensions:
            chosen = [r for r, dim in zip(radii, layout.axis_dimensions, strict=True) if dim == dimension]
            means.append(sum(chosen) / len(chosen))
        rows.append(
            (
                model,
                format_number(area.ifr_area if area else None, 1),
                format_number(area.rps_area if area else None, 1),
                *(format_number(value, 1) for value in means),
            )
        )
    return Table(
        title="ISA-Bench summary",
        columns=("Model", "IFR area", "RPS area", *(f"{dimension} IFR" for dimension in layout.dimensions)),
        numeric=(False, *([True] * (2 + len(layout.dimensions)))),
        rows=tuple(rows),
        note="Area ratios in %; D/F/N IFR: mean IFR (%) over the dimension's radar axes.",
    )
