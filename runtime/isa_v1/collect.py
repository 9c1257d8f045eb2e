"""Score a directory of official-format result files into one model's merged metrics.

Layout (as the official release expects it): DIR/d/NAME_<task>_results.json and
DIR/f/NAME_<task>_results.json for task in asr, s2tt, aac, ser, gr, and DIR/n/NAME_n_results.json.
Missing files are skipped and reported; a malformed file stops everything with an error naming it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from isac.compiler.errors import ScoringError
from isac.runtime.isa_v1.merged import ModelMetrics
from isac.runtime.isa_v1.results import read_n_results, read_results
from isac.runtime.isa_v1.scoring import score_d, score_f, score_n

# The order merge_outputs.py writes tasks in (it also decides the IFR axis summation order).
MERGED_TASK_ORDER: tuple[str, ...] = ("asr", "gr", "ser", "aac", "s2tt")


@dataclass(frozen=True)
class CollectedMetrics:
    """A model's merged metrics and the result files that were not there."""

    model: ModelMetrics
    missing: tuple[Path, ...]


def result_path(directory: Path, dimension: str, model: str, task: str) -> Path:
    """Where the official layout puts a result file (`task` is ignored for N)."""
    if dimension == "n":
        return directory / "n" / f"{model}_n_results.json"
    return directory / dimension / f"{model}_{task}_results.json"


def score_result_dir(directory: Path, model: str, meteor: bool = True) -> CollectedMetrics:
    """Every metric table the official scripts would write for `model`, merged.

    `meteor=False` skips METEOR 1.5 (AAC METEOR written "N/A"); the jar takes a while to start.
    """
    missing: list[Path] = []
    tables: dict[str, dict[str, Any]] = {"d": {}, "f": {}}
    for dimension, scorer in (("d", score_d), ("f", score_f)):
        for task in MERGED_TASK_ORDER:
            path = result_path(directory, dimension, model, task)
            if not path.is_file():
                missing.append(path)
                continue
            try:
                tables[dimension][task] = scorer(task, read_results(path, dimension, task), meteor)
            except ScoringError as error:
                if str(path) in str(error):
                    raise
                raise ScoringError(f"{path}: {error}") from error
    n_path = result_path(directory, "n", model, "")
    n_block: dict[str, Any] = {}
    if n_path.is_file():
        n_block = {"only": score_n(read_n_results(n_path))}
    else:
        missing.append(n_path)
    metrics = ModelMetrics(name=model, d=tables["d"], f=tables["f"], n=n_block)
    return CollectedMetrics(model=metrics, missing=tuple(missing))
