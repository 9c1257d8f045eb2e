"""Score a directory of official-format result files into one model's merged metrics.

Layout (as the official release expects it): DIR/d/NAME_<task>_results.json and
DIR/f/NAME_<task>_results.json for task in asr, s2tt, aac, ser, gr, and DIR/n/NAME_n_results.json.
Missing files are skipped and reported; a malformed file stops everything with an error naming it.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
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
    The two AAC tables are scored in a second thread: their time is spent waiting for the METEOR jar,
    which then runs on the other core while this thread scores the remaining files. Tables, errors and
    their order are those of a one-file-after-the-other run.
    """
    missing: list[Path] = []
    jobs = [
        (dimension, task, result_path(directory, dimension, model, task))
        for dimension in ("d", "f")
        for task in MERGED_TASK_ORDER
    ]
    outcomes: dict[tuple[str, str], Future[dict[str, Any]]] = {}
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="isac-aac") as background:
        for dimension, task, path in jobs:
            if task == "aac" and path.is_file():
                outcomes[(dimension, task)] = background.submit(_score_file, dimension, task, path, meteor)
        for dimension, task, path in jobs:
            if not path.is_file():
                missing.append(path)
            elif (dimension, task) not in outcomes:
                outcomes[(dimension, task)] = _done(_score_file, dimension, task, path, meteor)
        n_path = result_path(directory, "n", model, "")
        n_outcome = _done(_score_n_file, n_path) if n_path.is_file() else None
        if n_outcome is None:
            missing.append(n_path)
        tables: dict[str, dict[str, Any]] = {"d": {}, "f": {}}
        for dimension, task, _path in jobs:
            if (dimension, task) in outcomes:
                tables[dimension][task] = outcomes[(dimension, task)].result()
        n_block: dict[str, Any] = {} if n_outcome is None else {"only": n_outcome.result()}
    metrics = ModelMetrics(name=model, d=tables["d"], f=tables["f"], n=n_block)
    return CollectedMetrics(model=metrics, missing=tuple(missing))


def _score_file(dimension: str, task: str, path: Path, meteor: bool) -> dict[str, Any]:
    scorer = score_d if dimension == "d" else score_f
    try:
        return scorer(task, read_results(path, dimension, task), meteor)
    except ScoringError as error:
        if str(path) in str(error):
            raise
        raise ScoringError(f"{path}: {error}") from error


def _score_n_file(path: Path) -> dict[str, Any]:
    return score_n(read_n_results(path))


def _done(function: Callable[..., dict[str, Any]], *args: Any) -> Future[dict[str, Any]]:
    """`function(*args)` run here, as a finished future (its error is raised by `result()`, in order)."""
    future: Future[dict[str, Any]] = Future()
    try:
        future.set_result(function(*args))
    except ScoringError as error:
        future.set_exception(error)
    return future
