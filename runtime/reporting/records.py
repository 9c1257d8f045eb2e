"""What the report reads from a scoring database: one frozen record per query result line.

These mirror the views of `runtime/scoring/db/views.sql` (see docs/scoring.md); the report never
recomputes a score, it only arranges what the views say.
"""

from __future__ import annotations

from dataclasses import dataclass

from isac.compiler.errors import IsacError

# Radar axes in the order the area formula walks them (the `axes` table of the scoring schema).
AXES: tuple[str, ...] = ("D1", "D2", "D3", "D4", "D5", "F1", "F2", "F3", "F4", "N1", "N2")
DIMENSIONS: tuple[str, ...] = ("D", "F", "N")
# Task order of the paper's tables; tasks outside this list follow alphabetically.
TASK_ORDER: tuple[str, ...] = ("ASR", "S2TT", "SER", "GR", "AAC")


class ReportError(IsacError):
    """The database cannot be reported on (missing, not scored, or from another layout)."""


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

    @property
    def models(self) -> tuple[str, ...]:
        """Every model label with a scored run, sorted."""
        return tuple(sorted({run.model for run in self.runs}))
