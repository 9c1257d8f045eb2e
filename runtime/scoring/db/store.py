"""Write a scored run into the database: replace its rows, insert manifests, responses and scores.

Bulk data travels as dicts of NumPy columns registered with DuckDB (a zero-copy scan), not row by row:
`executemany` costs about a millisecond a row, a registered column batch a fraction of a microsecond.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

from isac.compiler.rows import canonical_json

Columns = Mapping[str, np.ndarray]

_BATCH_VIEW = "isac_insert_batch"
# Manifest fields stored in `rows`, with the types read_json should give them.
_ROW_COLUMNS: Mapping[str, str] = {
    "id": "VARCHAR",
    "dimension": "VARCHAR",
    "variation_class": "VARCHAR",
    "variant": "VARCHAR",
    "task": "VARCHAR",
    "subtasks": "VARCHAR[]",
    "dataset": "VARCHAR",
    "item_id": "VARCHAR",
    "audio": "VARCHAR",
    "instruction": "VARCHAR",
    "references": "JSON",
    "checker": "JSON",
    "meta": "JSON",
}


@dataclass(frozen=True)
class RunRecord:
    """The `runs` line of one scored run."""

    run_id: str
    model: str
    fingerprint: Mapping[str, Any]
    profile: str
    run_dir: Path
    created_at: str
    rows_total: int
    rows_scored: int
    rows_missing: int
    rows_error: int
    records_unknown: int


def text_column(values: Sequence[str | None]) -> np.ndarray:
    """A VARCHAR column (None becomes NULL)."""
    return np.array(values, dtype=object)


def delete_run(connection: duckdb.DuckDBPyConnection, run_id: str) -> list[str]:
    """Remove every trace of a run; return the model labels it was stored under (for refreshes)."""
    models = [
        m for (m,) in connection.execute("SELECT model FROM runs WHERE run_id = ?", [run_id]).fetchall()
    ]
    for table in ("row_scores", "responses", "run_rows", "runs", "provenance"):
        connection.execute(f"DELETE FROM {table} WHERE run_id = ?", [run_id])
    return models


def insert_manifest_rows(connection: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Add a manifest's rows to `rows`, skipping rows already stored (ids are content hashes)."""
    columns = "{" + ", ".join(f"'{name}': '{kind}'" for name, kind in _ROW_COLUMNS.items()) + "}"
    names = ", ".join(f'"{name}"' for name in _ROW_COLUMNS)
    connection.execute(
        f"""
        INSERT INTO rows ({names})
        SELECT {names}
        FROM read_json(?, format = 'newline_delimited', columns = {columns}) AS source
        WHERE NOT EXISTS (SELECT 1 FROM rows WHERE rows.id = source.id)
        QUALIFY row_number() OVER (PARTITION BY source.id) = 1
        """,
        [str(path)],
    )


def insert_batch(
    connection: duckdb.DuckDBPyConnection, table: str, constants: Mapping[str, Any], columns: Columns
) -> None:
    """Insert equal-length columns plus constant values into `table`, matching columns by name."""
    lengths = {len(values) for values in columns.values()}
    if len(lengths) > 1:
        raise ValueError(f"columns for {table} differ in length: {sorted(lengths)}")
    if not lengths or lengths == {0}:
        return
    constant_names = list(constants)
    selected = ", ".join([*(f"? AS {name}" for name in constant_names), "*"])
    connection.register(_BATCH_VIEW, dict(columns))
    try:
        connection.execute(
            f"INSERT INTO {table} BY NAME SELECT {selected} FROM {_BATCH_VIEW}",
            [constants[name] for name in constant_names],
        )
    finally:
        connection.unregister(_BATCH_VIEW)


def insert_run(connection: duckdb.DuckDBPyConnection, record: RunRecord) -> None:
    """Insert the `runs` line (the caller deleted any earlier one with `delete_run`)."""
    connection.execute(
        """
        INSERT INTO runs (run_id, model, fingerprint, profile, run_dir, created_at, scored_at, rows_total,
                          rows_scored, rows_missing, rows_error, records_unknown)
        VALUES (?, ?, ?, ?, ?, ?, current_timestamp, ?, ?, ?, ?, ?)
        """,
        [
            record.run_id,
            record.model,
            canonical_json(dict(record.fingerprint)),
            record.profile,
            str(record.run_dir),
            record.created_at,
            record.rows_total,
            record.rows_scored,
            record.rows_missing,
            record.rows_error,
            record.records_unknown,
        ],
    )


def overlapping_rows(connection: duckdb.DuckDBPyConnection, model: str) -> int:
    """Rows of `model` scored by more than one of its runs (they would count twice in the views)."""
    found = connection.execute(
        """
        SELECT count(*) FROM (
            SELECT s.row_id FROM row_scores AS s JOIN runs AS r ON r.run_id = s.run_id
            WHERE r.model = ? GROUP BY s.row_id, s.subtask HAVING count(DISTINCT s.run_id) > 1
        )
        """,
        [model],
    ).fetchall()
    return int(found[0][0])
