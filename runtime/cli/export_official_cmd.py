"""`isac export-official RUN --out DIR`: a run's responses as the official ISA-Bench v1 result files.

Writes DIR/d/NAME_<task>_results.json, DIR/f/NAME_<task>_results.json and DIR/n/NAME_n_results.json
(`isac.runtime.isa_v1.result_export`), which `isac score-official DIR --model-name NAME` and the paper's
own scripts read.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = (
    "write a run's responses in the official ISA-Bench v1 result layout (d/, f/, n/ result files) for "
    "`isac score-official` and the paper's scripts"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `isac export-official`."""
    parser.add_argument("run", type=Path, metavar="RUN", help="run directory written by `isac exec`")
    parser.add_argument("--out", required=True, type=Path, metavar="DIR", help="folder for d/, f/ and n/")
    parser.add_argument("--model-name", help="NAME in the result file names (default: the run folder's name)")
    parser.add_argument(
        "--manifest-dir",
        type=Path,
        action="append",
        default=[],
        metavar="DIR",
        help="where the run's manifests now live, if they moved (repeatable)",
    )
    parser.add_argument("--force", action="store_true", help="replace result files already in DIR")


def run(args: argparse.Namespace) -> int:
    """Export, then say what was written and what was left out."""
    from isac.runtime.isa_v1.result_export import export_official_results

    name = args.model_name or Path(args.run).resolve().name
    summary = export_official_results(
        args.run, args.out, name, search_dirs=args.manifest_dir, force=args.force
    )
    for path in summary.files:
        print(f"wrote {path}")
    print(
        f"{summary.rows} responses exported as model {name!r}; score them with "
        f"`isac score-official {args.out} --model-name {name} --out metrics.json`"
    )
    if summary.errors:
        print(
            f"isac: warning: {summary.errors} failed rows left out (rerun with `isac exec --retry-errors`)",
            file=sys.stderr,
        )
    if summary.not_run:
        print(f"isac: warning: {summary.not_run} rows not run yet left out", file=sys.stderr)
    for task, count in summary.other_tasks.items():
        print(
            f"isac: warning: {count} rows of task {task} left out (not in the official layout)",
            file=sys.stderr,
        )
    return 0
