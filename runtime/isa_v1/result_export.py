"""Write an isac run's responses as the official ISA-Bench v1 result files.

The inverse of `replay_files` (which reads the paper's result files as a `replay:` model): every answered
row of the run goes into the item of its (dataset, item_id) in the file of its dimension and task, in
the official layout that `isac score-official` (`collect.result_path`) and the paper's own scripts read:

* `OUT/d/NAME_<task>_results.json`, `OUT/f/NAME_<task>_results.json` (task: asr, s2tt, ser, gr, aac): a
  JSON list of items `{path, text, task, base, variation_responses}`. D responses sit under the official
  variation names, the case and robustness pairs nested (`{"case": {"upper_case": ..., "lower_case":
  ...}}`), the semantic and punctuation variations as lists; F `constrain`/`upper_case`/`lower_case` are
  strings and `prefix`/`suffix`/`wrap`/`json` lists of `{prefix|suffix|lrt|key: PARAM, response}`.
* `OUT/n/NAME_n_results.json`: `{"annotation": [items]}`, each item with its references (`text`,
  `emotion`, `gender`) and its composite records under `instructions.variations.single-stage`, one block
  of records per subtask count, `{task: "ASR|SER", separator|key: PARAM, response}`.

`text` holds the row's references as the official files do: the transcript, the label, or several
references joined with "|" (S2TT, AAC). Rows that failed (an error record) and rows never run are left
out and counted; rows of tasks the official layout does not know (a custom task) likewise.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from isac.compiler.errors import ScoringError
from isac.compiler.manifests import read_manifest
from isac.compiler.rows import ManifestRow
from isac.runtime.isa_v1.collect import result_path
from isac.runtime.isa_v1.export import OFFICIAL_TASK
from isac.runtime.isa_v1.profile import official_param
from isac.runtime.isa_v1.replay_files import official_variation
from isac.runtime.isa_v1.results import F_PARAM_KEYS
from isac.runtime.isa_v1.vocabulary import TASK_OF_OFFICIAL
from isac.runtime.scoring.run_inputs import read_run_inputs

# isac task -> the `task` string of the official files ("S2TT" -> "translation_ec").
OFFICIAL_TASK_STRING: Mapping[str, str] = {task: name for name, task in TASK_OF_OFFICIAL.items()}
# D variations the official files nest under a parent key (the scripts pool or split them per task).
_D_NESTED: Mapping[str, str] = {
    "upper_case": "case",
    "lower_case": "case",
    "grammar_robust": "robust",
    "syntax_robust": "robust",
}
# D variations the official files hold as lists (one entry per instruction of the variation).
_D_LISTS = frozenset(
    {"semantic_equal_simple", "semantic_equal_neutral", "semantic_equal_complex", "alter_symbol"}
)
_BASE = ["description", "constraint"]  # constant in every official item
_N_BRANCH_PARAM = {"separation": "separator", "json": "key"}
_MODEL_NAME = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._+-]*$")


@dataclass(frozen=True)
class ExportSummary:
    """What `export_official_results` wrote and what it left out."""

    files: tuple[Path, ...]
    rows: int  # responses written
    errors: int  # rows whose last record is an error (left out)
    not_run: int  # rows of the run's manifests without any record (left out)
    other_tasks: Mapping[str, int]  # rows of tasks outside the official layout, by task (left out)


def export_official_results(
    run_dir: Path, out: Path, model_name: str, *, search_dirs: Iterable[Path] = (), force: bool = False
) -> ExportSummary:
    """Write the answered rows of `run_dir` under `out` in the official result layout.

    Raises ScoringError when the name cannot be a file name part, when a target file exists (unless
    `force`), or when two rows would need the same single-response slot of one official item. Each
    file is written aside and renamed, so an interrupted export leaves whole files only.
    """
    if not _MODEL_NAME.match(model_name):
        raise ScoringError(
            f"model name {model_name!r}: use letters, digits, '.', '_', '+' or '-' (a file name part)"
        )
    inputs = read_run_inputs(Path(run_dir), tuple(search_dirs))
    builder = _Builder()
    errors = not_run = 0
    other: Counter[str] = Counter()
    for manifest in inputs.manifests:
        for row in read_manifest(manifest.path):
            record = inputs.results.get(row.id)
            if record is None:
                not_run += 1
            elif record.response is None:
                errors += 1
            elif not all(task in OFFICIAL_TASK for task in row.subtasks):
                other[row.task] += 1
            else:
                builder.add(row, record.response, manifest.path)
    documents = builder.documents(Path(out), model_name)
    if not documents:
        raise ScoringError(f"{run_dir}: no answered rows of the official tasks to export")
    if not force:
        existing = [path for path in documents if path.exists()]
        if existing:
            raise ScoringError(f"{existing[0]}: already exists; pass --force to replace the result files")
    for path, document in documents.items():
        _write_json(path, document)
    return ExportSummary(
        files=tuple(documents),
        rows=builder.rows,
        errors=errors,
        not_run=not_run,
        other_tasks=dict(sorted(other.items())),
    )


def official_text(row: ManifestRow, task: str) -> str:
    """The `text` of an official item: the references of `task`, several joined with '|'."""
    return "|".join(row.references.get(task) or ())


class _Builder:
    """Official items keyed by (dimension, task) then (dataset, item_id), in the run's row order."""

    def __init__(self) -> None:
        self.single: dict[tuple[str, str], dict[tuple[str, str], dict[str, Any]]] = {}
        self.composite: dict[tuple[str, str], dict[str, Any]] = {}
        self.rows = 0

    def add(self, row: ManifestRow, response: str, manifest: Path) -> None:
        if row.dimension == "N":
            self._add_n(row, response)
        else:
            self._add_single(row, response, manifest)
        self.rows += 1

    def _add_single(self, row: ManifestRow, response: str, manifest: Path) -> None:
        items = self.single.setdefault((row.dimension, row.task), {})
        item = items.setdefault(
            (row.dataset, row.item_id),
            {
                "path": row.audio,
                "text": official_text(row, row.task),
                "task": OFFICIAL_TASK_STRING[row.task],
                "base": _BASE,
                "variation_responses": {},
            },
        )
        slots: dict[str, Any] = item["variation_responses"]
        variation = official_variation(row)
        if row.dimension == "D" and variation in _D_NESTED:
            slots = slots.setdefault(_D_NESTED[variation], {})
        if (row.dimension == "D" and variation in _D_LISTS) or (
            row.dimension == "F" and variation in F_PARAM_KEYS
        ):
            entries = slots.setdefault(variation, [])
            if row.dimension == "D":
                entries.append(response)
            else:
                entries.append({F_PARAM_KEYS[variation][0]: official_param(row), "response": response})
            return
        if variation in slots:
            raise ScoringError(
                f"{manifest}: row {row.id}: item {row.item_id} already has a {row.dimension} {variation!r} "
                "response; the official layout holds one there"
            )
        slots[variation] = response

    def _add_n(self, row: ManifestRow, response: str) -> None:
        item = self.composite.setdefault(
            (row.dataset, row.item_id),
            {
                "path": row.audio,
                "text": "",
                "emotion": "",
                "gender": "",
                "instructions": {"variations": {"single-stage": {"separation": [[], []], "json": [[], []]}}},
            },
        )
        for task, key in (("ASR", "text"), ("SER", "emotion"), ("GR", "gender")):
            if not item[key] and row.references.get(task):
                item[key] = row.references[task][0]
        branch = official_variation(row)
        if branch not in _N_BRANCH_PARAM or len(row.subtasks) not in (2, 3):
            raise ScoringError(
                f"row {row.id}: N variant {row.variant!r} with {len(row.subtasks)} subtasks has no place in "
                "the official N file (separation/json records of 2 or 3 subtasks)"
            )
        blocks = item["instructions"]["variations"]["single-stage"][branch]
        record = {
            "task": "|".join(row.subtasks),
            _N_BRANCH_PARAM[branch]: official_param(row),
            "response": response,
        }
        blocks[len(row.subtasks) - 2].append(record)

    def documents(self, out: Path, model: str) -> dict[Path, Any]:
        """Every file to write and its content."""
        files: dict[Path, Any] = {}
        for (dimension, task), items in sorted(self.single.items()):
            files[result_path(out, dimension.lower(), model, OFFICIAL_TASK[task])] = list(items.values())
        if self.composite:
            files[result_path(out, "n", model, "")] = {"annotation": list(self.composite.values())}
        return files


def _write_json(path: Path, document: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(partial, path)
