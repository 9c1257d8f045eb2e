"""Pure functions that arrange report records into display tables (formatted text cells).

Every table of the report (markdown, HTML and the terminal headline) is built here once, so the three
renderings always show the same numbers with the same rounding.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

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


def interval(low: float | None, high: float | None, digits: int = 1) -> str:
    """`[lo, hi]`, or an en dash when there is no interval."""
    if low is None or high is None:
        return MISSING
    return f"[{low:.{digits}f}, {high:.{digits}f}]"


def headline_with_intervals(data: ReportData) -> Table:
    """The headline of the report page: area ratios with their bootstrap intervals and n per model.

    Without the `*_ci` tables the interval columns are dashes and the note says how to get them.
    """
    areas = {area.model: area for area in data.areas}
    bounds = {area.model: area for area in data.area_intervals}
    counts = {count.model: count for count in data.counts}
    ordered = sorted(data.models, key=lambda m: (-(areas[m].rps_area if m in areas else 0.0), m))
    level = f"{round(100 * data.bootstrap.confidence)} % CI" if data.bootstrap else "95 % CI"
    rows = []
    for model in ordered:
        area, bound, count = areas.get(model), bounds.get(model), counts.get(model)
        rows.append(
            (
                model,
                format_number(area.ifr_area if area else None, 1),
                interval(bound.ifr_lo, bound.ifr_hi) if bound else MISSING,
                format_number(area.rps_area if area else None, 1),
                interval(bound.rps_lo, bound.rps_hi) if bound else MISSING,
                str(count.items) if count else MISSING,
                str(count.rows) if count else MISSING,
            )
        )
    if data.bootstrap is None:
        note = (
            "No confidence intervals yet: run `isac bootstrap DB` (1000 resamples of the items by default, "
            "--two-way to resample the instruction fragments too), then write the report again."
        )
    else:
        info = data.bootstrap
        note = (
            f"{level}: percentile bootstrap, {info.resamples} resamples of {info.method} (seed {info.seed}); "
            "items = distinct audio items, rows = scored responses."
        )
        if info.meteor_fixed:
            note += f" METEOR ({', '.join(info.meteor_fixed)}) is held at its point value in every resample."
        stale = sorted(set(data.models) - set(info.models))
        if stale:
            note += f" Not in the bootstrap (scored after it ran): {', '.join(stale)}."
    return Table(
        title="Summary: area ratios (%) with confidence intervals",
        columns=("Model", "IFR area", f"IFR {level}", "RPS area", f"RPS {level}", "Items", "Rows"),
        numeric=(False, True, True, True, True, True, True),
        rows=tuple(rows),
        note=note,
    )


def variant_tables(data: ReportData) -> tuple[Table, ...]:
    """Every variant of every dimension (one table per dimension), grouped by class, variant and task,
    one row per model, with IFR, Metric_IF, their intervals when bootstrapped, and n (items, rows)."""
    layout = data.layout
    tables = []
    has_ci = data.bootstrap is not None
    for dimension in sorted({row.dimension for row in data.variants}, key=_dimension_key(layout)):
        chosen = sorted(
            (row for row in data.variants if row.dimension == dimension),
            key=lambda r: (layout.class_key(r.variation_class), r.variant, layout.task_key(r.task), r.model),
        )
        columns = ["Class", "Variant", "Task", "Model", "IFR %"]
        columns += ["IFR CI"] if has_ci else []
        columns += ["Metric_IF"]
        columns += ["Metric_IF CI"] if has_ci else []
        columns += ["Items", "Rows"]
        rows = []
        for row in chosen:
            digits = layout.digits.get(row.metric, 2)
            cells = [row.variation_class, row.variant, row.task, row.model, format_number(row.ifr, 1)]
            cells += [interval(row.ifr_lo, row.ifr_hi)] if has_ci else []
            cells += [f"{metric_header(row.metric, row.higher_is_better)} {format_number(row.value, digits)}"]
            cells += [interval(row.value_lo, row.value_hi, digits)] if has_ci else []
            cells += [str(row.items), str(row.n)]
            rows.append(tuple(cells))
        tables.append(
            Table(
                title=f"{dimension} dimension: every variant",
                columns=tuple(columns),
                numeric=tuple(name not in ("Class", "Variant", "Task", "Model") for name in columns),
                rows=tuple(rows),
                note="Rows = scored responses of the cell; items = distinct audio items among them.",
            )
        )
    return tuple(tables)


def _dimension_key(layout: Layout) -> object:
    order = layout.dimensions

    def key(dimension: str) -> tuple[int, str]:
        return (order.index(dimension), "") if dimension in order else (len(order), dimension)

    return key


def _short_hash(value: object) -> str:
    return str(value)[:12] if value else MISSING


def provenance_table(records: Sequence[Mapping[str, Any]]) -> Table:
    """One row per scored run: what produced it (model, settings, spec and lock, versions, usage)."""
    rows = []
    for record in records:
        fingerprint = record.get("model_fingerprint") or {}
        sets = record.get("manifest_sets") or [{}]
        usage = record.get("usage") or {}
        tokens = (usage.get("prompt_tokens"), usage.get("completion_tokens"))
        scale = record.get("scale") or {}
        rows.append(
            (
                str(record.get("model")),
                str(record.get("run_id")),
                f"{fingerprint.get('adapter', MISSING)}: {fingerprint.get('model_id', MISSING)}"
                + (f" @ {fingerprint['revision']}" if fingerprint.get("revision") else ""),
                json.dumps(record.get("generation") or {}, sort_keys=True),
                str(record.get("profile")),
                ", ".join(_short_hash(s.get("spec_sha256")) for s in sets),
                ", ".join(_short_hash(s.get("lock_sha256")) for s in sets),
                ", ".join(str(s.get("release") or MISSING) for s in sets),
                f"{record.get('isac_ran_with') or MISSING} / {record.get('isac_scored_with') or MISSING}",
                " / ".join(str(record.get(key) or MISSING)[:19] for key in ("created_at", "scored_at")),
                f"{usage.get('responses', MISSING)} ({usage.get('errors', 0)} errors)",
                " / ".join(MISSING if t is None else str(t) for t in tokens),
                "yes" if scale.get("comparable_with_paper") else "no",
            )
        )
    return Table(
        title="Provenance of every scored run",
        columns=(
            "Model",
            "Run",
            "Adapter: model",
            "Generation",
            "Profile",
            "Spec sha256",
            "Lock sha256",
            "Release",
            "isac ran / scored",
            "Created / scored",
            "Responses",
            "Tokens in / out",
            "Paper scale",
        ),
        numeric=(False,) * 13,
        rows=tuple(rows),
        note="Hashes are cut to 12 characters; the full record is the `provenance` table (JSON per run).",
    )


def metric_table(records: Sequence[Mapping[str, Any]]) -> Table:
    """Metric version and signature per task (the same for every run scored by one isac)."""
    seen: dict[tuple[str, str, str], None] = {}
    for record in records:
        for task, entry in (record.get("metrics") or {}).items():
            details = {
                key: value
                for key, value in entry.items()
                if key not in ("metric", "version") and value not in (None, {}, [])
            }
            signature = "; ".join(f"{key}: {_flat(value)}" for key, value in sorted(details.items()))
            seen[(task, f"{entry.get('metric')} ({entry.get('version')})", signature or MISSING)] = None
    return Table(
        title="Metrics and their signatures",
        columns=("Task", "Metric (version)", "Signature and options"),
        numeric=(False, False, False),
        rows=tuple(seen),
    )


def _flat(value: object) -> str:
    if isinstance(value, Mapping):
        return ", ".join(f"{k}={v}" for k, v in sorted(value.items())) or MISSING
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def paper_table(data: ReportData) -> Table:
    """The published leaderboard next to this database's models (area ratios, %)."""
    areas = {area.model: area for area in data.areas}
    rows = [
        (score.model, "paper (published)", format_number(score.ifr_area, 1), format_number(score.rps_area, 1))
        for score in sorted(data.published, key=lambda s: -s.rps_area)
    ]
    for model in data.models:
        area = areas.get(model)
        rows.append(
            (
                model,
                "this database",
                format_number(area.ifr_area if area else None, 1),
                format_number(area.rps_area if area else None, 1),
            )
        )
    return Table(
        title="Comparison with the paper (ISA-Bench v1 leaderboard)",
        columns=("Model", "Source", "IFR area", "RPS area"),
        numeric=(False, False, True, True),
        rows=tuple(rows),
        note="IFR areas compare directly. Published RPS areas use the paper's pool and the isa-v1 formula; "
        "this database's RPS uses its own models as the pool (default profile), so compare RPS within a "
        "source, or use `isac leaderboard --db DB --joint-pool --profile isa-v1` for one pool.",
    )
