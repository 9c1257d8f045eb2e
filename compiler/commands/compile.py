"""`isac compile SPEC_DIR --data-root DIR --out DIR`: build the frozen, hashed manifests."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from pathlib import Path

from tqdm import tqdm

from isac.compiler import data_roots
from isac.compiler.build import Builder
from isac.compiler.datasets import load_dataset
from isac.compiler.datasets.base import DatasetIndex
from isac.compiler.datasets.labels import conform_labels
from isac.compiler.manifests import DatasetFingerprint, Lock, write_manifest_set
from isac.compiler.spec import Spec, load_spec
from isac.compiler.task_table import compiled_axes, compiled_tasks

HELP = "Compile a spec and local datasets into JSONL manifests plus an isac.lock.json."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """SPEC_DIR, --data-root, --out and the audio-check switches."""
    parser.add_argument("spec_dir", type=Path, metavar="SPEC_DIR", help="the spec directory, e.g. spec/")
    parser.add_argument(
        "--data-root",
        type=Path,
        help="folder holding the datasets (default: $ISAC_DATA_ROOT, else the bundled mini corpus data/mini)",
    )
    parser.add_argument("--out", type=Path, required=True, help="output folder for the manifests")
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace an --out directory that holds a different compiled set (it is replaced whole)",
    )
    audio = parser.add_mutually_exclusive_group()
    audio.add_argument(
        "--skip-missing-audio", action="store_true", help="drop items whose audio file is absent"
    )
    audio.add_argument(
        "--no-audio-check", action="store_true", help="do not look for audio files (index-only compile)"
    )


def resolve_data_root(given: Path | None, spec_dir: Path | None = None) -> Path:
    """--data-root, else $ISAC_DATA_ROOT, else the bundled mini corpus (said on stderr).

    `spec_dir` is accepted for callers of the older signature; the bundled corpus is found through
    `isac.compiler.resources`, in a checkout and in an installed wheel alike.
    """
    resolved = data_roots.resolve_data_root(given, bundled_default=True)
    assert resolved is not None  # bundled_default either finds one or raises
    if resolved.source not in ("--data-root", f"${data_roots.ENV_VAR}"):
        print(
            f"using {resolved.source} (a smoke-test corpus, not the benchmark): {resolved.path}",
            file=sys.stderr,
        )
    return resolved.path


def load_indexes(
    spec: Spec, data_root: Path, *, check_audio: bool, skip_missing_audio: bool
) -> dict[str, DatasetIndex]:
    """Index every dataset the spec's tasks and N dimension use (each once)."""
    used = {task.dataset for task in spec.tasks.values()}
    if spec.n is not None:
        used.add(spec.n.dataset)
    labels = {task_name: task.labels for task_name, task in spec.tasks.items()}
    indexes = {}
    for name in sorted(used):
        dataset = spec.datasets[name]
        index = load_dataset(
            dataset.adapter,
            data_root,
            dataset.options,
            name=name,
            check_audio=check_audio,
            skip_missing_audio=skip_missing_audio,
        )
        indexes[name] = conform_labels(index, labels)
    return indexes


def compile_to(
    spec: Spec,
    indexes: Mapping[str, DatasetIndex],
    out: Path,
    *,
    progress: bool = False,
    force: bool = False,
    data_root: Path | None = None,
) -> Lock:
    """Build every manifest of `spec` from `indexes` and write the set to `out` (all or nothing).

    An `out` holding a different compiled set is replaced only with `force`. `data_root`, the folder the
    indexes were read from, is recorded in the lock (not in any manifest).
    """
    builder = Builder(spec, indexes)
    bar = tqdm(total=builder.item_count(), unit="item", disable=not progress, file=sys.stderr, leave=False)
    with bar:
        manifests = builder.manifests(progress=bar.update)
        return write_manifest_set(
            out,
            manifests,
            spec_sha256=spec.sha256,
            seed=spec.seed,
            datasets={
                name: DatasetFingerprint(
                    adapter=index.adapter, fingerprint=index.fingerprint, items=len(index.items)
                )
                for name, index in indexes.items()
            },
            tasks=compiled_tasks(spec),
            axes=compiled_axes(spec),
            force=force,
            data_root=data_roots.record_data_root(data_root, out) if data_root is not None else None,
        )


def run(args: argparse.Namespace) -> int:
    """Compile and print a table of rows per manifest."""
    spec = load_spec(args.spec_dir)
    data_root = resolve_data_root(args.data_root, args.spec_dir)
    indexes = load_indexes(
        spec,
        data_root,
        check_audio=not args.no_audio_check,
        skip_missing_audio=args.skip_missing_audio,
    )
    for name, index in indexes.items():
        if index.missing_audio:
            shown = ", ".join(index.missing_audio[:5])
            print(
                f"warning: {name}: skipped {len(index.missing_audio)} items without audio (e.g. {shown})",
                file=sys.stderr,
            )
    lock = compile_to(
        spec, indexes, args.out, progress=sys.stderr.isatty(), force=args.force, data_root=data_root
    )
    width = max(len(name) for name in lock.manifests)
    print(f"{'manifest':<{width}}  {'rows':>8}")
    for name, entry in lock.manifests.items():
        print(f"{name:<{width}}  {entry.rows:>8}")
    total = sum(entry.rows for entry in lock.manifests.values())
    print(f"{'total':<{width}}  {total:>8}")
    print(f"wrote {len(lock.manifests)} manifests and isac.lock.json to {args.out}")
    return 0
