"""`isac query FILE "SQL"`: run SQL against a scoring database and print the result."""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from collections.abc import Sequence
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
from rich.console import Console
from rich.table import Table

from isac.compiler.errors import ScoringError
from isac.runtime.scoring.db.schema import open_database

HELP = (
    "run SQL on a scoring database (tables: runs, rows, responses, row_scores, provenance; views: ifr, "
    "metric_if, ...; after `isac bootstrap`: metric_if_ci, class_scores_ci, axis_scores_ci, area_ratios_ci)"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of `isac query`."""
    parser.add_argument("db", type=Path, metavar="FILE", help="DuckDB file written by `isac score`")
    parser.add_argument("sql", metavar="SQL", help='e.g. "SELECT * FROM area_ratios ORDER BY rps_area DESC"')
    parser.add_argument("--format", choices=("table", "csv", "json"), default="table", help="output format")
    parser.add_argument("--digits", type=int, default=2, help="decimals shown for floats in table output")


def run(args: argparse.Namespace) -> int:
    """Execute the query read-only and print its rows."""
    columns, rows = run_query(args.db, args.sql)
    if args.format == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([[_plain(value) for value in row] for row in rows])
    elif args.format == "json":
        records = [dict(zip(columns, (_plain(value) for value in row), strict=True)) for row in rows]
        print(json.dumps(records, ensure_ascii=False, indent=2))
    else:
        _print_table(_table(columns, rows, args.digits))
    return 0


def _print_table(table: Table) -> None:
    """Print a table: fitted to a terminal, at its natural width when piped or redirected.

    Rich assumes 80 columns when stdout is not a terminal, which would fold every wide result into
    unreadable multi-line cells in a file or a pipe; there the table gets the width it needs instead.
    """
    console = Console()
    if not console.is_terminal:
        natural = Console(width=1_000_000).measure(table).maximum
        console = Console(width=max(natural, 20))
    console.print(table)


def run_query(db: Path, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Column names and rows of `sql` on the database, opened read-only.

    A DuckDB error (syntax, unknown table, ...) becomes a ScoringError with DuckDB's message.
    """
    connection = open_database(db, read_only=True)
    try:
        try:
            result = connection.execute(sql)
            if result.description is None:
                return [], []
            columns = [column[0] for column in result.description]
            return columns, result.fetchall()
        except duckdb.Error as error:
            message = " ".join(str(error).split())
            if "_ci" in sql and "does not exist" in message:
                message += f"; the *_ci tables are written by `isac bootstrap {db}`"
            raise ScoringError(f"query failed: {message}") from None
    finally:
        connection.close()


def _plain(value: Any) -> Any:
    """A JSON/CSV-friendly version of a DuckDB value."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    return value


def _cell(value: Any, digits: int) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, float | Decimal):
        return f"{float(value):.{digits}f}"
    return str(value)


def _table(columns: Sequence[str], rows: Sequence[tuple[Any, ...]], digits: int) -> Table:
    table = Table(show_lines=False)
    for name in columns:
        table.add_column(name, overflow="fold")
    for row in rows:
        table.add_row(*(_cell(value, digits) for value in row))
    table.caption = f"{len(rows)} row{'s' if len(rows) != 1 else ''}"
    return table
