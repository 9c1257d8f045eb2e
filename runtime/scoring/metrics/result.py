"""The value every corpus aggregation returns, with the backend that computed it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MetricResult:
    """A corpus-level metric value over `rows` rows.

    `value` is in the unit the paper reports: WER and accuracy in percent, BLEU on sacrebleu's 0..100
    scale, METEOR as a fraction in 0..1. `backend` names what computed it (e.g. `jiwer`,
    `sacrebleu-zh`, `meteor-1.5-jar`, `nltk-approx`), so an approximate value is never mistaken for
    an exact one.
    """

    metric: str
    value: float
    rows: int
    backend: str
