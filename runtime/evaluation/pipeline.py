"""`isac eval` end to end: manifests, row selection, audio check, one run per model, scores, report.

Stages, each through the public API of its command:

1. manifests: compile the spec (default: the bundled default spec) into `OUT/manifests`, or use a
   compiled set or release as it is (`manifests:`). A compiled set that is already there for the same
   spec and data root is reused, so a rerun does not recompile;
2. rows: filters, then a stratified `sample` or the first `limit` rows (`isac.runtime.evaluation.sample`);
3. audio: every selected row's audio file must exist under the data root, checked before any model is
   built or loaded (skipped when every model answers without audio: oracle, constant, replay);
4. exec: each model into `OUT/runs/<name>`: a rerun resumes each run where it stopped;
5. score: every run into `OUT/scores.duckdb`, rebuilt from the runs each time (written aside, then
   renamed, so a failed scoring leaves the previous database, or none, never an empty one);
6. report: `OUT/report/`.

The configuration as resolved (file, flags and defaults) is written to `OUT/eval.json`.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from isac.compiler.commands.compile import compile_to, load_indexes
from isac.compiler.data_roots import DataRoot, record_data_root, resolve_data_root
from isac.compiler.errors import IsacError, ManifestError
from isac.compiler.manifests import LOCK_FILE, Lock, read_lock
from isac.compiler.resources import bundled_spec_dir
from isac.compiler.rows import ManifestRow
from isac.runtime.adapters.arguments import apply_arguments
from isac.runtime.adapters.base import AdapterOptions
from isac.runtime.adapters.registry import split_model_string
from isac.runtime.evaluation.config import EvalConfig, ModelEntry
from isac.runtime.evaluation.sample import stratified_sample
from isac.runtime.execution.progress import ExecSummary
from isac.runtime.execution.runner import ExecConfig, execute
from isac.runtime.execution.selection import RowFilter, expand_manifest_paths, load_manifests, select_rows
from isac.runtime.reporting.report import ReportFiles, write_report
from isac.runtime.scoring.pipeline import ScoreReport, score_runs

Log = Callable[[str], None]
MARKER = ".isac-eval"
DB_FILE = "scores.duckdb"
# Model schemes that never read audio, so a missing data root does not stop them.
AUDIO_FREE_SCHEMES = frozenset({"oracle", "constant", "replay"})


class EvalError(IsacError):
    """`isac eval` cannot run: a folder it must not write to, missing audio, no manifests."""


@dataclass(frozen=True)
class EvalResult:
    """What an eval did: where, on which rows, per-model execution, scoring and the report files."""

    out: Path
    manifest_dir: Path
    data_root: DataRoot
    rows_selected: int
    executions: tuple[ExecSummary, ...]
    scores: tuple[ScoreReport, ...]
    report: ReportFiles
    stage_seconds: tuple[tuple[str, float], ...]

    @property
    def total_seconds(self) -> float:
        """Wall time of all stages together."""
        return sum(seconds for _, seconds in self.stage_seconds)


class Stages:
    """Times the stages of a pipeline (eval, demo) and logs each as it starts and ends (one line each)."""

    def __init__(self, log: Log) -> None:
        self.log = log
        self.seconds: list[tuple[str, float]] = []

    @contextmanager
    def stage(self, name: str, message: str) -> Iterator[None]:
        self.log(f"[{len(self.seconds) + 1}] {message}")
        start = time.perf_counter()
        try:
            yield
        finally:
            elapsed = time.perf_counter() - start
            self.seconds.append((name, elapsed))
            self.log(f"    {name}: {elapsed:.1f} s")


def prepare_out_dir(out: Path) -> None:
    """Create OUT with the eval marker; refuse a non-empty folder that an eval did not make."""
    if out.exists() and not out.is_dir():
        raise EvalError(f"out {out}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise EvalError(
            f"out {out}: folder is not empty and was not made by `isac eval`; choose a new or empty folder"
        )
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("written by `isac eval`; rerunning the same eval here resumes it\n")


def _existing_lock(folder: Path) -> Lock | None:
    if not (folder / LOCK_FILE).is_file():
        return None
    try:
        return read_lock(folder)
    except ManifestError:
        return None


def prepare_manifests(config: EvalConfig, stages: Stages) -> tuple[Path, DataRoot]:
    """The manifest folder to run and its data root: a given set, or the spec compiled into OUT/manifests."""
    log = stages.log
    if config.manifests is not None:
        folder = Path(config.manifests)
        lock = _existing_lock(folder)
        if lock is None:
            raise EvalError(f"manifests {folder}: no readable {LOCK_FILE}; is it a compiled set or release?")
        data_root = resolve_data_root(config.data_root, locks=[(folder, lock)])
        if data_root is None:
            raise EvalError(
                f"manifests {folder}: its lock records no data root; pass --data-root DIR (or data_root: in "
                "the config, or $ISAC_DATA_ROOT)"
            )
        log(f"using the compiled set {folder} ({sum(e.rows for e in lock.manifests.values())} rows)")
        return folder, data_root

    from isac.compiler.spec import load_spec

    spec_dir = Path(config.spec) if config.spec is not None else bundled_spec_dir()
    if spec_dir is None:
        raise EvalError("this install of isac carries no default spec; give spec: DIR or manifests: DIR")
    data_root = resolve_data_root(config.data_root, bundled_default=True)
    assert data_root is not None  # bundled_default finds one or raises
    folder = Path(config.out) / "manifests"
    spec = load_spec(spec_dir)
    previous = _existing_lock(folder)
    if (
        previous is not None
        and previous.spec_sha256 == spec.sha256
        and previous.data_root == record_data_root(data_root.path, folder)
        and all((folder / name).is_file() for name in previous.manifests)
    ):
        log(f"reusing {folder} (compiled from the same spec and data root)")
        return folder, data_root
    with stages.stage("compile", f"compiling {spec_dir} on {data_root.describe()} into {folder}"):
        indexes = load_indexes(spec, data_root.path, check_audio=True, skip_missing_audio=False)
        lock = compile_to(spec, indexes, folder, data_root=data_root.path)
        log(f"    {len(lock.manifests)} manifests, {sum(e.rows for e in lock.manifests.values())} rows")
    return folder, data_root


def _split(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(part.strip().upper() for value in values for part in value.split(",") if part.strip())


def choose_rows(manifest_dir: Path, config: EvalConfig) -> tuple[RowFilter, list[ManifestRow]]:
    """The row filter every model runs with, and the rows it selects."""
    select = config.select
    base = RowFilter(
        dimensions=_split(select.dimensions), classes=_split(select.classes), tasks=_split(select.tasks)
    )
    _files, rows = load_manifests(expand_manifest_paths([manifest_dir]))
    if select.sample is not None:
        filtered = [item.row for item in select_rows(rows, base)]
        sample = stratified_sample(filtered, select.sample, seed=select.seed)
        chosen = RowFilter(ids=frozenset(row.id for row in sample))
    else:
        chosen = RowFilter(base.dimensions, base.classes, base.tasks, limit=select.limit)
    selected = [item.row for item in select_rows(rows, chosen)]
    if not selected:
        raise EvalError(f"{manifest_dir}: the selection (select: in the config, or the flags) matches no row")
    return chosen, selected


def check_audio(rows: Sequence[ManifestRow], data_root: DataRoot, models: Sequence[ModelEntry]) -> None:
    """Refuse to start when a selected row's audio is missing and some model would read it."""
    if all(split_model_string(entry.model)[0] in AUDIO_FREE_SCHEMES for entry in models):
        return
    missing = sorted({row.audio for row in rows if not (data_root.path / row.audio).is_file()})
    if missing:
        shown = ", ".join(missing[:3])
        raise EvalError(
            f"{len(missing)} audio files of the selected rows are missing under the data root "
            f"{data_root.describe()} (e.g. {shown}); pass --data-root DIR, the folder the manifests were "
            "compiled from"
        )


