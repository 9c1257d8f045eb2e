"""Per-row metric statistics of one task's answers, as columns of the `row_scores` table.

The metric is the one the task's spec declares (`TaskTable.metric`); its registered definition computes
the statistics (see `isac.runtime.scoring.metrics.definition`). This module only gathers a task's answers
into a batch and hands them over.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from isac.compiler.errors import ScoringError
from isac.runtime.scoring.metrics.definition import MetricInput, Resources
from isac.runtime.scoring.task_definitions import TaskTable


@dataclass
class SubtaskBatch:
    """The answers of one subtask for a batch of rows, in row order."""

    subtask: str
    row_ids: list[str] = field(default_factory=list)
    compliant: list[bool] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)
    references: list[tuple[str, ...]] = field(default_factory=list)

    def add(self, row_id: str, compliant: bool, answer: str, references: tuple[str, ...]) -> None:
        """Append one row's answer (already "" when the response is not compliant)."""
        self.row_ids.append(row_id)
        self.compliant.append(compliant)
        self.answers.append(answer)
        self.references.append(references)

    def __len__(self) -> int:
        return len(self.row_ids)


def metric_columns(batch: SubtaskBatch, tasks: TaskTable, resources: Resources) -> dict[str, np.ndarray]:
    """The statistics of the subtask's declared metric for every row of the batch, one array per column."""
    task = tasks.task(batch.subtask, row=batch.row_ids[0] if batch.row_ids else "")
    metric = tasks.metric(batch.subtask)
    columns = metric.row_stats(
        MetricInput(
            task=batch.subtask,
            options=task.metric.options,
            labels=task.labels,
            row_ids=batch.row_ids,
            answers=batch.answers,
            references=batch.references,
            resources=resources,
        )
    )
    expected = {column.name for column in metric.columns}
    if set(columns) != expected or any(len(values) != len(batch) for values in columns.values()):
        raise ScoringError(
            f"metric {metric.name!r} returned columns {sorted(columns)} for {len(batch)} rows; "
            f"expected {sorted(expected)}, one value per row"
        )
    return columns
