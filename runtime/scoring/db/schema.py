"""Open an isac scoring database: create its tables, lookup tables, macros and views.

The database is a DuckDB file so that scores survive the process and anyone can rerun queries over
them (`isac query`). Tables are created when missing and views are recreated on every writable open,
so a newer isac upgrades the views of an older file; a file written with another table layout is
refused with a message instead of being scored into inconsistently.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import duckdb

from isac.compiler.errors import ScoringError
from isac.runtime.scoring.metric_registry import all_metrics, stat_columns

SCHEMA_VERSION = "2"  # 2: tasks, axes and metric columns come from the compiled spec and the registry
VIEWS: tuple[str, ...] = (
    "scored",
    "ifr",
    "variant_stats",
    "metric_if",
    "class_scores",
    "rps",
    "axis_scores",
    "area_ratios",
)


def sql_text(name: str) -> str:
    """The text of one of the package's SQL files (`schema.sql`, `views.sql`)."""
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def views_sql() -> str:
    """`views.sql` with the parts generated from the metric registry filled in.

    `variant_stats` sums every numeric statistic column; `metric_if` picks each task's value with its
    metric's SQL (or its materialised `group_scores` value for metrics aggregated in Python).
    """
    sums = "".join(
        f",\n    sum({column.name}) AS {column.name}" for column in stat_columns() if column.summable
    )
    cases = []
    for metric in all_metrics():
        value = metric.sql_value("s") if metric.value_sql is not None else "g.value"
        cases.append(f"\n        WHEN '{metric.name}' THEN {value}")
    return sql_text("views.sql").replace("{{stat_sums}}", sums).replace("{{metric_values}}", "".join(cases))


def open_database(path: Path | str, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Connect to a scoring database, creating or upgrading it unless `read_only`.

    The caller closes the connection. Raises ScoringError when the file is not a DuckDB database,
    cannot be opened, or was written with a different table layout.
    """
    path = Path(path)
    if read_only and not path.exists():
        raise ScoringError(f"{path}: database not found; create it with `isac score RUN_DIR --db {path}`")
    try:
        connection = duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as error:
        raise ScoringError(f"{path}: cannot open as a DuckDB database ({_first_line(error)})") from None
    try:
        if read_only:
            _check_version(connection, path)
        else:
            _install(connection, path)
    except BaseException:
        connection.close()
        raise
    return connection


def _install(connection: duckdb.DuckDBPyConnection, path: Path) -> None:
    connection.execute("BEGIN TRANSACTION")
    try:
        connection.execute(sql_text("schema.sql"))
        found = connection.execute("SELECT value FROM schema_info WHERE key = 'version'").fetchall()
        if not found:
            connection.execute("INSERT INTO schema_info VALUES ('version', ?)", [SCHEMA_VERSION])
        elif found[0][0] != SCHEMA_VERSION:
            raise ScoringError(
                f"{path}: database layout version {found[0][0]}, this isac writes version "
                f"{SCHEMA_VERSION}; score into a new --db file"
            )
        # files written before rows kept their fragment provenance (the two-way bootstrap reads it)
        connection.execute("ALTER TABLE rows ADD COLUMN IF NOT EXISTS meta JSON")
        for column in stat_columns():
            connection.execute(
                f"ALTER TABLE row_scores ADD COLUMN IF NOT EXISTS {column.name} {column.sql_type}"
            )
        connection.execute(views_sql())
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise


def _check_version(connection: duckdb.DuckDBPyConnection, path: Path) -> None:
    try:
        found = connection.execute("SELECT value FROM schema_info WHERE key = 'version'").fetchall()
    except duckdb.CatalogException:
        raise ScoringError(f"{path}: not an isac scoring database (no schema_info table)") from None
    if not found or found[0][0] != SCHEMA_VERSION:
        version = found[0][0] if found else "unknown"
        raise ScoringError(f"{path}: database layout version {version}, expected {SCHEMA_VERSION}")


def _first_line(error: BaseException) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
