"""`isac leaderboard`: IFR and RPS area ratios of the published models and any added ones.

One RPS definition per source, always printed: published models keep their published values; a
database's models use the views' definition (the same numbers as `isac query` and `isac report`),
relative to the database's models; `--profile isa-v1` scores them with the official formula instead;
`--joint-pool` recomputes every RPS (published ones included) with the official formula over one pool,
as the official `calc_area` does. Models scored on less than the paper's full data are flagged.
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
    parser.add_argument(
        "--profile",
        choices=("default", "isa-v1"),
        default="default",
        help="RPS of database models: the views' definition (default) or the official isa-v1 formula",
    )
    parser.add_argument(
        "--joint-pool",
        action="store_true",
        help="recompute every RPS (published ones too) over one pool of all models, isa-v1 formula",
    )
    parser.add_argument("--json", action="store_true", help="print areas, rows, pools and provenance as JSON")


def _db_models(db_path: Path) -> Any:
    """The database's models: merged format, view areas, CIs and provenance (needs isac's scoring db)."""
    try:
        from isac.runtime.isa_v1.export import export_official_metrics
        from isac.runtime.isa_v1.leaderboard import DatabaseModels
        from isac.runtime.scoring.db.schema import open_database
        from isac.runtime.scoring.provenance import comparable_models, load_provenance
    except ImportError as error:
        raise ScoringError(f"--db needs isac's scoring database module, missing here ({error})") from None
    if not db_path.is_file():
        raise ScoringError(f"{db_path}: database file not found")
    connection = open_database(db_path, read_only=True)
    try:
        names = [
            name for (name,) in connection.execute("SELECT DISTINCT model FROM runs ORDER BY 1").fetchall()
        ]
        areas = {
            m: (float(i), float(r))
            for m, i, r in connection.execute("SELECT model, ifr_area, rps_area FROM area_ratios").fetchall()
        }
        cis = _area_cis(connection)
        provenance = load_provenance(connection)
    finally:
        connection.close()
    merged: dict[str, Any] = {}
    for name in names:
        merged.update(export_official_metrics(db_path, name))
    from isac.runtime.isa_v1.merged import models_from_json

    return DatabaseModels(
        merged=models_from_json(merged, str(db_path)),
        areas=areas,
        cis=cis,
        comparable=comparable_models(provenance),
        provenance=provenance,
    )


def _area_cis(connection: Any) -> dict[str, tuple[tuple[float, float], tuple[float, float]]]:
    import duckdb

    try:
        rows = connection.execute(
            "SELECT model, ifr_area_lo, ifr_area_hi, rps_area_lo, rps_area_hi FROM area_ratios_ci"
        ).fetchall()
    except duckdb.CatalogException:  # `isac bootstrap` has not run on this database
        return {}
    return {m: ((a, b), (c, d)) for m, a, b, c, d in rows}


def _print_table(board: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(title="ISA-Bench v1 radar-area ratios (%)")
    for name in ("model", "IFR area", "RPS area", "source", "RPS pool"):
        table.add_column(name, justify="right" if "area" in name else "left")
    pools: dict[tuple[str, ...], str] = {}
    for row in sorted(board.rows, key=lambda row: -row.ifr_area):
        label = pools.setdefault(row.pool, f"P{len(pools) + 1}")
        flag = " *" if row.comparable_with_paper is False else ""
        ifr = f"{row.ifr_area:.1f}" + (f" [{row.ifr_ci[0]:.1f}, {row.ifr_ci[1]:.1f}]" if row.ifr_ci else "")
        rps = f"{row.rps_area:.1f}" + (f" [{row.rps_ci[0]:.1f}, {row.rps_ci[1]:.1f}]" if row.rps_ci else "")
        table.add_row(row.model + flag, ifr, rps, row.source, label)
    console.print(table)
    formulas = {}
    for row in board.rows:
        formulas.setdefault(pools[row.pool], row.formula)
    from isac.runtime.isa_v1.merged import load_published

    published = set(load_published())
    for pool, label in pools.items():
        others = [name for name in pool if name not in published]
        if published <= set(pool):
            members = "the published ISA-Bench v1 pool" + (f" + {', '.join(others)}" if others else "")
        else:
            members = ", ".join(pool)
        console.print(f"{label}: RPS relative to the best of {members}; {formulas[label]}")
    flagged = [row.model for row in board.rows if row.comparable_with_paper is False]
    if flagged:
        console.print(
            f"* not comparable with the published leaderboard (data set is not the paper's full scale): "
            f"{', '.join(flagged)}"
        )


def run(args: argparse.Namespace) -> int:
    """Build the board (see the module docstring), print a table or JSON."""
    from isac.runtime.isa_v1.leaderboard import compose_board
    from isac.runtime.isa_v1.merged import load_merged

    added = [load_merged(path) for path in args.add]
    database = _db_models(args.db) if args.db is not None else None
    board = compose_board(args.published, added, database, joint_pool=args.joint_pool, profile=args.profile)
    if args.json:
        print(json.dumps(board.as_json(), ensure_ascii=False, default=str))
    else:
        _print_table(board)
    return 0
