"""Task metrics as per-row sufficient statistics plus corpus aggregations.

Every metric splits into (a) a function computing frozen per-row statistics, which scoring stores in
DuckDB, and (b) an aggregation from any group of those rows to the group's corpus value:

Each metric module also defines `METRIC`, its registered `MetricDefinition` (see `definition.py` and
`isac.runtime.scoring.metric_registry`); which task uses which metric is declared by the spec.

- WER (%): `wer_row_stats` -> `WerStats`; `corpus_wer`
  (SQL: 100 * sum(errors) / greatest(sum(ref_words), 1)).
- BLEU (0..100): `bleu_row_stats` -> `BleuStats`; `corpus_bleu` (SQL: sum the columns, then
  `bleu_from_totals`).
- ACC (%): `accuracy_row_stats` -> `AccuracyStats`; `corpus_accuracy` (SQL: 100 * avg(correct)).
- METEOR (0..1): `meteor_row_stats` -> `MeteorStats`; `corpus_meteor` (sum `summable()` field-wise,
  then `scorer.score_from_totals`).
"""

from __future__ import annotations

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

__all__ = [
    "JAR_BACKEND",
    "NLTK_BACKEND",
    "AccuracyStats",
    "BleuScore",
    "BleuStats",
    "MeteorBackend",
    "MeteorScorer",
    "MeteorStats",
    "MetricResult",
    "Normalizer",
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
    "open_meteor",
    "sum_bleu_stats",
    "sum_meteor_stats",
    "wer_from_totals",
    "wer_row_stats",
]
