"""Before/after analysis of a fine-tuning run, on the shared paired comparison (`isac compare`).

Both runs are scored into one DuckDB under the labels `before` and `after` (`isac score --name`), and
`isac.runtime.scoring.compare.compare` does the statistics: a paired item bootstrap over the items both
runs scored, per variant, class, axis and area, for IFR and the task metric (Metric_IF), with
two-sided p-values corrected per level and quantity (Holm by default).

This module only reads that result: a gain is a significant change for the better (direction-aware:
a lower WER is better), a drop a significant change for the worse, and forgetting is a drop on a
task's default D1 instruction, in IFR or in the task metric.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import duckdb

from isac.compiler.errors import ScoringError
from isac.runtime.scoring.compare import Comparison as SharedComparison
from isac.runtime.scoring.compare import Difference, compare
from isac.runtime.scoring.db.schema import open_database
from isac.runtime.scoring.pipeline import score_runs

BEFORE = "before"
AFTER = "after"
DEFAULT_CLASS = "D1"
DEFAULT_VARIANT = "default"
_LEVELS = ("class", "variant")  # the per-task levels the section lists
_QUANTITY_NAMES = {"ifr": "IFR", "value": "metric"}


@dataclass(frozen=True)
class Change:
    """One (level, cell, quantity) before and after, with its interval and corrected p-value."""

    level: str  # "class" (cell "F2/SER") or "variant" (cell "D1/default/SER")
    cell: str
    task: str
    quantity: str  # "ifr" or "value" (the task metric, Metric_IF)
    before: float | None
    after: float | None
    delta: float | None
    low: float | None
    high: float | None
    p_adjusted: float | None
    significant: bool
    better: str  # "after", "before" or ""

    @property
    def gain(self) -> bool:
        """A significant change for the better."""
        return self.significant and self.better == AFTER

    @property
    def drop(self) -> bool:
        """A significant change for the worse."""
        return self.significant and self.better == BEFORE

    @property
    def on_default(self) -> bool:
        """The cell is a task's default D1 instruction (its variant or its class)."""
        parts = self.cell.split("/")
        return parts[0] == DEFAULT_CLASS and (self.level == "class" or parts[1] == DEFAULT_VARIANT)


def _change(difference: Difference) -> Change:
    better = {"b": AFTER, "a": BEFORE}.get(difference.better, "")
    return Change(
        level=difference.level,
        cell=difference.cell,
        task=difference.task,
        quantity=difference.quantity,
        before=difference.a,
        after=difference.b,
        delta=difference.difference,
        low=difference.low,
        high=difference.high,
        p_adjusted=difference.p_adjusted,
        significant=difference.significant,
        better=better,
    )


