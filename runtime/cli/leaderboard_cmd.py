"""`isac leaderboard`: IFR and RPS area ratios of the published models and any added ones.

RPS is relative to the best value of every pooled model: all published keys (including the two
unreported `-modified` re-scorings) and every added model, exactly as the official `calc_area` does.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from isac.compiler.errors import ScoringError

HELP = "rank models by IFR and RPS radar-area ratio (the published ISA-Bench v1 leaderboard + yours)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `isac leaderboard`."""
    parser.add_argument("--published", action="store_true", help="include the published ISA-Bench v1 models")
    parser.add_argument(
        "--add", action="append", default=[], type=Path, metavar="FILE", help="merged metrics JSON to add"
    )
    parser.add_argument("--db", type=Path, metavar="DUCKDB_FILE", help="add every model of an isac database")
    parser.add_argument("--json", action="store_true", help='print {"ifr_area": {...}, "rps_area": {...}}')


def _db_models(db_path: Path) -> dict[str, Any]:
    """Every model of an isac DuckDB file in the merged format (needs isac's scoring database)."""
    try:
        from isac.runtime.isa_v1.export import export_official_metrics
        from isac.runtime.scoring.db.schema import open_database
    except ImportError as error:
        raise ScoringError(f"--db needs isac's scoring database module, missing here ({error})") from None
    if not db_path.is_file():
        raise ScoringError(f"{db_path}: database file not found")
    connection = open_database(db_path, read_only=True)
    try:
        names = [
            name for (name,) in connection.execute("SELECT DISTINCT model FROM runs ORDER BY 1").fetchall()
        ]
    finally:
        connection.close()
    merged: dict[str, Any] = {}
    for name in names:
        merged.update(export_official_metrics(db_path, name))
    return merged


def _print_table(rows: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="ISA-Bench v1 radar-area ratios (%)")
    table.add_column("model")
    table.add_column("IFR area", justify="right")
    table.add_column("RPS area", justify="right")
    for row in sorted(rows, key=lambda row: -row.ifr_area):
        table.add_row(row.model, f"{row.ifr_area:.1f}", f"{row.rps_area:.1f}")
    Console().print(table)


def run(args: argparse.Namespace) -> int:
    """Build the pool, score the printed models, print a table or JSON."""
    from isac.runtime.isa_v1.leaderboard import build_leaderboard
    from isac.runtime.isa_v1.merged import load_merged, models_from_json

    added = [load_merged(path) for path in args.add]
    if args.db is not None:
        added.append(models_from_json(_db_models(args.db), str(args.db)))
    board = build_leaderboard(args.published, added)
    if args.json:
        print(json.dumps(board.as_json(), ensure_ascii=False))
    else:
        _print_table(board.rows)
    return 0
