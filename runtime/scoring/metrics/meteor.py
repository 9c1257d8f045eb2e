"""METEOR for AAC answers: choose a backend, compute per-row statistics, aggregate them.

`open_meteor("java")` runs exact METEOR 1.5 (the jar, as the paper did); `open_meteor("nltk-approx")`
is a labelled approximation for machines without Java; `open_meteor("auto")` takes the jar when Java
and the jars are present. Keep one scorer open for a whole scoring run: the jar takes seconds to start.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from types import TracebackType
from typing import Any, Literal, Protocol

import numpy as np

from isac.compiler.errors import ScoringError
from isac.runtime.scoring.metrics.definition import (
    Columns,
    MetricDefinition,
    MetricInput,
    Resources,
    StatColumn,
    text_values,
)
from isac.runtime.scoring.metrics.java_tools import java_available
from isac.runtime.scoring.metrics.meteor_score import meteor_of_totals
from isac.runtime.scoring.metrics.meteor_stats import JAR_BACKEND, NLTK_BACKEND, MeteorStats, sum_meteor_stats
from isac.runtime.scoring.metrics.result import MetricResult

MeteorBackend = Literal["auto", "java", "nltk-approx"]


class MeteorScorer(Protocol):
    """What both METEOR backends offer."""

    backend: str

    def row_stats(self, hypotheses: Sequence[str], references: Sequence[Sequence[str]]) -> list[MeteorStats]:
        """Per-row statistics of each hypothesis against its references."""
        ...

    def score_from_totals(self, totals: Sequence[float]) -> float:
        """Corpus score from the field-wise sum of `MeteorStats.summable()` over a group."""
        ...

    def close(self) -> None:
        """Release the backend (stops the Java process)."""
        ...

    def __enter__(self) -> MeteorScorer: ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...


def open_meteor(backend: MeteorBackend = "auto") -> MeteorScorer:
    """Start a METEOR scorer. "auto" prefers the exact jar and falls back to nltk-approx without Java."""
    if backend == "auto":
        backend = "java" if java_available() else "nltk-approx"
    if backend in ("java", JAR_BACKEND):
        from isac.runtime.scoring.metrics.meteor_java import Meteor15

        return Meteor15()
    if backend == NLTK_BACKEND:
        from isac.runtime.scoring.metrics.meteor_nltk import NltkMeteorApprox

        return NltkMeteorApprox()
    raise ScoringError(f"unknown meteor_backend {backend!r}; expected 'auto', 'java' or 'nltk-approx'")


def meteor_row_stats(
    hypotheses: Sequence[str], references: Sequence[Sequence[str]], scorer: MeteorScorer
) -> list[MeteorStats]:
    """Per-row METEOR statistics (references[i]: the captions of row i)."""
    return scorer.row_stats(hypotheses, references)


def corpus_meteor(stats: Iterable[MeteorStats], scorer: MeteorScorer) -> MetricResult:
    """Corpus METEOR (0..1) over row statistics, aggregated as the backend aggregates."""
    backend, totals, rows = sum_meteor_stats(stats)
    if backend != scorer.backend:
        raise ScoringError(
            f"METEOR statistics from backend {backend!r} cannot be scored by {scorer.backend!r}"
        )
    return MetricResult("METEOR", scorer.score_from_totals(totals), rows, backend)


# ------------------------------------------------------------------------------------ metric definition

METEOR_RESOURCE = "meteor"  # the shared scorer of a scoring session (see pipeline.ScoringResources)


def _row_stats(batch: MetricInput) -> Columns:
    scorer = batch.resources.get(METEOR_RESOURCE)
    if scorer is None:  # METEOR switched off or unavailable: the views show NULL for it
        return {
            "meteor_backend": text_values([None] * len(batch)),
            "meteor_stats": text_values([None] * len(batch)),
        }
    stats = scorer.row_stats(batch.answers, batch.references)
    return {
        "meteor_backend": text_values([s.backend for s in stats]),
        "meteor_stats": text_values([s.line for s in stats]),
    }


def _group_value(rows: Sequence[tuple[Any, ...]], resources: Resources) -> tuple[float | None, str | None]:
    """METEOR of a group from its rows' (backend, statistics line): the jar's EVAL of the summed totals.

    A group mixing backends, or with a row lacking statistics, is NULL rather than a wrong number.
    """
    backends = {backend for backend, _line in rows}
    if len(backends) != 1 or any(line is None for _backend, line in rows):
        return None, None
    [backend] = backends
    if backend not in (JAR_BACKEND, NLTK_BACKEND):
        return None, None
    totals: list[float] = []
    for _backend, line in rows:
        values = MeteorStats.from_line(backend, line).summable()
        totals = list(values) if not totals else [a + b for a, b in zip(totals, values, strict=True)]
    if backend == NLTK_BACKEND:  # a mean of segment scores: no process needed
        return float(totals[0] / totals[1]), backend
    scorer = resources.get(METEOR_RESOURCE)
    if scorer is None or scorer.backend != JAR_BACKEND:
        return None, None
    return scorer.score_from_totals(totals), backend


def _row_totals(rows: Sequence[tuple[Any, ...]]) -> np.ndarray | None:
    """Each row's summable METEOR statistics; None when rows lack statistics or mix backends."""
    backends = {backend for backend, _line in rows}
    if len(backends) != 1 or any(line is None for _backend, line in rows):
        return None
    [backend] = backends
    if backend not in (JAR_BACKEND, NLTK_BACKEND):
        return None
    return np.array([MeteorStats.from_line(backend, line).summable() for _backend, line in rows], dtype=float)


METRIC = MetricDefinition(
    name="meteor",
    label="METEOR",
    higher_is_better=True,
    version="meteor-1.5",
    description="METEOR 1.5 (the original jar, -l en -norm, PTB-tokenised); nltk-approx without Java",
    columns=(StatColumn("meteor_backend", "VARCHAR"), StatColumn("meteor_stats", "VARCHAR")),
    row_stats=_row_stats,
    group_value=_group_value,
    digits=3,
    row_totals=_row_totals,
    value_of_totals=meteor_of_totals,
    resources=(METEOR_RESOURCE,),
)
