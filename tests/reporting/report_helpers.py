"""A small scored database for the report tests, built from hand-written manifests and responses.

Manifests are canonical JSONL of `make_row` rows; run folders follow docs/contracts.md; scoring goes
through the real pipeline (`score_runs`, METEOR off so no Java is needed).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from isac.compiler.manifests import write_rows_jsonl
from isac.compiler.rows import CheckerSpec, ManifestRow, canonical_json, make_row
from isac.runtime.scoring.pipeline import score_runs

EMOTIONS = ["happy", "sad", "angry", "neutral"]
GENDERS = ["male", "female"]
PREFIX = CheckerSpec(kind="prefix", params={"text": "The transcription is:", "case_sensitive": False})
UPPER = CheckerSpec(kind="upper_case", params={})
LABEL = CheckerSpec(kind="label", params={"labels": EMOTIONS})
SEPARATOR = CheckerSpec(
    kind="separator",
    params={"separator": " | ", "subtasks": ["SER", "GR"], "labels": {"SER": EMOTIONS, "GR": GENDERS}},
)
MALICIOUS = "<script>document.title='pwned'</script><img src=x onerror=\"document.title='pwned'\">```"


def single(
    task: str, item: str, reference: str, checker: CheckerSpec, dimension: str, cls: str, variant: str
) -> ManifestRow:
    """A single-task manifest row."""
    return make_row(
        dimension=dimension,
        variation_class=cls,
        variant=variant,
        task=task,
        subtasks=(task,),
        dataset=f"{task.lower()}-set",
        item_id=item,
        audio=f"audio/{item}.wav",
        instruction=f"{task} {variant} instruction for {item} <b>bold</b>",
        references={task: (reference,)},
        checker=checker,
    )


def composite(item: str, emotion: str, gender: str) -> ManifestRow:
    """An N1 separator row over SER then GR."""
    return make_row(
        dimension="N",
        variation_class="N1",
        variant="separator",
        task="SER+GR",
        subtasks=("SER", "GR"),
        dataset="iemocap",
        item_id=item,
        audio=f"audio/{item}.wav",
        instruction=f"emotion and gender of {item}, separated by ' | '",
        references={"SER": (emotion,), "GR": (gender,)},
        checker=SEPARATOR,
    )


ASR_DEFAULT = [
    single("ASR", f"a{i}", ref, PREFIX, "D", "D1", "default")
    for i, ref in enumerate(["HELLO WORLD", "GOOD DAY"])
]
ASR_UPPER = [
    single("ASR", f"a{i}", ref, UPPER, "F", "F2", "upper_case")
    for i, ref in enumerate(["HELLO WORLD", "GOOD DAY"])
]
SER_LABEL = [
    single("SER", f"s{i}", ref, LABEL, "F", "F1", "answer_only")
    for i, ref in enumerate(["happy", "sad", "angry"])
]
N_ROWS = [composite("n0", "happy", "male"), composite("n1", "sad", "female")]
ALL_ROWS = [*ASR_DEFAULT, *ASR_UPPER, *SER_LABEL, *N_ROWS]

# Responses per model, aligned with ALL_ROWS; None records a failed call.
RESPONSES: Mapping[str, Sequence[str | None]] = {
    "alpha": [
        "The transcription is: hello world",
        "The transcription is: good day",
        "HELLO WORLD",
        "GOOD DAY",
        "happy",
        "sad",
        "angry",
        "happy | male",
        "sad | female",
    ],
    "beta": [
        "The transcription is: hello word",
        "good day",
        "hello world",
        "GOOD DAY",
        "happy",
        "I think it is sad",
        None,
        "happy | male",
        "sad, female",
    ],
    "evil": [MALICIOUS] * len(ALL_ROWS),
}


@dataclass(frozen=True)
class ScoredDb:
    """The database and the folder its runs were written under."""

    path: Path
    root: Path


def write_run(
    run_dir: Path, model: str, manifest: Path, sha256: str, rows: int, responses: Sequence[str | None]
) -> Path:
    """run.json and results.jsonl of one model over the single test manifest."""
    run_dir.mkdir(parents=True, exist_ok=True)
    info = {
        "model": {
            "model_id": model,
            "adapter": "replay",
            "weights": None,
            "revision": None,
            "generation": {},
        },
        "manifests": [{"path": str(manifest), "sha256": sha256, "rows": rows}],
        "data_root": None,
        "created_at": "2025-01-01T00:00:00+00:00",
    }
    (run_dir / "run.json").write_text(json.dumps(info, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    with (run_dir / "results.jsonl").open("w", encoding="utf-8") as handle:
        for row, response in zip(ALL_ROWS, responses, strict=True):
            record = {
                "row_id": row.id,
                "manifest_sha256": sha256,
                "model": model,
                "response": response,
                "error": "model call failed: timeout <oops>" if response is None else None,
                "latency_s": 0.01,
                "prompt_tokens": None,
                "completion_tokens": None,
                "attempt": 1,
            }
            handle.write(canonical_json(record) + "\n")
    return run_dir


def build_scored_db(root: Path, models: Sequence[str] = ("alpha", "beta", "evil")) -> ScoredDb:
    """Write the manifest and one run per model under `root`, score them into `root/scores.duckdb`."""
    manifest = root / "manifests" / "mixed.jsonl"
    manifest.parent.mkdir(parents=True, exist_ok=True)
    entry = write_rows_jsonl(manifest, ALL_ROWS)
    runs = [
        write_run(root / "runs" / model, model, manifest, entry.sha256, entry.rows, RESPONSES[model])
        for model in models
    ]
    db_path = root / "scores.duckdb"
    score_runs(db_path, runs, meteor=False)
    return ScoredDb(db_path, root)
