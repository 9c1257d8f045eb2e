"""The report as one value: its tables, chart series and failure examples, built purely from data.

Both renderings (markdown and HTML) take a `ReportDocument`, so they cannot disagree about content.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from isac.runtime.reporting.charts import Series
from isac.runtime.reporting.records import FailureExample, ReportData
from isac.runtime.reporting.tables import (
    Table,
    area_table,
    axis_table,
    axis_values,
    class_table,
    headline_table,
    headline_with_intervals,
    metric_table,
    paper_table,
    provenance_table,
    runs_table,
    variant_tables,
    worst_table,
)

# Long responses are cut in the report (the full text stays in the database and results.jsonl).
RESPONSE_CHARS = 600
INSTRUCTION_CHARS = 600

INTRODUCTION = (
    "IFR is the share of responses that follow the requested format. Metric_IF scores a non-compliant "
    "response as an empty answer. RPS divides a model's class value by the best value of any model in "
    "the database. The area ratios are the normalised radar areas over the radar axes (one per variation "
    "class, in the order the spec declares them)."
)
FAILURES_INTRODUCTION = (
    "The first non-compliant responses (by row id) of every variant, with the instruction that produced "
    "them and the reason the format check gave (default rules). Long texts are cut; characters that "
    "do not print (control, zero-width, direction marks) are shown as escapes such as \\x1b or \\u200b."
)


@dataclass(frozen=True)
class Example:
    """One non-compliant row as shown: instruction and response (or the call's error), clipped."""

    row_id: str
    task: str
    instruction: str
    response: str | None
    error: str | None
    reason: str = ""


@dataclass(frozen=True)
class FailureGroup:
    """The first examples of non-compliant responses of one (model, dimension, class, variant)."""

    model: str
    dimension: str
    variation_class: str
    variant: str
    failed: int
    total: int
    examples: tuple[Example, ...]

    @property
    def heading(self) -> str:
        """`D2 upper_case: 3 of 16 rows non-compliant`."""
        return f"{self.variation_class} {self.variant}: {self.failed} of {self.total} rows non-compliant"


@dataclass(frozen=True)
class ModelFailures:
    """A model's failure groups, in dimension, class and variant order."""

    model: str
    groups: tuple[FailureGroup, ...]


@dataclass(frozen=True)
class ReportDocument:
    """Everything a rendering shows, in reading order."""

    source: str
    models: tuple[str, ...]
    headline: Table
    areas: Table
    runs: Table
    axis_ifr: Table
    axis_rps: Table
    dimension_tables: tuple[Table, ...]
    worst: Table
    failures: tuple[ModelFailures, ...]
    radar_axes: tuple[str, ...]
    radar_ifr: tuple[Series, ...]
    radar_rps: tuple[Series, ...]
    area_bars: tuple[Series, ...]
    summary: Table | None = None
    provenance: Table | None = None
    metrics: Table | None = None
    variants: tuple[Table, ...] = ()
    paper: Table | None = None
    scale_notes: tuple[str, ...] = ()
    examples_per_variant: int = 3

    @property
    def sections(self) -> tuple[tuple[str, str], ...]:
        """(anchor, title) of every section, in reading order: the table of contents."""
        found = [
            ("summary", "Summary"),
            ("provenance", "Provenance"),
            ("charts", "Charts"),
            ("axes", "Radar axes"),
            ("classes", "Scores per class and task"),
            ("variants", "Every variant"),
            ("worst", "Worst variants"),
            ("failures", "Why models failed"),
        ]
        if self.paper is not None:
            found.append(("paper", "Comparison with the paper"))
        return tuple(found)


def _escape(character: str) -> str:
    code = ord(character)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def visible(text: str) -> str:
    """`text` with every character that does not print (C0/C1 controls such as NUL and ESC, zero-width
    and direction marks, other separators) replaced by a `\\xNN`/`\\uNNNN` escape; newline, tab and the
    plain space stay. Such characters make files "binary" to tools, drive terminals or reorder text."""
    return "".join(ch if ch.isprintable() or ch in "\n\t " else _escape(ch) for ch in text)


def clip(text: str, limit: int) -> str:
    """`text` cut to `limit` characters (marking the cut and how much was dropped), then made visible."""
    if len(text) <= limit:
        return visible(text)
    return f"{visible(text[:limit])}… [{len(text) - limit} more characters]"


def failure_reason(failure: FailureExample) -> str:
    """Why the example's check failed, from its row's checker (default rules); never raises."""
    from isac.compiler.rows import CheckerSpec
    from isac.runtime.scoring.checkers import compile_checker

    if failure.response is None:
        return "no response: the model call failed"
    try:
        spec = json.loads(failure.checker)
        checker = compile_checker(CheckerSpec(kind=spec["kind"], params=spec.get("params") or {}))
        reason = checker.explain(failure.response)
    except Exception as error:  # a report must not fail on an unknown or plug-in checker
        return f"reason unavailable ({type(error).__name__})"
    if reason == "follows the format":
        return "accepted by the default rules; rejected by the run's scoring profile"
    return reason


def failure_groups(failures: Iterable[FailureExample], models: Iterable[str]) -> tuple[ModelFailures, ...]:
    """Group examples by model and (dimension, class, variant); every model gets an entry."""
    grouped: dict[str, dict[tuple[str, str, str], list[FailureExample]]] = {model: {} for model in models}
    for failure in failures:
        key = (failure.dimension, failure.variation_class, failure.variant)
        grouped.setdefault(failure.model, {}).setdefault(key, []).append(failure)
    result = []
    for model in sorted(grouped):
        groups = []
        for (dimension, variation_class, variant), found in sorted(grouped[model].items()):
            ordered = sorted(found, key=lambda failure: failure.rank)
            groups.append(
                FailureGroup(
                    model=model,
                    dimension=dimension,
                    variation_class=variation_class,
                    variant=variant,
                    failed=ordered[0].failed,
                    total=ordered[0].total,
                    examples=tuple(
                        Example(
                            row_id=failure.row_id,
                            task=failure.task,
                            instruction=clip(failure.instruction, INSTRUCTION_CHARS),
                            response=None
                            if failure.response is None
                            else clip(failure.response, RESPONSE_CHARS),
                            error=None if failure.error is None else clip(failure.error, RESPONSE_CHARS),
                            reason=failure_reason(failure),
                        )
                        for failure in ordered
                    ),
                )
            )
        result.append(ModelFailures(model=model, groups=tuple(groups)))
    return tuple(result)


def scale_notes(records: Sequence[Mapping[str, Any]]) -> tuple[str, ...]:
    """One line per model whose runs are not at the paper's full scale, with the first reasons."""
    notes: dict[str, list[str]] = {}
    for record in records:
        scale = record.get("scale") or {}
        if not scale.get("comparable_with_paper"):
            notes.setdefault(str(record.get("model")), []).extend(scale.get("reasons") or [])
    lines = []
    for model, reasons in sorted(notes.items()):
        unique = list(dict.fromkeys(reasons))
        more = f" (and {len(unique) - 3} more)" if len(unique) > 3 else ""
        lines.append(f"{model}: not comparable with the paper: {'; '.join(unique[:3])}{more}.")
    return tuple(lines)


def build_document(data: ReportData, *, examples: int = 3) -> ReportDocument:
    """Arrange the queried data into the report's tables, chart series and failure groups."""
    models = data.models
    tables = tuple(
        table
        for dimension in data.layout.dimensions
        if (table := class_table(dimension, data.classes, models, data.layout)) is not None
    )
    areas = {area.model: area for area in data.areas}
    records = [dict(record) for record in data.provenance]
    return ReportDocument(
        summary=headline_with_intervals(data),
        provenance=provenance_table(records) if records else None,
        metrics=metric_table(records) if records else None,
        variants=variant_tables(data),
        paper=paper_table(data) if data.published else None,
        scale_notes=scale_notes(records),
        examples_per_variant=examples,
        source=data.source,
        models=models,
        headline=headline_table(data),
        areas=area_table(data.areas, data.layout),
        runs=runs_table(data.runs),
        axis_ifr=axis_table(data.axes, models, "ifr", data.layout),
        axis_rps=axis_table(data.axes, models, "rps", data.layout),
        dimension_tables=tables,
        worst=worst_table(data.worst, data.layout),
        failures=failure_groups(data.failures, models),
        radar_axes=data.layout.axes,
        radar_ifr=tuple(Series(model, axis_values(data.axes, model, "ifr", data.layout)) for model in models),
        radar_rps=tuple(Series(model, axis_values(data.axes, model, "rps", data.layout)) for model in models),
        area_bars=tuple(
            Series(model, (areas[model].ifr_area, areas[model].rps_area) if model in areas else (0.0, 0.0))
            for model in models
        ),
    )
