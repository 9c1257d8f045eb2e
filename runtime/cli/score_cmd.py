"""`isac score RUN_DIR... --db FILE`: check, measure and store runs in a DuckDB database."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from isac.runtime.scoring.pipeline import ScoreReport, score_runs
from isac.runtime.scoring.profiles import PROFILES

HELP = "score run directories into a DuckDB database (compliance, metrics, views)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of `isac score`."""
    parser.add_argument(
        "run_dirs", nargs="+", type=Path, metavar="RUN_DIR", help="run directories of `isac exec`"
    )
    parser.add_argument(
        "--db", required=True, type=Path, metavar="FILE", help="DuckDB file (created if missing)"
    )
    parser.add_argument(
        "--profile",
        default="default",
        choices=sorted(PROFILES),
        help="rules that decide compliance: default (isac checkers) or isa-v1 (official scorer's rules)",
    )
    parser.add_argument(
        "--name", default=None, help="model label for the views (one RUN_DIR only; default: the model string)"
    )
    parser.add_argument(
        "--manifest-dir",
        dest="search_dirs",
        action="append",
        type=Path,
        default=[],
        metavar="DIR",
        help="where to look for manifests that moved since the run (repeatable; matched by name and sha256)",
    )
    parser.add_argument(
        "--no-meteor", action="store_true", help="leave AAC METEOR empty instead of running the Java jar"
    )


def run(args: argparse.Namespace) -> int:
    """Score every run and print one summary line per run."""
    created = not Path(args.db).exists()
    try:
        reports = score_runs(
            args.db,
            args.run_dirs,
            profile=args.profile,
            name=args.name,
            search_dirs=args.search_dirs,
            meteor=not args.no_meteor,
        )
    except BaseException:
        # a database this command created and could not fill is removed, not left behind empty;
        # an existing one keeps what it held (each run is scored in its own transaction)
        if created:
            for path in (Path(args.db), Path(str(args.db) + ".wal")):
                path.unlink(missing_ok=True)
        raise
    console = Console()
    console.print(_summary(reports))
    for report in reports:
        notes = list(report.warnings)
        if report.rows_missing:
            notes.insert(
                0,
                f"{report.run_dir}: {report.rows_missing} of {report.rows_total} rows have no result and "
                "were not scored (run `isac exec` again to finish the run)",
            )
        if report.records_unknown:
            notes.append(
                f"{report.run_dir}: {report.records_unknown} result records name a row, manifest or model "
                "this run does not list; ignored"
            )
        for note in notes:
            console.print(f"[yellow]{escape(note)}[/yellow]", soft_wrap=True)
    hint = f'database: {args.db}  (try: isac query {args.db} "SELECT * FROM area_ratios")'
    console.print(hint, soft_wrap=True, markup=False)
    return 0


def _summary(reports: list[ScoreReport]) -> Table:
    table = Table(title="scored runs")
    for column in ("run", "model", "profile", "rows", "scored", "missing", "errors"):
        table.add_column(
            column, justify="right" if column in ("rows", "scored", "missing", "errors") else "left"
        )
    for report in reports:
        table.add_row(
            report.run_id,
            report.model,
            report.profile,
            str(report.rows_total),
            str(report.rows_scored),
            str(report.rows_missing),
            str(report.rows_error),
        )
    return table
