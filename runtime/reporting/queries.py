"""Read a scoring database into `ReportData`: the only module of the report that runs SQL."""

from __future__ import annotations

from pathlib import Path

import duckdb

from isac.compiler.errors import ScoringError
from isac.runtime.reporting.records import (
    AreaRatio,
    AxisScore,
    ClassScore,
    FailureExample,
    Layout,
    ReportData,
    ReportError,
    RunSummary,
    VariantScore,
)
from isac.runtime.scoring.db.schema import open_database

_RUNS = """
SELECT model, string_agg(DISTINCT profile, ', ' ORDER BY profile), count(*), sum(rows_total),
       sum(rows_scored), sum(rows_missing), sum(rows_error)
FROM runs GROUP BY model ORDER BY model
"""

_CLASSES = """
SELECT model, dimension, variation_class, task, metric, higher_is_better, ifr, value, variants, n
FROM class_scores ORDER BY model, variation_class, task
"""

# The lowest-IFR variants of each model (fully compliant ones are not "worst"); ties are broken by
# coordinates so the choice is stable.
_WORST = """
SELECT model, dimension, variation_class, variant, task, metric, ifr, value, n
FROM (
    SELECT *, row_number() OVER (
        PARTITION BY model ORDER BY ifr, dimension, variation_class, variant, task
    ) AS rank
    FROM metric_if
    WHERE ifr < 100
)
WHERE rank <= ?
ORDER BY model, rank
"""

_AXES = """
SELECT model, variation_class, axis_index, ifr, rps, tasks FROM axis_scores ORDER BY model, axis_index
"""

_TASK_ORDER = "SELECT task FROM tasks ORDER BY task_order"

_AREAS = "SELECT model, ifr_area, rps_area, axes FROM area_ratios ORDER BY model"

# A composite row has one row_scores line per subtask with the same verdict; bool_and folds them.
# Examples are the first failures by row id within each (model, dimension, class, variant).
_FAILURES = """
WITH verdicts AS (
    SELECT run_id, row_id, bool_and(compliant) AS compliant
    FROM row_scores GROUP BY run_id, row_id
),
judged AS (
    SELECT
        ru.model, r.dimension, r.variation_class, r.variant, r.task, r.id AS row_id, r.instruction,
        p.response, p.error, v.compliant,
        row_number() OVER (
            PARTITION BY ru.model, r.dimension, r.variation_class, r.variant, v.compliant
            ORDER BY r.id, ru.run_id
        ) AS rank,
        count(*) FILTER (WHERE NOT v.compliant) OVER group_rows AS failed,
        count(*) OVER group_rows AS total
    FROM verdicts AS v
    JOIN runs AS ru ON ru.run_id = v.run_id
    JOIN rows AS r ON r.id = v.row_id
    LEFT JOIN responses AS p ON p.run_id = v.run_id AND p.row_id = v.row_id
    WINDOW group_rows AS (PARTITION BY ru.model, r.dimension, r.variation_class, r.variant)
)
SELECT model, dimension, variation_class, variant, task, row_id, instruction, response, error, rank,
       failed, total
FROM judged
WHERE NOT compliant AND rank <= ?
ORDER BY model, dimension, variation_class, variant, rank
"""


def read_report_data(db_path: Path, *, examples: int = 3, worst: int = 5) -> ReportData:
    """Query a scored database (opened read-only) for everything the report shows.

    `examples` non-compliant responses are kept per (model, dimension, class, variant) and the
    `worst` lowest-IFR variants per model. Raises ReportError when the database holds no scored run.
    """
    try:
        connection = open_database(db_path, read_only=True)
    except ScoringError as error:
        raise ReportError(str(error)) from None
    try:
        return _read(connection, str(db_path), examples, worst)
    except duckdb.Error as error:
        raise ReportError(f"{db_path}: cannot query the scoring views ({error})") from None
    finally:
        connection.close()


def _read(connection: duckdb.DuckDBPyConnection, source: str, examples: int, worst: int) -> ReportData:
    runs = tuple(RunSummary(*line) for line in connection.execute(_RUNS).fetchall())
    if not runs:
        raise ReportError(f"{source}: no scored runs; score some with `isac score RUN_DIR --db {source}`")
    axes = connection.execute("SELECT variation_class, dimension FROM axes ORDER BY axis_index").fetchall()
    layout = Layout(
        tasks=tuple(task for (task,) in connection.execute(_TASK_ORDER).fetchall()),
        axes=tuple(name for name, _ in axes),
        axis_dimensions=tuple(dimension for _, dimension in axes),
        digits=dict(connection.execute("SELECT DISTINCT metric, digits FROM tasks").fetchall()),
    )
    return ReportData(
        source=source,
        runs=runs,
        classes=tuple(ClassScore(*line) for line in connection.execute(_CLASSES).fetchall()),
        worst=tuple(VariantScore(*line) for line in connection.execute(_WORST, [max(0, worst)]).fetchall()),
        axes=tuple(AxisScore(*line) for line in connection.execute(_AXES).fetchall()),
        areas=tuple(AreaRatio(*line) for line in connection.execute(_AREAS).fetchall()),
        failures=tuple(
            FailureExample(*line) for line in connection.execute(_FAILURES, [max(0, examples)]).fetchall()
        ),
        layout=layout,
    )
