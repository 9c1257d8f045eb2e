"""Read a scoring database into `ReportData`: the only module of the report that runs SQL."""

from __future__ import annotations

from pathlib import Path

import duckdb

from isac.compiler.errors import IsacError, ScoringError
from isac.runtime.reporting.records import (
    AreaInterval,
    AreaRatio,
    AxisScore,
    BootstrapInfo,
    ClassScore,
    FailureExample,
    Layout,
    ModelCounts,
    PublishedScore,
    ReportData,
    ReportError,
    RunSummary,
    VariantRow,
    VariantScore,
)
from isac.runtime.scoring.db.schema import open_database
from isac.runtime.scoring.provenance import load_provenance

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
        p.response, p.error, v.compliant, r.checker, r.subtasks,
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
       failed, total, CAST(checker AS VARCHAR), subtasks
FROM judged
WHERE NOT compliant AND rank <= ?
ORDER BY model, dimension, variation_class, variant, rank
"""


# Items (distinct audio clips of a data set) and rows per (model, variant, task): the n of every cell.
_ITEMS = """
SELECT ru.model, r.dimension, r.variation_class, r.variant, s.subtask AS task,
       count(DISTINCT (r.dataset, r.item_id)) AS items
FROM run_rows AS rr
JOIN runs AS ru ON ru.run_id = rr.run_id
JOIN rows AS r ON r.id = rr.row_id
CROSS JOIN unnest(r.subtasks) AS s(subtask)
GROUP BY ALL
"""

_VARIANTS = f"""
WITH items AS ({_ITEMS})
SELECT m.model, m.dimension, m.variation_class, m.variant, m.task, m.metric, m.higher_is_better,
       m.ifr, m.value, m.n, coalesce(i.items, 0)
FROM metric_if AS m
LEFT JOIN items AS i USING (model, dimension, variation_class, variant, task)
"""

_VARIANT_CI = """
SELECT model, dimension, variation_class, variant, task, ifr_lo, ifr_hi, value_lo, value_hi
FROM metric_if_ci
"""

_COUNTS = """
SELECT ru.model, count(DISTINCT (r.dataset, r.item_id)), count(*) FILTER (WHERE rr.row_id IS NOT NULL)
FROM runs AS ru JOIN run_rows AS rr ON rr.run_id = ru.run_id JOIN rows AS r ON r.id = rr.row_id
GROUP BY ru.model ORDER BY ru.model
"""


def _table_exists(connection: duckdb.DuckDBPyConnection, name: str) -> bool:
    found = connection.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]
    ).fetchone()
    return bool(found and found[0])


def _variants(connection: duckdb.DuckDBPyConnection) -> tuple[VariantRow, ...]:
    """Every variant cell with its counts, and its interval when `metric_if_ci` exists."""
    intervals: dict[tuple[object, ...], tuple[object, ...]] = {}
    if _table_exists(connection, "metric_if_ci"):
        intervals = {line[:5]: line[5:] for line in connection.execute(_VARIANT_CI).fetchall()}
    rows = []
    for line in connection.execute(_VARIANTS).fetchall():
        bounds = intervals.get(tuple(line[:5]), (None, None, None, None))
        rows.append(VariantRow(*line, *bounds))
    return tuple(rows)


def _bootstrap(
    connection: duckdb.DuckDBPyConnection,
) -> tuple[BootstrapInfo | None, tuple[AreaInterval, ...]]:
    if not (_table_exists(connection, "bootstrap_info") and _table_exists(connection, "area_ratios_ci")):
        return None, ()
    line = connection.execute(
        "SELECT method, resamples, seed, confidence, models, meteor_fixed FROM bootstrap_info LIMIT 1"
    ).fetchone()
    if line is None:
        return None, ()
    info = BootstrapInfo(line[0], line[1], line[2], line[3], tuple(line[4] or ()), tuple(line[5] or ()))
    areas = connection.execute(
        "SELECT model, ifr_area_lo, ifr_area_hi, rps_area_lo, rps_area_hi FROM area_ratios_ci ORDER BY model"
    ).fetchall()
    return info, tuple(AreaInterval(*area) for area in areas)


def published_scores() -> tuple[PublishedScore, ...]:
    """The published leaderboard's area ratios (ISA-Bench v1, the official aggregation over the
    published metrics), or nothing when the bundled data cannot be read."""
    try:
        from isac.runtime.isa_v1.aggregate import score_models
        from isac.runtime.isa_v1.leaderboard import REPORTED_MODELS
        from isac.runtime.isa_v1.merged import load_published

        scores = score_models(load_published(), REPORTED_MODELS)
    except (IsacError, OSError, ValueError):
        return ()
    return tuple(PublishedScore(score.model, score.ifr_area, score.rps_area) for score in scores)


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
    bootstrap, area_intervals = _bootstrap(connection)
    provenance = tuple(load_provenance(connection))
    comparable = bool(provenance) and all(
        record.get("scale", {}).get("comparable_with_paper") for record in provenance
    )
    return ReportData(
        source=source,
        runs=runs,
        classes=tuple(ClassScore(*line) for line in connection.execute(_CLASSES).fetchall()),
        worst=tuple(VariantScore(*line) for line in connection.execute(_WORST, [max(0, worst)]).fetchall()),
        axes=tuple(AxisScore(*line) for line in connection.execute(_AXES).fetchall()),
        areas=tuple(AreaRatio(*line) for line in connection.execute(_AREAS).fetchall()),
        failures=tuple(
            FailureExample(*line[:-1], tuple(line[-1] or ()))
            for line in connection.execute(_FAILURES, [max(0, examples)]).fetchall()
        ),
        layout=layout,
        variants=_variants(connection),
        area_intervals=area_intervals,
        bootstrap=bootstrap,
        counts=tuple(ModelCounts(*line) for line in connection.execute(_COUNTS).fetchall()),
        provenance=provenance,
        published=published_scores() if comparable else (),
    )
