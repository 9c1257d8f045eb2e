"""`isac sft SPEC_DIR --out DIR`: compile a seeded, contamination-checked training (SFT) corpus.

The corpus uses only the spec's training pools and training splits (`isac.compiler.training.view`),
targets come from the oracle's renderer, and the result is checked against the test set compiled from
the same spec (or against `--test DIR`); a contaminated corpus is kept for inspection but the command
exits 1 and the lock records the verdict.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from isac.compiler.build import Builder
from isac.compiler.commands.compile import load_indexes, resolve_data_root
from isac.compiler.spec import load_spec
from isac.compiler.training.corpus import SFT_LOCK, plan_build, read_corpus, write_corpus, write_lock
from isac.compiler.training.disjoint import check_disjoint, manifest_rows
from isac.compiler.training.export import EXPORTERS, export
from isac.compiler.training.plan import Mix
from isac.compiler.training.view import training_view

HELP = (
    "Compile a training (SFT) corpus from the spec's training pools and splits, checked against the test set."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """SPEC_DIR, --data-root, --out, --size, --mix, --classes, --tasks, --seed, --test, --export."""
    parser.add_argument("spec_dir", type=Path, metavar="SPEC_DIR")
    parser.add_argument("--data-root", type=Path, help="datasets folder (default: as for isac compile)")
    parser.add_argument("--out", type=Path, required=True, help="corpus folder (corpus.jsonl, sft.lock.json)")
    parser.add_argument("--size", type=int, default=1000, help="number of examples (default 1000)")
    parser.add_argument("--mix", help="dimension weights, e.g. D=1,F=2,N=1 (default: D, F, N equally)")
    parser.add_argument("--classes", help="only these variation classes, e.g. F1,F3")
    parser.add_argument("--tasks", help="only these tasks, e.g. ASR,SER (N cells need all their subtasks)")
    parser.add_argument("--seed", type=int, help="corpus seed (default: the spec's seed)")
    parser.add_argument(
        "--test", type=Path, help="check against this compiled test set instead of compiling one"
    )
    parser.add_argument(
        "--export", default="", help=f"comma-separated export formats: {', '.join(EXPORTERS)} (default none)"
    )


def run(args: argparse.Namespace) -> int:
    """Build, write, check and export; exit 1 when the corpus overlaps the test set."""
    spec = load_spec(args.spec_dir)
    data_root = resolve_data_root(args.data_root, args.spec_dir)
    view = training_view(spec)
    indexes = load_indexes(view, data_root, check_audio=True, skip_missing_audio=False)
    mix = Mix.parse(args.mix, args.classes, args.tasks)
    seed = spec.seed if args.seed is None else args.seed
    build = plan_build(view, indexes, args.size, mix, seed)
    lock = write_corpus(build, args.out, spec_sha256=spec.sha256, mix=mix)
    if args.test is not None:
        test = manifest_rows(args.test)
        against = str(args.test)
    else:
        test_indexes = load_indexes(spec, data_root, check_audio=True, skip_missing_audio=False)
        manifests = Builder(spec, test_indexes).manifests()
        test = (json.loads(row.line) for rows in manifests.values() for row in rows)
        against = f"the test set compiled from {args.spec_dir}"
    report = check_disjoint(read_corpus(args.out), test, data_root)
    lock["disjoint"] = {"against": against, **report.summary()}
    write_lock(args.out, lock)
    print(f"wrote {lock['size']} examples to {args.out} ({len(lock['cells'])} cells, seed {seed})")
    for line in report.lines():
        print(line)
    names = [name.strip() for name in args.export.split(",") if name.strip()]
    if names:
        for name, path in export(names, args.out, data_root).items():
            print(f"exported {name}: {path}")
    if not report.ok:
        print(f"{args.out}/{SFT_LOCK}: disjoint.ok is false; do not train on this corpus", file=sys.stderr)
        return 1
    return 0