def adapter_options(config: EvalConfig, entry: ModelEntry) -> AdapterOptions:
    """The model's adapter options: shared exec settings, then shared and own -M/-G arguments."""
    settings = config.exec
    options = AdapterOptions(
        device=settings.device,
        dtype=settings.dtype,
        max_new_tokens=settings.max_new_tokens,
        temperature=settings.temperature,
        base_url=settings.base_url,
        api_key_env=settings.api_key_env,
        timeout_s=settings.timeout,
        max_retries=settings.max_retries,
    )
    return apply_arguments(
        options,
        {**config.model_args, **entry.model_args},
        {**config.generation_args, **entry.generation_args},
    )


def score_into(
    db_path: Path, runs: Sequence[tuple[Path, str]], *, profile: str, meteor: bool
) -> list[ScoreReport]:
    """Score (run folder, label) pairs into a new database at `db_path`, written aside then renamed.

    A failure leaves whatever was at `db_path` before (or nothing), never a half-built database.
    """
    partial = db_path.with_name(db_path.name + ".partial")
    for stale in (partial, partial.with_name(partial.name + ".wal")):
        stale.unlink(missing_ok=True)
    try:
        reports = score_runs(
            partial, [run_dir for run_dir, _ in runs], profile=profile, labels=[label for _, label in runs],
            meteor=meteor,
        )  # fmt: skip
    except BaseException:
        for stale in (partial, partial.with_name(partial.name + ".wal")):
            stale.unlink(missing_ok=True)
        raise
    os.replace(partial, db_path)
    db_path.with_name(db_path.name + ".wal").unlink(missing_ok=True)
    return reports