@dataclass(frozen=True)
class Comparison:
    """The per-task changes (class and variant level, IFR and metric), the gains and the forgetting."""

    changes: tuple[Change, ...]
    resamples: int
    confidence: float
    correction: str
    alpha: float

    @classmethod
    def from_shared(cls, shared: SharedComparison) -> Comparison:
        """Keep the per-task cells of the shared comparison (A = before, B = after)."""
        kept = [d for d in shared.differences if d.level in _LEVELS and d.quantity in _QUANTITY_NAMES]
        # classes first, then variants; the shared order within a level is kept (sorted is stable)
        changes = tuple(_change(d) for d in sorted(kept, key=lambda d: _LEVELS.index(d.level)))
        options = shared.options
        return cls(changes, options.resamples, options.confidence, shared.correction, shared.alpha)

    def get(self, level: str, cell: str, quantity: str = "ifr") -> Change:
        """One change by level, cell and quantity."""
        for change in self.changes:
            if (change.level, change.cell, change.quantity) == (level, cell, quantity):
                return change
        raise KeyError(f"{level} {cell} {quantity}")

    def gains(self) -> list[Change]:
        """Significant changes for the better."""
        return [change for change in self.changes if change.gain]

    def forgetting(self) -> list[Change]:
        """Significant changes for the worse on a task's default D1 instruction, in IFR or the metric."""
        return [change for change in self.changes if change.drop and change.on_default]

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "models": {"a": BEFORE, "b": AFTER},
            "resamples": self.resamples,
            "confidence": self.confidence,
            "correction": self.correction,
            "alpha": self.alpha,
            "changes": [asdict(change) for change in self.changes],
            "gains": [_label(change) for change in self.gains()],
            "forgetting": [_label(change) for change in self.forgetting()],
        }

    def markdown(self) -> str:
        """The report section "What fine-tuning changed"."""
        lines = [
            "## What fine-tuning changed",
            "",
            "Before and after on the items both runs scored: IFR (%) and the task metric (Metric_IF); "
            f"paired item bootstrap, {self.resamples} resamples, {round(self.confidence * 100)} % intervals, "
            f"p-values corrected per level and quantity ({self.correction}); * = significant at "
            f"{self.alpha} after correction. Per class, then the D1 default and the significant variants.",
            "",
            "| level | cell | quantity | before | after | change | interval | p adj |",
            "|---|---|---|---:|---:|---:|---|---:|",
        ]
        shown = [
            c for c in self.changes if c.level == "class" or c.on_default or c.significant
        ]  # every variant would swamp the section
        for change in shown:
            mark = " *" if change.significant else ""
            lines.append(
                f"| {change.level} | {change.cell} | {_QUANTITY_NAMES[change.quantity]} | "
                f"{_number(change.before)} | {_number(change.after)} | {_signed(change.delta)}{mark} | "
                f"[{_signed(change.low)}, {_signed(change.high)}] | {_number(change.p_adjusted, 3)} |"
            )
        gains, forgetting = self.gains(), self.forgetting()
        lines += [
            "",
            "Gains: " + (", ".join(_label(c) for c in gains) if gains else "none significant."),
            "",
            "Forgetting (significant drop on a task's default D1 instruction, IFR or metric): "
            + (", ".join(_label(c) for c in forgetting) if forgetting else "none detected."),
        ]
        return "\n".join(lines) + "\n"


def _label(change: Change) -> str:
    return f"{change.level} {change.cell} {_QUANTITY_NAMES[change.quantity]} ({_signed(change.delta)})"


def _number(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _signed(value: float | None) -> str:
    return "–" if value is None else f"{value:+.1f}"


def what_changed(
    connection: duckdb.DuckDBPyConnection,
    *,
    before: str = BEFORE,
    after: str = AFTER,
    resamples: int = 1000,
    seed: int = 0,
    correction: str = "holm",
    alpha: float = 0.05,
) -> Comparison:
    """The comparison of `after` against `before`, two models of a scoring database."""
    shared = compare(
        connection, before, after, resamples=resamples, seed=seed, correction=correction, alpha=alpha
    )
    return Comparison.from_shared(shared)


def compare_runs(
    before: Path,
    after: Path,
    db: Path,
    *,
    resamples: int = 1000,
    seed: int = 0,
    search_dirs: Sequence[Path] = (),
    meteor: bool = False,
) -> Comparison:
    """Score two run directories into a new database `db` as `before` and `after`, then compare them.

    `db` must not exist yet (an existing database is never overwritten; call `what_changed` on it).
    METEOR is off by default: it needs Java and the comparison of WER/BLEU/accuracy tasks does not.
    """
    db = Path(db)
    if db.exists():
        raise ScoringError(f"{db} already exists; pass a new path, or compare its models with what_changed")
    for label, run_dir in ((BEFORE, before), (AFTER, after)):
        score_runs(db, [Path(run_dir)], name=label, search_dirs=search_dirs, meteor=meteor)
    connection = open_database(db, read_only=True)
    try:
        connection.execute("SET enable_progress_bar = false")
        return what_changed(connection, resamples=resamples, seed=seed)
    finally:
        connection.close()
