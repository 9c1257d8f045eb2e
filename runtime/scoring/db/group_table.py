"""Materialise the values of metrics that do not aggregate by sums in the `group_scores` table.

Most metrics are SQL over summed statistics (`metric_if` computes them on the fly). A metric with a
`group_value` function instead (METEOR 1.5: the jar recomputes the corpus score from summed segment
statistics with a per-segment adjustment) is computed here after each `isac score`, for every
(model, dimension, class, variant, task) of the models it touched, plus one pooled group per
(model, dimension, task) with `variation_class = variant = '*'` (the official `all` entry).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import duckdb

from isac.runtime.scoring.metric_registry import get_metric
from isac.runtime.scoring.metrics.definition import Resources

POOLED = "*"

GroupKey = tuple[str, str, str]  # dimension, variation_class, variant


def refresh_group_scores(
    connection: duckdb.DuckDBPyConnection, models: Iterable[str], resources: Resources
) -> int:
    """Recompute the Python-aggregated groups of `models`; return how many groups were stored."""
    tasks = connection.execute("SELECT task, metric_name FROM tasks ORDER BY task_order").fetchall()
    metrics = [(task, get_metric(name)) for task, name in tasks]
    python_tasks = [(task, metric) for task, metric in metrics if metric.group_value is not None]
    stored = 0
    for model in sorted(set(models)):
        connection.execute("DELETE FROM group_scores WHERE model = ?", [model])
        for task, metric in python_tasks:
            assert metric.group_value is not None
            columns = ", ".join(column.name for column in metric.columns)
            found = connection.execute(
                f"SELECT dimension, variation_class, variant, {columns} FROM scored "
                "WHERE model = ? AND task = ?",
                [model, task],
            ).fetchall()
            groups: dict[GroupKey, list[tuple[Any, ...]]] = defaultdict(list)
            for dimension, variation_class, variant, *values in found:
                groups[(dimension, variation_class, variant)].append(tuple(values))
                groups[(dimension, POOLED, POOLED)].append(tuple(values))
            for (dimension, variation_class, variant), rows in sorted(groups.items()):
                value, backend = metric.group_value(rows, resources)
                connection.execute(
                    "INSERT INTO group_scores VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        model,
                        dimension,
                        variation_class,
                        variant,
                        task,
                        metric.name,
                        len(rows),
                        value,
                        backend,
                    ],
                )
                stored += 1
    return stored
