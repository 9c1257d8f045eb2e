"""Task metrics as per-row sufficient statistics plus corpus aggregations.

Every metric splits into (a) a function computing frozen per-row statistics, which scoring stores in
DuckDB, and (b) an aggregation from any group of those rows to the group's corpus value:

- ASR, WER (%): `wer_row_stats` -> `WerStats`; `corpus_wer`
  (SQL: 100 * sum(errors) / greatest(sum(ref_words), 1)).
- S2TT, BLEU (0..100): `bleu_row_stats` -> `BleuStats`; `corpus_bleu` (SQL: sum the columns, then
  `bleu_from_totals`).
- SER and GR, ACC (%): `accuracy_row_stats` -> `AccuracyStats`; `corpus_accuracy` (SQL: 100 * avg(correct)).
- AAC, METEOR (0..1): `meteor_row_stats` -> `MeteorStats`; `corpus_meteor` (sum `summable()` field-wise,
  then `scorer.score_from_totals`).
"""

from __future__ import annotations

from dataclasses import dataclass

from isac.compiler.errors import ScoringError
from isac.runtime.scoring.metrics.accuracy import (
    AccuracyStats,
    accuracy_row_stats,
    corpus_accuracy,
    extract_label,
)
from isac.runtime.scoring.metrics.bleu import (
    BleuScore,
    BleuStats,
    bleu_from_totals,
    bleu_row_stats,
    corpus_bleu,
    sum_bleu_stats,
)
from isac.runtime.scoring.metrics.meteor import (
    MeteorBackend,
    MeteorScorer,
    corpus_meteor,
    meteor_row_stats,
    open_meteor,
)
from isac.runtime.scoring.metrics.meteor_stats import JAR_BACKEND, NLTK_BACKEND, MeteorStats, sum_meteor_stats
from isac.runtime.scoring.metrics.result import MetricResult
from isac.runtime.scoring.metrics.wer import (
    Normalizer,
    WerStats,
    corpus_wer,
    english_normalizer,
    wer_from_totals,
    wer_row_stats,
)


@dataclass(frozen=True)
class TaskMetric:
    """Which metric scores a task, its direction and the statistics type its rows store."""

    task: str
    metric: str
    higher_is_better: bool
    stats_type: type


METRICS_BY_TASK: dict[str, TaskMetric] = {
    "ASR": TaskMetric("ASR", "WER", False, WerStats),
    "S2TT": TaskMetric("S2TT", "BLEU", True, BleuStats),
    "SER": TaskMetric("SER", "ACC", True, AccuracyStats),
    "GR": TaskMetric("GR", "ACC", True, AccuracyStats),
    "AAC": TaskMetric("AAC", "METEOR", True, MeteorStats),
}


def metric_for_task(task: str) -> TaskMetric:
    """The metric of a single task (`ASR`, `S2TT`, `SER`, `GR`, `AAC`)."""
    try:
        return METRICS_BY_TASK[task]
    except KeyError:
        raise ScoringError(
            f"no metric for task {task!r}; expected one of {sorted(METRICS_BY_TASK)}"
        ) from None


__all__ = [
    "JAR_BACKEND",
    "METRICS_BY_TASK",
    "NLTK_BACKEND",
    "AccuracyStats",
    "BleuScore",
    "BleuStats",
    "MeteorBackend",
    "MeteorScorer",
    "MeteorStats",
    "MetricResult",
    "Normalizer",
    "TaskMetric",
    "WerStats",
    "accuracy_row_stats",
    "bleu_from_totals",
    "bleu_row_stats",
    "corpus_accuracy",
    "corpus_bleu",
    "corpus_meteor",
    "corpus_wer",
    "english_normalizer",
    "extract_label",
    "meteor_row_stats",
    "metric_for_task",
    "open_meteor",
    "sum_bleu_stats",
    "sum_meteor_stats",
    "wer_from_totals",
    "wer_row_stats",
]
