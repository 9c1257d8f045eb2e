"""`isac report DB --out DIR`: markdown and HTML report with radar charts from a scoring database."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console

from isac.runtime.reporting.report import ReportFiles, write_report
from isac.runtime.reporting.terminal import rich_table

HELP = "Write report.md, a self-contained report.html and radar/area charts from a scored DuckDB file."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """DB, --out and how much detail to include."""
    parser.add_argument("db", type=Path, metavar="DB", help="scoring database written by `isac score`")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="report folder (created)")
    parser.add_argument(
        "--examples", type=int, default=3, metavar="N", help="non-compliant responses shown per variant (3)"
    )
    parser.add_argument(
        "--worst", type=int, default=5, metavar="N", help="lowest-IFR variants listed per model (5)"
    )


def print_summary(files: ReportFiles, console: Console | None = None) -> None:
    """Print the headline table and where the report is."""
    console = console or Console()
    console.print(rich_table(files.document.headline))
    console.print(
        f"report: {files.html}  (markdown: {files.markdown})", markup=False, highlight=False, soft_wrap=True
    )


def run(args: argparse.Namespace) -> int:
    """Write the report and print its headline."""
    files = write_report(args.db, args.out, examples=args.examples, worst=args.worst)
    print_summary(files)
    return 0
