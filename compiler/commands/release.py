"""`isac release VERSION --from DIR`: freeze a compiled set as an immutable release."""

from __future__ import annotations

import argparse
from pathlib import Path

from isac.compiler.release import format_diff, make_release

HELP = "Freeze a compiled manifest set under artifacts/releases/VERSION and show what changed."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """VERSION, --from and --artifacts."""
    parser.add_argument("version", metavar="VERSION", help="release name, e.g. 1.0")
    parser.add_argument("--from", dest="source", type=Path, required=True, help="compiled manifest folder")
    parser.add_argument(
        "--artifacts", type=Path, default=Path("artifacts"), help="artifacts folder (default: artifacts/)"
    )


def run(args: argparse.Namespace) -> int:
    """Release, then print where it went (and where `artifacts/` was created) and the diff."""
    artifacts: Path = args.artifacts
    created = not artifacts.exists()
    result = make_release(args.version, args.source, artifacts)
    if created:  # a relative default lands in the current directory: say where, once
        print(f"created the artifacts folder {artifacts.resolve()}")
    print(f"released {args.version}: {result.rows} rows in {result.path}")
    for line in format_diff(result.diff):
        print(line)
    return 0
