"""What the report reads from a scoring database: one frozen record per query result line.

These mirror the views of `runtime/scoring/db/views.sql` (see docs/scoring.md); the report never
recomputes a score, it only arranges what the views say.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from isac.compiler.errors import IsacError


class ReportError(IsacError):
    """The database cannot be reported on (missing, not scored, or from another layout)."""


@dataclass(frozen=True)
class Layout:
    """How the report orders what it shows, read from the database (the compiled spec's tables).

    `tasks` in benchmark order (the `tasks` table), `axes` the radar axes' variation classes in area
    order with their dimensions, `digits` the precision each metric label is shown at.
    """

    tasks: tuple[str, ...]
    axes: tuple[str, ...]
    axis_dimensions: tuple[str, ...]
    digits: Mapping[str, int] = field(default_factory=dict)

    @property
    def dimensions(self) -> tuple[str, ...]:
        """The dimensions of the axes, in axis order."""
        return tuple(dict.fromkeys(self.axis_dimensions))

    def task_key(self, task: str) -> tuple[int, str]:
        """Benchmark order, then any other task alphabetically."""
        return (self.tasks.index(task), "") if task in self.tasks else (len(self.tasks), task)

    def class_key(self, variation_class: str) -> tuple[int, str]:
        """Radar order, then any other class alphabetically."""
        if variation_class in self.axes:
            return (self.axes.index(variation_class), "")
        return (len(self.axes), variation_class)


@dataclass(frozen=True)
class RunSummary:
    """The scored runs of one model label, summed."""

    model: str
    profiles: str
    runs: int
    rows_total: int
    rows_scored: int
    rows_missing: int
    rows_error: int


@dataclass(frozen=True)
class ClassScore:
    """IFR and Metric_IF of one (model, class, task): means over the class's variants."""

    model: str
    dimension: str
    variation_class: str
    task: str
    metric: str
    higher_is_better: bool
    ifr: float
    value: float | None
    variants: int
    n: int


@dataclass(frozen=True)
class VariantScore:
    """IFR and Metric_IF of one (model, dimension, class, variant, task)."""

    model: str
    dimension: str
    variation_class: str
    variant: str
    task: str
    metric: str
    ifr: float
    value: float | None
    n: int


@dataclass(frozen=True)
class AxisScore:
    """One radar axis of one model: IFR (0-100) and RPS (0-1) averaged over the class's tasks."""

    model: str
    variation_class: str
    axis_index: int
    ifr: float
    rps: float | None
    tasks: int


@dataclass(frozen=True)
class AreaRatio:
    """Normalised radar areas of one model (0-100)."""

    model: str
    ifr_area: float
    rps_area: float
    axes: int


@dataclass(frozen=True)
class FailureExample:
    """A non-compliant response with the instruction that produced it.

    `failed` and `total` count the scored rows of the example's (model, dimension, class, variant);
    `rank` is the example's position among that group's failures (ordered by row id).
    """

    model: str
    dimension: str
    variation_class: str
    variant: str
    task: str
    row_id: str
    instruction: str
    response: str | None
    error: str | None
    rank: int
    failed: int
    total: int
    checker: str = "{}"
    subtasks: tuple[str, ...] = ()


@dataclass(frozen=True)
class VariantRow:
    """One cell of the full per-variant table: IFR and Metric_IF of (model, dimension, class, variant,
    task) with its counts; the `_lo`/`_hi` bounds are None unless `isac bootstrap` wrote `metric_if_ci`."""

    model: str
    dimension: str
    variation_class: str
    variant: str
    task: str
    metric: str
    higher_is_better: bool
    ifr: float
    value: float | None
    n: int
    items: int
    ifr_lo: float | None = None
    ifr_hi: float | None = None
    value_lo: float | None = None
    value_hi: float | None = None


@dataclass(frozen=True)
class AreaInterval:
    """Bootstrap interval of a model's two area ratios (from `area_ratios_ci`)."""

    model: str
    ifr_lo: float | None
    ifr_hi: float | None
    rps_lo: float | None
    rps_hi: float | None


@dataclass(frozen=True)
class BootstrapInfo:
    """How the `*_ci` tables were computed (`bootstrap_info`)."""

    method: str
    resamples: int
    seed: int
    confidence: float
    models: tuple[str, ...]
    meteor_fixed: tuple[str, ...]


@dataclass(frozen=True)
class ModelCounts:
    """Distinct audio items and scored rows of one model label."""

    model: str
    items: int
    rows: int


@dataclass(frozen=True)
class PublishedScore:
    """A published leaderboard row (the paper's values, as published)."""

    model: str
    ifr_area: float
    rps_area: float


@dataclass(frozen=True)
class ReportData:
    """Everything the report shows, as read from one database."""

    source: str
    runs: tuple[RunSummary, ...]
    classes: tuple[ClassScore, ...]
    worst: tuple[VariantScore, ...]
    axes: tuple[AxisScore, ...]
    areas: tuple[AreaRatio, ...]
    failures: tuple[FailureExample, ...]
    layout: Layout
    variants: tuple[VariantRow, ...] = ()
    area_intervals: tuple[AreaInterval, ...] = ()
    bootstrap: BootstrapInfo | None = None
    counts: tuple[ModelCounts, ...] = ()
    provenance: tuple[Mapping[str, Any], ...] = ()
    published: tuple[PublishedScore, ...] = ()

    @property
    def models(self) -> tuple[str, ...]:
        """Every model label with a scored run, sorted."""
        return tuple(sorted({run.model for run in self.runs}))
