"""Build and write a training (SFT) corpus: planned examples rendered by the Builder over the training
view, each with its target response from the oracle's renderer.

An example is a manifest row (the same fields and checker as a test row) plus `target`: the ideal
response in exactly the requested format, carrying the first reference of each subtask. Layout of a
corpus directory:

    corpus.jsonl      one example per line, canonical JSON, in the plan's shuffled order
    sft.lock.json     isac version, spec hash, seed, size, mix, per-cell counts, training dataset
                      fingerprints, sha256 of corpus.jsonl and the disjointness verdict
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from isac.compiler import __version__
from isac.compiler.build import Builder
from isac.compiler.datasets.base import DatasetIndex
from isac.compiler.row_writer import canonical
from isac.compiler.rows import CheckerSpec
from isac.compiler.spec.models import Spec
from isac.compiler.training.plan import CorpusError, CorpusPlan, Mix, plan_corpus

CORPUS_FILE = "corpus.jsonl"
SFT_LOCK = "sft.lock.json"


@lru_cache(maxsize=4096)
def _checker_spec(canonical_checker: str) -> CheckerSpec:
    return CheckerSpec.model_validate_json(canonical_checker)


def target_for(example: Mapping[str, Any]) -> str:
    """The ideal response of a row (manifest-row dict): the oracle's renderer on its first references."""
    from isac.runtime.adapters.oracle import ideal_response  # the one renderer of ideal answers

    checker = _checker_spec(canonical(example["checker"]))
    return ideal_response(checker, example["references"], example["subtasks"])


@dataclass(frozen=True)
class CorpusBuild:
    """A planned corpus over a built training view, ready to stream its examples."""

    builder: Builder
    plan: CorpusPlan
    seed: int

    def examples(self) -> Iterator[dict[str, Any]]:
        """Examples in corpus order: manifest-row fields plus `target`."""
        spec = self.builder.spec
        d_variants = {variant.variant: variant for variant in spec.d_variants}
        f_variants = {variant.variant: variant for variant in spec.f_variants}
        n_formats = {fmt.variant: fmt for fmt in spec.n.formats} if spec.n is not None else {}
        for cell_index, item_index, repetition in self.plan.examples:
            cell = self.plan.cells[cell_index]
            item = self.plan.items[cell_index][item_index]
            salt = f"sft:{self.seed}:{repetition}"
            if cell.dimension == "D":
                row = self.builder.d_row(spec.tasks[cell.tasks[0]], item, d_variants[cell.variant], salt)
            elif cell.dimension == "F":
                row = self.builder.f_row(spec.tasks[cell.tasks[0]], item, f_variants[cell.variant], salt)
            else:
                row = self.builder.n_row(item, cell.tasks, n_formats[cell.variant], salt)
            example = json.loads(row.line)
            try:
                example["target"] = target_for(example)
            except ValueError as error:
                raise CorpusError(f"example {cell.key} item {item.item_id}: {error}") from None
            yield example


def plan_build(
    training_spec: Spec, indexes: Mapping[str, DatasetIndex], size: int, mix: Mix, seed: int
) -> CorpusBuild:
    """Plan a corpus of `size` examples over the training view `training_spec` and its indexes."""
    builder = Builder(training_spec, indexes)
    return CorpusBuild(builder, plan_corpus(builder, size, mix, seed), seed)


def write_corpus(
    build: CorpusBuild,
    out: Path,
    *,
    spec_sha256: str,
    mix: Mix,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Write corpus.jsonl and sft.lock.json under `out` (created); return the lock as written.

    The corpus is written to a temporary name and renamed, so a crash never leaves a half corpus
    under the real name.
    """
    out.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    partial = out / (CORPUS_FILE + ".partial")
    rows = 0
    with partial.open("w", encoding="utf-8", newline="\n") as handle:
        for example in build.examples():
            line = canonical(example) + "\n"
            handle.write(line)
            digest.update(line.encode("utf-8"))
            rows += 1
            if progress is not None:
                progress(1)
    partial.replace(out / CORPUS_FILE)
    lock = {
        "isac_version": __version__,
        "spec_sha256": spec_sha256,
        "seed": build.seed,
        "size": rows,
        "mix": mix.describe(),
        "cells": build.plan.counts(),
        "datasets": {
            name: {"adapter": index.adapter, "fingerprint": index.fingerprint, "items": len(index.items)}
            for name, index in sorted(build.builder.indexes.items())
        },
        "corpus": {"file": CORPUS_FILE, "rows": rows, "sha256": digest.hexdigest()},
    }
    write_lock(out, lock)
    return lock


def write_lock(out: Path, lock: Mapping[str, Any]) -> None:
    """Write sft.lock.json (sorted keys, indented)."""
    (out / SFT_LOCK).write_text(
        json.dumps(lock, indent=2, sort_keys=True, ensure_ascii=False) + "\n", "utf-8"
    )


def read_corpus(directory: Path) -> Iterator[dict[str, Any]]:
    """The examples of a corpus directory; CorpusError names the file and line of a bad row."""
    path = directory / CORPUS_FILE
    if not path.is_file():
        raise CorpusError(f"{path}: not found (expected a corpus written by `isac sft`)")
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            try:
                example = json.loads(line)
            except json.JSONDecodeError as error:
                raise CorpusError(f"{path}:{number}: not JSON ({error})") from None
            for key in ("id", "instruction", "audio", "target", "checker", "subtasks"):
                if key not in example:
                    raise CorpusError(f"{path}:{number}: missing key {key!r}")
            yield example
