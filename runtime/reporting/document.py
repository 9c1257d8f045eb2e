"""The report as one value: its tables, chart series and failure examples, built purely from data.

Both renderings (markdown and HTML) take a `ReportDocument`, so they cannot disagree about content.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from isac.runtime.reporting.charts import Series
from isac.runtime.reporting.records import FailureExample, ReportData
from isac.runtime.reporting.tables import (
    Table,
    area_table,
    axis_table,
    axis_values,
    class_table,
    headline_table,
    runs_table,
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
    "them. Long texts are cut."
)


@dataclass(frozen=True)
class Example:
    """One non-compliant row as shown: instruction and response (or the call's error), clipped."""

    row_id: str
    task: str
    instruction: str
    response: str | None
    error: str | None


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


# C0/C1 control characters other than tab and newline (a random model emits NUL, ESC, ...): they make
# files "binary" to tools and can drive terminals, so they are shown as visible escapes instead.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def visible(text: str) -> str:
    """`text` with control characters replaced by `\\xNN` escapes."""
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def clip(text: str, limit: int) -> str:
    """`text` made visible and cut to `limit` characters, marking the cut and how much was dropped."""
    text = visible(text)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… [{len(text) - limit} more characters]"


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
                        )
                        for failure in ordered
                    ),
                )
            )
        result.append(ModelFailures(model=model, groups=tuple(groups)))
    return tuple(result)


def build_document(data: ReportData) -> ReportDocument:
    """Arrange the queried data into the report's tables, chart series and failure groups."""
    models = data.models
    tables = tuple(
        table
        for dimension in data.layout.dimensions
        if (table := class_table(dimension, data.classes, models, data.layout)) is not None
    )
    areas = {area.model: area for area in data.areas}
    return ReportDocument(
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
