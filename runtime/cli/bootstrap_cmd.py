"""`isac bootstrap DB`: 95 % bootstrap confidence intervals for every view, written as `*_ci` tables.

Afterwards `isac query DB "SELECT * FROM class_scores_ci"` (also metric_if_ci, axis_scores_ci,
area_ratios_ci; bootstrap_info says how they were computed), and the report and leaderboard show them.
"""

from __future__ import annotations

import argparse
from pathlib import Path

HELP = "bootstrap confidence intervals (items, or items x fragments) into *_ci tables"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `isac bootstrap`."""
    parser.add_argument("db", type=Path, metavar="FILE", help="DuckDB file written by `isac score`")
    parser.add_argument("--resamples", type=int, default=1000, help="bootstrap resamples (default 1000)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (same seed, same intervals)")
    parser.add_argument("--confidence", type=float, default=0.95, help="interval coverage (default 0.95)")
    parser.add_argument(
        "--two-way",
        action="store_true",
        help="also resample the instruction fragments (generalise over rewrites, not only audio items)",
    )


def run(args: argparse.Namespace) -> int:
    """Compute the replicates, write the tables, print the area ratios with their intervals."""
    from rich.console import Console
    from rich.table import Table

    from isac.compiler.errors import ScoringError
    from isac.runtime.scoring.bootstrap import BootstrapOptions, compute_replicates, write_ci_tables
    from isac.runtime.scoring.db.schema import open_database

    if not args.db.is_file():
        raise ScoringError(
            f"{args.db}: database not found; create it with `isac score RUN_DIR --db {args.db}`"
        )
    options = BootstrapOptions(
        resamples=args.resamples, seed=args.seed, confidence=args.confidence, two_way=args.two_way
    )
    connection = open_database(args.db)
    try:
        connection.execute("SET enable_progress_bar = false")
        replicates = compute_replicates(connection, options)
        write_ci_tables(connection, replicates)
        rows = connection.execute(
            "SELECT model, ifr_area, ifr_area_lo, ifr_area_hi, rps_area, rps_area_lo, rps_area_hi "
            "FROM area_ratios_ci ORDER BY ifr_area DESC"
        ).fetchall()
    finally:
        connection.close()
    level = round(100 * options.confidence)
    method = "items x fragments" if options.two_way else "items"
    table = Table(title=f"radar-area ratios with {level} % CIs ({options.resamples} resamples of {method})")
    for name in ("model", "IFR area", f"IFR {level} % CI", "RPS area", f"RPS {level} % CI"):
        table.add_column(name, justify="left" if name == "model" else "right")
    for model, ifr, ifr_lo, ifr_hi, rps, rps_lo, rps_hi in rows:
        table.add_row(
            model,
            f"{ifr:.1f}",
            f"[{ifr_lo:.1f}, {ifr_hi:.1f}]",
            f"{rps:.1f}",
            f"[{rps_lo:.1f}, {rps_hi:.1f}]",
        )
    console = Console()
    console.print(table)
    if replicates.fixed_metrics:
        console.print(
            f"note: {', '.join(replicates.fixed_metrics)} use a metric aggregated in Python (METEOR); "
            "its value is held at the point estimate in every resample (no value CI; RPS/area CIs narrower)"
        )
    console.print(
        f"wrote metric_if_ci, class_scores_ci, axis_scores_ci, area_ratios_ci in {replicates.seconds:.1f} s"
    )
    return 0
