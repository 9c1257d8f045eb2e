"""Store a run's task table (metric, direction, labels of each task) and radar axes in the database.

The views join on these tables, so they must agree across every run in one database: a task that an
earlier run scored with another metric (or other options or labels) is refused rather than mixed.
"""

from __future__ import annotations

import json

import duckdb

from isac.compiler.errors import ScoringError
from isac.runtime.scoring.task_definitions import TaskTable


def store_task_table(connection: duckdb.DuckDBPyConnection, table: TaskTable) -> None:
    """Insert the run's tasks and axes (ScoringError when they contradict what the database holds)."""
    known = {
        task: (metric_name, options, list(labels or ()))
        for task, metric_name, options, labels in connection.execute(
            "SELECT task, metric_name, metric_options, labels FROM tasks"
        ).fetchall()
    }
    next_order = connection.execute("SELECT coalesce(max(task_order) + 1, 0) FROM tasks").fetchall()[0][0]
    for name, task in table.tasks.items():
        metric = table.metric(name)
        options = json.dumps(task.metric.options, sort_keys=True)
        found = known.get(name)
        if found is not None:
            if (found[0], json.loads(found[1] or "{}"), found[2]) != (
                metric.name,
                task.metric.options,
                list(task.labels),
            ):
                raise ScoringError(
                    f"task {name}: the database already holds it scored with metric {found[0]!r} "
                    f"(options {found[1]}, labels {found[2]}), but {table.source} declares {metric.name!r} "
                    f"(options {options}, labels {list(task.labels)}); score into another --db"
                )
            continue
        connection.execute(
            "INSERT INTO tasks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                name,
                next_order + task.order,
                metric.label,
                metric.name,
                metric.higher_is_better,
                metric.version,
                options,
                metric.digits,
                list(task.labels),
                task.answer,
                task.dataset,
            ],
        )
    have = {row[0] for row in connection.execute("SELECT variation_class FROM axes").fetchall()}
    next_axis = connection.execute("SELECT coalesce(max(axis_index) + 1, 0) FROM axes").fetchall()[0][0]
    for axis in table.axes:
        if axis.variation_class in have:
            continue
        connection.execute(
            "INSERT INTO axes VALUES (?, ?, ?, ?)",
            [axis.variation_class, axis.dimension, next_axis, axis.name],
        )
        next_axis += 1
