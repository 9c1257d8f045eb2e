"""Materialise METEOR per (model, dimension, class, variant) in the `meteor_scores` table.

METEOR's corpus score is not a mean of segment scores: the jar recomputes it from summed segment
statistics (with one adjustment per segment, see `MeteorStats.summable`), so SQL cannot derive it from
the stored lines alone. After each `isac score` the groups of the models it touched are summed here
and scored by the jar (one EVAL per group in one running process). Rows `variation_class = '*'`,
`variant = '*'` pool every AAC row of a dimension (the official `all` entry).

Rows scored by the nltk-approx fallback (no Java) aggregate as a plain mean and need no process; each
group records its backend, and a group mixing backends (or with rows lacking statistics) is NULL.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Protocol

import duckdb
import numpy as np

from isac.runtime.scoring.metrics.meteor_stats import JAR_BACKEND, NLTK_BACKEND, MeteorStats

POOLED = "*"
METEOR_TASK = "AAC"


class MeteorAggregator(Protocol):
    """Scores summed statistics (the jar's EVAL)."""

    backend: str

    def score_from_totals(self, totals: Sequence[float]) -> float: ...


Line = tuple[str | None, str | None]  # (backend, statistics line) of one row


GroupKey = tuple[str, str, str]  # dimension, variation_class, variant


def refresh_meteor_scores(
    connection: duckdb.DuckDBPyConnection,
    models: Iterable[str],
    aggregator: Callable[[], MeteorAggregator | None],
) -> int:
    """Recompute the METEOR groups of `models`; return how many groups were stored.

    `aggregator` is called only when some group holds jar statistics. Without one (METEOR off or Java
    missing) such groups are NULL rather than a value that no longer matches the rows. A group with
    any row lacking statistics, or mixing backends, is NULL for the same reason.
    """
    scored = 0
    for model in sorted(set(models)):
        connection.execute("DELETE FROM meteor_scores WHERE model = ?", [model])
        found = connection.execute(
            """
            SELECT dimension, variation_class, variant, meteor_backend, meteor_stats
            FROM scored WHERE model = ? AND task = ?
            """,
            [model, METEOR_TASK],
        ).fetchall()
        groups: dict[GroupKey, list[Line]] = defaultdict(list)
        for dimension, variation_class, variant, backend, line in found:
            groups[(dimension, variation_class, variant)].append((backend, line))
            groups[(dimension, POOLED, POOLED)].append((backend, line))
        for (dimension, variation_class, variant), lines in sorted(groups.items()):
            backend, value = _group_score(lines, aggregator)
            connection.execute(
                "INSERT INTO meteor_scores VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [model, dimension, variation_class, variant, METEOR_TASK, len(lines), value, backend],
            )
            scored += 1
    return scored


def _group_score(
    lines: Sequence[Line], aggregator: Callable[[], MeteorAggregator | None]
) -> tuple[str | None, float | None]:
    backends = {backend for backend, _ in lines}
    if len(backends) != 1 or any(line is None for _, line in lines):
        return None, None
    [backend] = backends
    if backend not in (JAR_BACKEND, NLTK_BACKEND):
        return None, None
    totals = np.zeros(0)
    for _, line in lines:
        values = np.asarray(MeteorStats.from_line(backend, line or "").summable(), dtype=float)
        totals = values if totals.size == 0 else totals + values
    if backend == NLTK_BACKEND:  # a mean of segment scores: no process needed
        return backend, float(totals[0] / totals[1])
    scorer = aggregator()
    if scorer is None or scorer.backend != JAR_BACKEND:
        return None, None
    return backend, scorer.score_from_totals(totals.tolist())
