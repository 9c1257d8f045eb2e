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

import importlib
from typing import Any

# Names re-exported from the metric modules, imported on first access (PEP 562): importing the package
# (as the metric registry does) must not pull in sacrebleu, jiwer and nltk before a metric is used.
_EXPORTS: dict[str, str] = {
    "AccuracyStats": "accuracy",
    "BleuScore": "bleu",
    "BleuStats": "bleu",
    "JAR_BACKEND": "meteor_stats",
    "MeteorBackend": "meteor",
    "MeteorScorer": "meteor",
    "MeteorStats": "meteor_stats",
    "MetricResult": "result",
    "NLTK_BACKEND": "meteor_stats",
    "Normalizer": "wer",
    "WerStats": "wer",
    "accuracy_row_stats": "accuracy",
    "bleu_from_totals": "bleu",
    "bleu_row_stats": "bleu",
    "corpus_accuracy": "accuracy",
    "corpus_bleu": "bleu",
    "corpus_meteor": "meteor",
    "corpus_wer": "wer",
    "english_normalizer": "wer",
    "extract_label": "accuracy",
    "meteor_row_stats": "meteor",
    "open_meteor": "meteor",
    "sum_bleu_stats": "bleu",
    "sum_meteor_stats": "meteor_stats",
    "wer_from_totals": "wer",
    "wer_row_stats": "wer",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


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
