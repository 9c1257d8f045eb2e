"""Accuracy for label tasks (SER, GR): the first whole-word label in the answer must be the reference.

A label matches only as a whole word, case-insensitively, so "female" never counts as "male". The
earliest match in the answer is the prediction; an answer without any label (or an empty one) is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import ClassVar

from isac.compiler.errors import ScoringError
from isac.runtime.scoring.metrics.definition import (
    Columns,
    MetricDefinition,
    MetricInput,
    StatColumn,
    integer_column,
)
from isac.runtime.scoring.metrics.result import MetricResult


@dataclass(frozen=True, slots=True)
class AccuracyStats:
    """One row: whether it was right, and the label predicted (None when the answer names none)."""

    correct: bool
    predicted: str | None

    COLUMNS: ClassVar[tuple[tuple[str, str], ...]] = (("correct", "INTEGER"), ("predicted", "VARCHAR"))

    def as_row(self) -> tuple[int, str | None]:
        """The values in the order of `COLUMNS` (correct as 0/1), for bulk inserts."""
        return (int(self.correct), self.predicted)


@cache
def _label_pattern(labels: tuple[str, ...]) -> re.Pattern[str]:
    if not labels or any(not label.strip() for label in labels):
        raise ScoringError(f"accuracy needs a non-empty set of non-empty labels, got {list(labels)}")
    # Longest first, so that at one position a longer label wins over a label that is its prefix.
    alternatives = "|".join(re.escape(label) for label in sorted(labels, key=len, reverse=True))
    # Look-arounds rather than \b keep "whole word" meaningful for labels that end in punctuation.
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def extract_label(answer: str, labels: Sequence[str]) -> str | None:
    """The first label (lowercase) occurring as a whole word in `answer`, ignoring case, or None."""
    found = _label_pattern(tuple(label.lower() for label in labels)).search(answer)
    return found.group(0).lower() if found else None


def accuracy_row_stats(
    answers: Sequence[str], references: Sequence[str], labels: Sequence[str]
) -> list[AccuracyStats]:
    """Per-row correctness of `answers` against reference labels drawn from `labels`."""
    if len(answers) != len(references):
        raise ScoringError(
            f"accuracy needs one reference per answer; got {len(answers)} answers "
            f"and {len(references)} references"
        )
    known = {label.lower() for label in labels}
    stats: list[AccuracyStats] = []
    for index, (answer, reference) in enumerate(zip(answers, references, strict=True)):
        expected = reference.lower()
        if expected not in known:
            raise ScoringError(f"accuracy row {index}: reference {reference!r} is not one of {sorted(known)}")
        predicted = extract_label(answer, labels)
        stats.append(AccuracyStats(predicted == expected, predicted))
    return stats


def corpus_accuracy(stats: Iterable[AccuracyStats]) -> MetricResult:
    """Accuracy in percent: correct rows over all rows."""
    correct = rows = 0
    for row in stats:
        correct += row.correct
        rows += 1
    if rows == 0:
        raise ScoringError("accuracy needs at least one row to aggregate")
    return MetricResult("ACC", 100.0 * correct / rows, rows, "isac")


# ------------------------------------------------------------------------------------ metric definition


def _row_stats(batch: MetricInput) -> Columns:
    references = [ref.lower() for ref in batch.first_references()]
    # The task's declared labels first; a reference outside them still scores (it can only be matched
    # by an answer naming it), so a dataset with an extra class is measured rather than refused here.
    labels = tuple(dict.fromkeys((*(label.lower() for label in batch.labels), *sorted(set(references)))))
    stats = accuracy_row_stats(batch.answers, references, labels)
    return {"accuracy_correct": integer_column([int(s.correct) for s in stats])}


METRIC = MetricDefinition(
    name="accuracy",
    label="ACC",
    higher_is_better=True,
    version="isac-first-whole-word-label-1",
    description="accuracy in percent: the first whole-word label in the answer equals the reference label",
    columns=(StatColumn("accuracy_correct", "BIGINT"),),
    row_stats=_row_stats,
    value_sql="100.0 * CAST({accuracy_correct} AS DOUBLE) / {n}",
)
