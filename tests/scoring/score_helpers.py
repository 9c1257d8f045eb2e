"""Build small manifests and run directories for the scoring tests (no compiler, no runtime engine).

Files follow docs/contracts.md: manifests are canonical JSONL of `make_row` rows, `run.json` records
the fingerprint and the manifests' paths and hashes, `results.jsonl` holds one canonical record a line.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from isac.compiler.manifests import write_rows_jsonl
from isac.compiler.rows import CheckerSpec, ManifestRow, canonical_json, make_row

EMOTIONS = ["happy", "sad", "angry", "neutral"]
GENDERS = ["male", "female"]
LABELS = {"SER": EMOTIONS, "GR": GENDERS}

CLASS_OF_VARIANT = {
    ("D", "default"): "D1",
    ("D", "upper_case"): "D2",
    ("D", "lower_case"): "D2",
    ("D", "syntax_error"): "D3",
    ("D", "lexical_error"): "D3",
    ("D", "simple"): "D4",
    ("D", "neutral"): "D4",
    ("D", "complex"): "D4",
    ("D", "punctuation"): "D5",
    ("F", "answer_only"): "F1",
    ("F", "upper_case"): "F2",
    ("F", "lower_case"): "F2",
    ("F", "prefix"): "F3",
    ("F", "suffix"): "F3",
    ("F", "wrap"): "F3",
    ("F", "json"): "F4",
}


def checker(kind: str, **params: Any) -> CheckerSpec:
    """A checker spec."""
    return CheckerSpec(kind=kind, params=params)


def row(
    task: str,
    item: str,
    reference: Sequence[str] | str,
    spec: CheckerSpec,
    *,
    dimension: str = "D",
    variant: str = "default",
    variation_class: str | None = None,
) -> ManifestRow:
    """A single-task row."""
    refs = (reference,) if isinstance(reference, str) else tuple(reference)
    return make_row(
        dimension=dimension,
        variation_class=variation_class or CLASS_OF_VARIANT[(dimension, variant)],
        variant=variant,
        task=task,
        subtasks=(task,),
        dataset=f"{task.lower()}-set",
        item_id=item,
        audio=f"audio/{item}.wav",
        instruction=f"{task} {variant} instruction for {item}",
        references={task: refs},
        checker=spec,
    )


def composite_row(
    subtasks: Sequence[str], item: str, references: Mapping[str, str], variant: str, spec: CheckerSpec
) -> ManifestRow:
    """An N row over `subtasks` (N1 for two, N2 for three)."""
    return make_row(
        dimension="N",
        variation_class="N1" if len(subtasks) == 2 else "N2",
        variant=variant,
        task="+".join(subtasks),
        subtasks=tuple(subtasks),
        dataset="iemocap",
        item_id=item,
        audio=f"audio/{item}.wav",
        instruction=f"{'+'.join(subtasks)} {variant} instruction for {item}",
        references={name: (references[name],) for name in subtasks},
        checker=spec,
    )


@dataclass(frozen=True)
class Manifest:
    """A written manifest."""

    path: Path
    sha256: str
    rows: int


def write_manifest(directory: Path, name: str, rows: Iterable[ManifestRow]) -> Manifest:
    """Write rows as a canonical manifest file."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.jsonl"
    entry = write_rows_jsonl(path, rows)
    return Manifest(path, entry.sha256, entry.rows)


@dataclass(frozen=True)
class Answer:
    """One result to record: a response, or an error when `response` is None."""

    row: ManifestRow
    response: str | None
    error: str | None = None


def write_run(
    run_dir: Path,
    model_id: str,
    manifests: Sequence[Manifest],
    answers: Iterable[Answer],
    *,
    created_at: str = "2025-01-01T00:00:00+00:00",
    extra_records: Iterable[Mapping[str, Any]] = (),
) -> Path:
    """Write `run.json` and `results.jsonl` (one record per answer, in order)."""
    run_dir.mkdir(parents=True, exist_ok=True)
    fingerprint = {
        "model_id": model_id,
        "adapter": "replay",
        "weights": None,
        "revision": None,
        "generation": {"max_new_tokens": 64},
        "libraries": {"isac": "0.1.0"},
    }
    info = {
        "model": fingerprint,
        "manifests": [{"path": str(m.path), "sha256": m.sha256, "rows": m.rows} for m in manifests],
        "data_root": None,
        "created_at": created_at,
        "isac_version": "0.1.0",
    }
    (run_dir / "run.json").write_text(json.dumps(info, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    sha_of = {}
    for manifest in manifests:
        for line in manifest.path.read_text(encoding="utf-8").splitlines():
            sha_of[json.loads(line)["id"]] = manifest.sha256
    with (run_dir / "results.jsonl").open("a", encoding="utf-8") as handle:
        for answer in answers:
            record = {
                "row_id": answer.row.id,
                "manifest_sha256": sha_of[answer.row.id],
                "model": model_id,
                "response": answer.response,
                "error": answer.error if answer.response is None else None,
                "latency_s": 0.01,
                "prompt_tokens": 10,
                "completion_tokens": None,
                "attempt": 1,
            }
            if answer.response is None and record["error"] is None:
                record["error"] = "model call failed"
            handle.write(canonical_json(record) + "\n")
        for extra in extra_records:
            handle.write(canonical_json(dict(extra)) + "\n")
    return run_dir


def oracle_response(manifest_row: ManifestRow) -> str:
    """A response in exactly the format the row's checker asks for, answering with the references."""
    spec = manifest_row.checker
    params = spec.params
    answers = {name: manifest_row.references[name][0] for name in manifest_row.subtasks}
    single = answers[manifest_row.subtasks[0]]
    if spec.kind == "prefix":
        return f"{params['text']} {single}"
    if spec.kind == "suffix":
        return f"{single} {params['text']}"
    if spec.kind == "wrap":
        return f"{params['left']}{single}{params['right']}"
    if spec.kind == "json_key":
        return json.dumps({params["key"]: single})
    if spec.kind == "upper_case":
        return single.upper()
    if spec.kind == "lower_case":
        return single.lower()
    if spec.kind in ("label", "text"):
        return single
    if spec.kind == "separator":
        return params["separator"].join(answers[name] for name in params["subtasks"])
    if spec.kind == "json_keys":
        return json.dumps(
            {key: answers[name] for key, name in zip(params["keys"], params["subtasks"], strict=True)}
        )
    raise AssertionError(f"no oracle for checker kind {spec.kind}")
