"""`isac score-official DIR --model-name NAME --out FILE`: the official scorer, reproduced.

Reads result files in the official release layout (DIR/d/NAME_<task>_results.json,
DIR/f/NAME_<task>_results.json, DIR/n/NAME_n_results.json), applies the isa-v1 rules with every
official quirk and writes NAME's metrics in the official merged `collect_all_metrics` format.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from isac.compiler.errors import ScoringError

HELP = "score official-format result files with the exact ISA-Bench v1 rules (merged metrics JSON)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `isac score-official`."""
    parser.add_argument(
        "directory", type=Path, metavar="DIR", help="folder holding d/, f/ and n/ result files"
    )
    parser.add_argument(
        "--model-name", required=True, help="NAME in the result file names and the output key"
    )
    parser.add_argument(
        "--out", required=True, type=Path, metavar="FILE", help="merged metrics JSON to write"
    )
    parser.add_argument(
        "--no-meteor", action="store_true", help='skip METEOR 1.5 (Java); AAC METEOR is written "N/A"'
    )


def run(args: argparse.Namespace) -> int:
    """Score every result file found, warn about missing ones, write the merged file."""
    from isac.runtime.isa_v1.collect import score_result_dir
    from isac.runtime.isa_v1.merged import write_merged
    from isac.runtime.isa_v1.metrics import meteor_available

    directory: Path = args.directory
    if not directory.is_dir():
        raise ScoringError(f"{directory}: not a directory (expected d/, f/ and n/ result folders)")
    collected = score_result_dir(directory, args.model_name, meteor=not args.no_meteor)
    for path in collected.missing:
        print(f"isac: warning: result file not found, skipped: {path}", file=sys.stderr)
    model = collected.model
    if not (model.d or model.f or model.n):
        raise ScoringError(f"{directory}: no result files for model {args.model_name!r}")
    has_aac = "aac" in model.d or "aac" in model.f
    if has_aac and not args.no_meteor and not meteor_available():
        print(
            'isac: warning: METEOR 1.5 needs Java and the pycocoevalcap jars; AAC METEOR written as "N/A"',
            file=sys.stderr,
        )
    write_merged({model.name: model}, args.out)
    print(f"wrote {args.out}")
    return 0
