"""`isac verify DIR`: check a compiled set or release against its lock file."""

from __future__ import annotations

import argparse
from pathlib import Path

from isac.compiler.manifests import verify_manifest_set

HELP = "Verify a compiled manifest directory or release: detect edited, missing or added files and rows."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """DIR."""
    parser.add_argument("directory", type=Path, metavar="DIR", help="folder holding isac.lock.json")


def run(args: argparse.Namespace) -> int:
    """Exit 0 when intact, 1 with a list of problems otherwise."""
    report = verify_manifest_set(args.directory)
    if report.ok:
        print(f"{args.directory}: OK ({report.files_checked} manifests, {report.rows_checked} rows)")
        return 0
    print(f"{args.directory}: {len(report.problems)} problem(s):")
    for line in report.lines():
        print(f"  {line}")
    return 1
