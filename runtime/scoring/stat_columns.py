"""Per-row metric statistics of one subtask's answers, as columns of the `row_scores` table.

Every metric is stored as sufficient statistics so any group's corpus value follows from sums: WER
(errors, reference words), BLEU (lengths, matched and total n-grams), ACC (correct 0/1), METEOR 1.5
(the jar's 23 segment statistics, as text). The metrics themselves live in
`isac.runtime.scoring.metrics`; this module only batches answers into them (large WER and BLEU
batches across worker processes, see `workers.py`) and shapes the output.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from isac.compiler.errors import ScoringError
from isac.runtime.scoring.metrics.accuracy import accuracy_row_stats
from isac.runtime.scoring.metrics.bleu import bleu_row_stats
from isac.runtime.scoring.metrics.meteor_stats import MeteorStats
from isac.runtime.scoring.metrics.wer import wer_row_stats
from isac.runtime.scoring.workers import parallel_rows

# Labels a label task's answers are searched for (contract: lowercase references).
TASK_LABELS: Mapping[str, tuple[str, ...]] = {
    "SER": ("happy", "sad", "angry", "neutral"),
    "GR": ("male", "female"),
}
SUBTASKS: tuple[str, ...] = ("ASR", "S2TT", "SER", "GR", "AAC")


class MeteorScorer(Protocol):
    """What the METEOR columns need: segment statistics of hypotheses against their references."""

    def row_stats(
        self, hypotheses: Sequence[str], references: Sequence[Sequence[str]]
    ) -> list[MeteorStats]: ...


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


def _ints(values: Sequence[int]) -> np.ndarray:
    return np.fromiter(values, dtype=np.int64, count=len(values))


def _first_references(batch: SubtaskBatch) -> list[str]:
    firsts = []
    for row_id, refs in zip(batch.row_ids, batch.references, strict=True):
        if not refs:
            raise ScoringError(f"row {row_id}: no {batch.subtask} reference to score against")
        firsts.append(refs[0])
    return firsts


def _wer_columns(batch: SubtaskBatch, _meteor: MeteorScorer | None) -> dict[str, np.ndarray]:
    stats = parallel_rows(wer_row_stats, batch.answers, _first_references(batch))
    return {
        "wer_errors": _ints([s.errors for s in stats]),
        "wer_ref_words": _ints([s.ref_words for s in stats]),
    }


def _bleu_columns(batch: SubtaskBatch, _meteor: MeteorScorer | None) -> dict[str, np.ndarray]:
    stats = parallel_rows(bleu_row_stats, batch.answers, batch.references)
    columns = {
        "bleu_sys_len": _ints([s.sys_len for s in stats]),
        "bleu_ref_len": _ints([s.ref_len for s in stats]),
    }
    for n in range(4):
        columns[f"bleu_match_{n + 1}"] = _ints([s.matches[n] for s in stats])
        columns[f"bleu_total_{n + 1}"] = _ints([s.totals[n] for s in stats])
    return columns


def _acc_columns(batch: SubtaskBatch, _meteor: MeteorScorer | None) -> dict[str, np.ndarray]:
    references = [ref.lower() for ref in _first_references(batch)]
    # The task's labels plus any the references use, so a custom label set still scores.
    labels = tuple(dict.fromkeys((*TASK_LABELS.get(batch.subtask, ()), *sorted(set(references)))))
    stats = accuracy_row_stats(batch.answers, references, labels)
    return {"acc_correct": _ints([int(s.correct) for s in stats])}


def _meteor_columns(batch: SubtaskBatch, meteor: MeteorScorer | None) -> dict[str, np.ndarray]:
    if meteor is None:  # METEOR switched off or unavailable: the views show NULL for it
        return {
            "meteor_backend": np.array([None] * len(batch), dtype=object),
            "meteor_stats": np.array([None] * len(batch), dtype=object),
        }
    stats = meteor.row_stats(batch.answers, batch.references)
    return {
        "meteor_backend": np.array([s.backend for s in stats], dtype=object),
        "meteor_stats": np.array([s.line for s in stats], dtype=object),
    }


_COLUMN_BUILDERS: Mapping[str, Callable[[SubtaskBatch, MeteorScorer | None], dict[str, np.ndarray]]] = {
    "ASR": _wer_columns,
    "S2TT": _bleu_columns,
    "SER": _acc_columns,
    "GR": _acc_columns,
    "AAC": _meteor_columns,
}


def metric_columns(batch: SubtaskBatch, meteor: MeteorScorer | None) -> dict[str, np.ndarray]:
    """The subtask's metric statistics for every row of the batch, one array per table column."""
    build = _COLUMN_BUILDERS.get(batch.subtask)
    if build is None:
        raise ScoringError(
            f"row {batch.row_ids[0]}: no metric for subtask {batch.subtask!r}; "
            f"expected one of {list(SUBTASKS)}"
        )
    return build(batch, meteor)
