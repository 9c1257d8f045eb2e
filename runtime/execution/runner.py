"""One `isac exec` invocation from start to end: select, open the run, resume, execute, summarise."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from isac.compiler.errors import RunError
from isac.runtime.adapters.base import AdapterOptions, ModelAdapter
from isac.runtime.adapters.registry import build_adapter
from isac.runtime.execution.engine import WorkItem, run_engine
from isac.runtime.execution.progress import ExecSummary, ProgressBar
from isac.runtime.execution.run_dir import open_run
from isac.runtime.execution.selection import (
    RowFilter,
    SelectedRow,
    expand_manifest_paths,
    load_manifests,
    select_rows,
)
from isac.runtime.results import ResultLog, ResultRecord, latest_records


@dataclass(frozen=True)
class ExecConfig:
    """Everything an exec invocation needs, as parsed from the command line."""

    manifests: tuple[str, ...]
    model: str
    out: Path
    data_root: Path | None = None
    batch_size: int = 1
    concurrency: int = 1
    row_filter: RowFilter = field(default_factory=RowFilter)
    retry_errors: bool = False
    options: AdapterOptions = field(default_factory=AdapterOptions)
    progress: bool | None = None  # None: show the bar only on a terminal


def plan_work(
    selected: Sequence[SelectedRow], latest: dict[str, ResultRecord], *, retry_errors: bool
) -> list[WorkItem]:
    """Rows to execute now: rows without a record, or (with retry_errors) rows whose last record failed."""
    work: list[WorkItem] = []
    for item in selected:
        last = latest.get(item.row.id)
        if retry_errors:
            if last is not None and last.error is not None:
                work.append(WorkItem(item, attempt=last.attempt + 1))
        elif last is None:
            work.append(WorkItem(item, attempt=1))
    return work


def resolve_exec_data_root(given: Path | None) -> Path:
    """--data-root, else $ISAC_DATA_ROOT (as for `isac compile`), else the working directory."""
    if given is not None:
        return Path(given)
    from_env = os.environ.get("ISAC_DATA_ROOT")
    return Path(from_env) if from_env else Path.cwd()


DATA_ROOT_SAMPLE = 20


def check_data_root(work: Sequence[WorkItem], data_root: Path) -> None:
    """Refuse to start when none of a spread sample of the rows' audio files exists under `data_root`.

    A single missing file becomes that row's error record; all of them missing means the data root is
    wrong, and running on would only fill the log with errors.
    """
    if not work:
        return
    step = max(1, len(work) // DATA_ROOT_SAMPLE)
    sample = [item.selected.row for item in work[::step][:DATA_ROOT_SAMPLE]]
    if any((data_root / row.audio).is_file() for row in sample):
        return
    raise RunError(
        f"none of {len(sample)} sampled audio files exists under the data root {data_root} "
        f"(e.g. row {sample[0].id}: {data_root / sample[0].audio}); pass --data-root DIR (the folder the "
        "manifests were compiled from) or set $ISAC_DATA_ROOT"
    )


def execute(
    config: ExecConfig,
    *,
    adapter: ModelAdapter | None = None,
    warn: Callable[[str], None] | None = None,
) -> ExecSummary:
    """Run `config`; `adapter` overrides building one from `config.model` (for embedding and tests)."""
    warn = warn or _print_warning
    if config.batch_size < 1:
        raise RunError(f"--batch-size {config.batch_size}: expected at least 1")
    if config.concurrency < 1:
        raise RunError(f"--concurrency {config.concurrency}: expected at least 1")
    files, rows = load_manifests(expand_manifest_paths(config.manifests))
    selected = select_rows(rows, config.row_filter)
    data_root = resolve_exec_data_root(config.data_root)

    owns_adapter = adapter is None
    model = adapter if adapter is not None else build_adapter(config.model, config.options)
    try:
        run = open_run(config.out, fingerprint=model.fingerprint(), manifests=files, data_root=data_root)
        try:
            for message in run.warnings:
                warn(message)
            return _execute_in(run.results_path, selected, model, config, data_root, len(files), warn)
        finally:
            run.release()
    finally:
        if owns_adapter:
            model.close()


def _execute_in(
    results_path: Path,
    selected: list[SelectedRow],
    model: ModelAdapter,
    config: ExecConfig,
    data_root: Path,
    manifest_count: int,
    warn: Callable[[str], None],
) -> ExecSummary:
    with ResultLog.open(results_path) as log:
        if log.repair is not None:
            warn(log.repair.describe())
        work = plan_work(selected, latest_records(results_path), retry_errors=config.retry_errors)
        if getattr(model, "needs_audio", True):
            check_data_root(work, data_root)
        bar = ProgressBar(len(work), enabled=config.progress)
        started = time.perf_counter()
        interrupted = False
        answered = errors = 0
        try:
            counts = run_engine(
                work,
                model,
                log,
                data_root=data_root,
                batch_size=config.batch_size,
                concurrency=config.concurrency,
                on_batch=bar.update,
            )
            answered, errors = counts.answered, counts.errors
        except KeyboardInterrupt:
            interrupted = True
            raise
        finally:
            bar.close()
            wall = time.perf_counter() - started
            if interrupted:
                warn(f"interrupted after {wall:.1f} s; rerun the same command to resume")
    return ExecSummary(
        run_dir=str(config.out),
        model=model.model_id,
        manifests=manifest_count,
        selected=len(selected),
        skipped=len(selected) - len(work),
        answered=answered,
        errors=errors,
        wall_s=wall,
    )


def _print_warning(message: str) -> None:
    print(f"isac: warning: {message}", file=sys.stderr)