def run_eval(config: EvalConfig, log: Log = print) -> EvalResult:
    """Run the stages of the module docstring for `config`; rerunning the same config resumes."""
    out = Path(config.out)
    prepare_out_dir(out)
    stages = Stages(log)
    manifest_dir, data_root = prepare_manifests(config, stages)
    row_filter, rows = choose_rows(manifest_dir, config)
    log(f"{len(rows)} rows selected for {len(config.models)} model(s); data root {data_root.describe()}")
    check_audio(rows, data_root, config.models)
    (out / "eval.json").write_text(
        json.dumps(config.model_dump(mode="json"), indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )

    executions: list[ExecSummary] = []
    for entry in config.models:
        run_dir = out / "runs" / entry.label
        with stages.stage(f"exec {entry.label}", f"running {entry.model} into {run_dir}"):
            summary = execute(
                ExecConfig(
                    manifests=(str(manifest_dir),),
                    model=entry.model,
                    out=run_dir,
                    data_root=data_root.path,
                    batch_size=entry.batch_size or config.exec.batch_size,
                    concurrency=entry.concurrency or config.exec.concurrency,
                    row_filter=row_filter,
                    retry_errors=config.exec.retry_errors,
                    options=adapter_options(config, entry),
                ),
                warn=lambda message: log(f"    warning: {message}"),
            )
            executions.append(summary)
            log(
                f"    {summary.answered} rows answered now, {summary.skipped} already done, "
                f"{summary.errors} errors"
            )

    db_path = out / DB_FILE
    runs = [(out / "runs" / entry.label, entry.label) for entry in config.models]
    with stages.stage("score", f"scoring {len(runs)} runs into {db_path}"):
        scores = score_into(db_path, runs, profile=config.score.profile, meteor=config.score.meteor)
        for score in scores:
            for warning in score.warnings:
                log(f"    warning: {warning}")
    with stages.stage("report", f"writing the report into {out / 'report'}"):
        report = write_report(db_path, out / "report", examples=config.report.examples)
    return EvalResult(
        out=out,
        manifest_dir=manifest_dir,
        data_root=data_root,
        rows_selected=len(rows),
        executions=tuple(executions),
        scores=tuple(scores),
        report=report,
        stage_seconds=tuple(stages.seconds),
    )
