"""What a metric declares so that scoring, the database and the views can use it without knowing it.

A metric module defines one `MetricDefinition` (conventionally named `METRIC`) and is registered by name in
`isac.runtime.scoring.metric_registry` (or through the `isac.metrics` entry point group). The definition says:

- its per-row sufficient statistics: `columns` of the `row_scores` table (names start with the metric's
  prefix, e.g. `wer_errors`) and `row_stats`, which computes them for a batch of answers;
- how a group of rows becomes one value: `value_sql`, an SQL expression over the group's *summed* columns
  (written with `{column}` placeholders), or, for a metric that does not aggregate by sums (METEOR 1.5),
  `group_value`, a Python function over the group's stored rows whose results are materialised in the
  `group_scores` table after each `isac score`;
- its direction (for RPS), a display label and number of digits, a version string, and the options a
  task may set on it (`metric: {name: bleu, options: {tokenize: zh}}`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # numpy is imported by the metrics that build columns, not by whoever lists metrics
    import numpy as np

from isac.compiler.errors import ScoringError

SQL_TYPES = frozenset({"BIGINT", "INTEGER", "DOUBLE", "VARCHAR", "BOOLEAN"})
_SUMMABLE_TYPES = frozenset({"BIGINT", "INTEGER", "DOUBLE"})


@dataclass(frozen=True)
class StatColumn:
    """One per-row statistic: a `row_scores` column. Numeric columns are summed per group in SQL."""

    name: str
    sql_type: str

    @property
    def summable(self) -> bool:
        """Numeric columns are summed in `variant_stats`; text columns are read back by `group_value`."""
        return self.sql_type in _SUMMABLE_TYPES


class Resources(Protocol):
    """Shared, lazily started helpers of one scoring session (e.g. the METEOR jar process)."""

    def get(self, name: str) -> Any:
        """The resource registered as `name`, started on first use; None when it is unavailable."""
        ...

    def warn(self, message: str) -> None:
        """Report something the user should know about the scores (printed after scoring)."""
        ...


@dataclass(frozen=True)
class MetricInput:
    """The compliance-aware answers of one task for a batch of rows, with what the task declares.

    `answers[i]` is "" when row i's response was not compliant. `references[i]` holds row i's references
    (transcripts, translations, captions or one label). `labels` is the task's declared label set.
    """

    task: str
    options: Mapping[str, Any]
    labels: tuple[str, ...]
    row_ids: Sequence[str]
    answers: Sequence[str]
    references: Sequence[tuple[str, ...]]
    resources: Resources

    def first_references(self) -> list[str]:
        """The first reference of every row (ScoringError naming the row when one has none)."""
        firsts = []
        for row_id, refs in zip(self.row_ids, self.references, strict=True):
            if not refs:
                raise ScoringError(f"row {row_id}: no {self.task} reference to score against")
            firsts.append(refs[0])
        return firsts

    def __len__(self) -> int:
        return len(self.row_ids)


Columns = dict[str, "np.ndarray"]
RowStats = Callable[[MetricInput], Columns]
GroupValue = Callable[[Sequence[tuple[Any, ...]], "Resources"], tuple[float | None, str | None]]
"""(stored column values of each row in the group, resources) -> (value, backend)."""
RowTotals = Callable[[Sequence[tuple[Any, ...]]], "np.ndarray | None"]
"""Stored column values of rows -> (rows, K) numbers whose sums determine any group's value (None if the
rows cannot be summed together, e.g. METEOR rows of two backends)."""
ValueOfTotals = Callable[["np.ndarray"], "np.ndarray"]
"""(..., K) summed totals -> (...) values, vectorised (for resampling without the metric's process)."""


@dataclass(frozen=True)
class MetricDefinition:
    """A registered metric (see the module docstring)."""

    name: str
    label: str
    higher_is_better: bool
    version: str
    columns: tuple[StatColumn, ...]
    row_stats: RowStats
    value_sql: str | None = None
    group_value: GroupValue | None = None
    digits: int = 2
    options: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)  # option -> allowed values
    description: str = ""
    # Optional, for metrics aggregated in Python: the same value as `group_value`, from summable per-row
    # numbers, vectorised; the bootstrap uses it to recompute the metric on every resample.
    row_totals: RowTotals | None = None
    value_of_totals: ValueOfTotals | None = None
    # Shared resources `row_stats` asks for (`Resources.get`); scoring starts them as soon as a batch
    # of the metric is ahead, so a slow start (the METEOR jar loads for seconds) overlaps other work.
    resources: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if (self.value_sql is None) == (self.group_value is None):
            raise ValueError(f"metric {self.name!r}: give exactly one of value_sql and group_value")
        for column in self.columns:
            if not column.name.startswith(f"{self.name}_"):
                raise ValueError(f"metric {self.name!r}: column {column.name!r} must start with {self.name}_")
            if column.sql_type not in SQL_TYPES:
                raise ValueError(f"metric {self.name!r}: column type {column.sql_type!r} not in {SQL_TYPES}")

    def check_options(self, task: str, options: Mapping[str, Any]) -> None:
        """Refuse an option the metric does not know, or a value it does not allow, naming the task."""
        for key, value in options.items():
            allowed = self.options.get(key)
            if allowed is None:
                raise ScoringError(
                    f"task {task}: metric {self.name!r} has no option {key!r}; "
                    f"expected one of {sorted(self.options) or 'none'}"
                )
            if value not in allowed:
                raise ScoringError(
                    f"task {task}: metric {self.name!r} option {key!r} is {value!r}; expected one of "
                    f"{', '.join(map(str, allowed))}"
                )

    def sql_value(self, table_alias: str) -> str:
        """`value_sql` with every `{column}` replaced by `<alias>.<column>` (summed columns).

        Besides its own columns a metric's SQL may use `{n}` (rows in the group) and `{compliant}`
        (compliant rows in the group).
        """
        if self.value_sql is None:
            raise ValueError(f"metric {self.name!r} aggregates in Python")
        names = {column.name: f"{table_alias}.{column.name}" for column in self.columns}
        names |= {"n": f"{table_alias}.n", "compliant": f"{table_alias}.compliant"}
        return self.value_sql.format(**names)


def integer_column(values: Sequence[int]) -> np.ndarray:
    """An int64 column of `len(values)` values."""
    import numpy as np

    return np.fromiter(values, dtype=np.int64, count=len(values))


def text_values(values: Sequence[str | None]) -> np.ndarray:
    """An object column of strings (or None)."""
    import numpy as np

    column = np.empty(len(values), dtype=object)
    column[:] = list(values)
    return column
