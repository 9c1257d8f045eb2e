"""`isac schema --out DIR`: write the spec's JSON Schema files, generated from the spec models."""

from __future__ import annotations

import argparse
from pathlib import Path

from isac.compiler.spec.schema_files import stale_schemas, write_schemas

HELP = (
    "Write the JSON Schemas of the spec files (benchmark, task, d, f, n .schema.json), generated from "
    "the models in isac.compiler.spec.models; run `isac schema --out spec/schema` after changing them."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """--out DIR, --check."""
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder for the schema files")
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 when DIR's schema files differ from the generated ones",
    )


def run(args: argparse.Namespace) -> int:
    """Write (or with --check, compare) every schema file; print what was done."""
    if args.check:
        stale = stale_schemas(args.out)
        if stale:
            print(f"{args.out}: out of date: {', '.join(stale)}; run `isac schema --out {args.out}`")
            return 1
        print(f"{args.out}: schema files are up to date")
        return 0
    for path in write_schemas(args.out):
        print(f"wrote {path}")
    return 0
