"""`isac import-isa-v1`: turn the ISA-Bench v1 paper's D/F instruction files into isac manifests."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from isac.compiler.manifests import LOCK_FILE, write_manifest_set
from isac.runtime.isa_v1.importer import (
    DEFAULT_DATASET_OF_TASK,
    DEFAULT_FOLDER_MAP,
    DEFAULT_PLACEHOLDER_PREFIX,
    ImportOptions,
    OfficialFileError,
    import_files,
)
from isac.runtime.isa_v1.vocabulary import TASK_OF_OFFICIAL

HELP = "Convert the paper's official D/F instruction files (data/{d,f}/*.json) into isac manifests."

_EPILOG = f"""\
Writes one manifest per (dimension, task), named like `isac compile` names them (d-ser.jsonl,
f-aac.jsonl, ...), plus {LOCK_FILE}. Every published instruction becomes one row; the official variation
name is kept in the row's meta (isa_v1_variation).

Audio paths: the placeholder prefix (--data-root-prefix, default {DEFAULT_PLACEHOLDER_PREFIX}) is removed,
then the first folder is renamed through the folder map so the path fits an isac data root:
{", ".join(f"{official} -> {ours}" for official, ours in DEFAULT_FOLDER_MAP.items())}
(case-insensitive; extend or override with --folder OFFICIAL=OURS). A path without the prefix is cut
before its first known folder.

Datasets named in the rows: {", ".join(f"{task} -> {name}" for task, name in DEFAULT_DATASET_OF_TASK.items())}
(override with --dataset TASK=NAME to match your spec's dataset names).
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the import options."""
    parser.epilog = _EPILOG
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument(
        "files", nargs="+", type=Path, metavar="FILE", help="official D or F instruction files"
    )
    parser.add_argument(
        "--out", required=True, type=Path, help="output directory for manifests and lock file"
    )
    parser.add_argument(
        "--data-root-prefix",
        default=DEFAULT_PLACEHOLDER_PREFIX,
        help=f"placeholder prefix of official audio paths to strip (default {DEFAULT_PLACEHOLDER_PREFIX})",
    )
    parser.add_argument(
        "--folder",
        action="append",
        default=[],
        metavar="OFFICIAL=OURS",
        help="map an official dataset folder to a data-root folder (repeatable)",
    )
    parser.add_argument(
        "--dataset",
        action="append",
        default=[],
        metavar="TASK=NAME",
        help="dataset name written in the rows of a task (repeatable)",
    )


def options_from_args(args: argparse.Namespace) -> ImportOptions:
    """Build the import options from the defaults and the command-line overrides."""
    folders = {**DEFAULT_FOLDER_MAP, **_pairs(args.folder, "--folder", "OFFICIAL=OURS")}
    datasets = {**DEFAULT_DATASET_OF_TASK, **_pairs(args.dataset, "--dataset", "TASK=NAME")}
    tasks = tuple(TASK_OF_OFFICIAL.values())
    unknown = sorted(set(datasets) - set(tasks))
    if unknown:
        raise OfficialFileError(
            f"--dataset: unknown task(s) {', '.join(unknown)}; expected one of {', '.join(tasks)}"
        )
    return ImportOptions(
        placeholder_prefix=args.data_root_prefix, folder_map=folders, dataset_of_task=datasets
    )


def run(args: argparse.Namespace) -> int:
    """Import the files and write the manifest set."""
    result = import_files(args.files, options_from_args(args))
    lock = write_manifest_set(
        args.out, result.manifests, spec_sha256=result.sources_sha256, seed=None, datasets=result.datasets
    )
    for name, entry in lock.manifests.items():
        print(f"{args.out / name}: {entry.rows} rows")
    print(f"{args.out / LOCK_FILE}: {len(lock.manifests)} manifests from {len(args.files)} file(s)")
    return 0


def _pairs(values: Sequence[str], option: str, shape: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for value in values:
        left, equals, right = value.partition("=")
        if not equals or not left.strip() or not right.strip():
            raise OfficialFileError(f"{option}: expected {shape}, got {value!r}")
        pairs[left.strip()] = right.strip()
    return pairs
