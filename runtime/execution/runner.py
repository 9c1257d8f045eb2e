"""One `isac exec` invocation from start to end: select, open the run, resume, execute, summarise."""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from isac.compiler.errors import RunError, error_summary
from isac.compiler.manifests import file_sha256
from isac.runtime.adapters.base import AdapterOptions, ModelAdapter
from isac.runtime.adapters.registry import build_adapter
from isac.runtime.execution.engine import WorkItem, run_engine
from isac.runtime.execution.progress import ExecSummary, ProgressBar
from isac.runtime.execution.ray_backend import RayOptions
from isac.runtime.execution.run_dir import open_run
from isac.runtime.execution.selection import (
    RowFilter,
    SelectedRow,
    expand_manifest_paths,
    load_manifests,
    select_rows,
)
from isac.runtime.execution.set_check import check_compiled_set
from isac.runtime.results import ResultLog, ResultRecord, latest_records

DEFAULT_MAX_ERROR_RATE = 0.05
# Generous: a spoken-task answer is a few hundred characters; a model looping for 10 MB is cut here.
DEFAULT_MAX_RESPONSE_CHARS = 100_000


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
    verify: bool = True  # refuse manifests that do not match their directory's isac.lock.json
    max_error_rate: float = DEFAULT_MAX_ERROR_RATE  # share of error records above which exec fails
    max_response_chars: int = DEFAULT_MAX_RESPONSE_CHARS  # longer responses are cut (and marked)
    ray: RayOptions | None = None  # run the adapter on Ray replicas (isac[ray]); None: in this process


def plan_work(
    selected: Sequence[SelectedRow],
    latest: dict[str, ResultRecord],
    *,
    retry_errors: bool,
    model_id: str | None = None,
    manifest_hashes: frozenset[str] | None = None,
) -> list[WorkItem]:
    """Rows to execute now: rows without a record, or (with retry_errors) rows whose last record failed.

    A last record naming another model (`model_id`) or another manifest version does not count: scoring
    ignores it, so the row would otherwise stay unanswered forever while exec reports it done.
    """
    work: list[WorkItem] = []
    for item in selected:
        last = latest.get(item.row.id)
        if last is not None and not belongs(last, model_id, manifest_hashes):
            last = None
        if retry_errors:
            if last is not None and last.error is not None:
                work.append(WorkItem(item, attempt=last.attempt + 1))
        elif last is None:
            work.append(WorkItem(item, attempt=1))
    return work


def belongs(record: ResultRecord, model_id: str | None, manifest_hashes: frozenset[str] | None) -> bool:
    """True when `record` counts for this run as scoring reads it: its model and a manifest of the run."""
    if model_id is not None and record.model != model_id:
        return False
    return manifest_hashes is None or record.manifest_sha256 in manifest_hashes


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
    if config.max_response_chars < 1:
        raise RunError(f"--max-response-chars {config.max_response_chars}: expected at least 1")
    if not 0.0 <= config.max_error_rate <= 1.0:
        raise RunError(f"--max-error-rate {config.max_error_rate}: expected a share from 0 to 1")
    paths = expand_manifest_paths(config.manifests)
    sha256s = {path: file_sha256(path) for path in paths}
    if config.verify:
        check_compiled_set(config.manifests, sha256s)
    files, rows = load_manifests(paths, sha256s)
    selected = select_rows(rows, config.row_filter)
    if not selected:
        raise RunError(
            f"no row of the {len(rows)} in {len(files)} manifest(s) passes the row selection "
            f"({config.row_filter.describe()}); check --dimension, --class, --task, --shard and --limit"
        )
    data_root = resolve_exec_data_root(config.data_root)

    owns_adapter = adapter is None
    if adapter is not None:
        model: ModelAdapter = adapter
    elif config.ray is not None:
        from isac.runtime.execution.ray_backend import RayReplicaPool

        model = RayReplicaPool(config.model, config.options, config.ray, data_root)
    else:
        model = build_adapter(config.model, config.options)
    try:
        run = open_run(config.out, fingerprint=model.fingerprint(), manifests=files, data_root=data_root)
        try:
            for message in run.warnings:
                warn(message)
            hashes = [record.sha256 for record in run.info.manifests]
            return _execute_in(run.results_path, selected, model, config, data_root, len(files), hashes, warn)
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
    manifest_hashes: Sequence[str],
    warn: Callable[[str], None],
) -> ExecSummary:
    with ResultLog.open(results_path) as log:
        if log.repair is not None:
            warn(log.repair.describe())
        latest = latest_records(results_path)
        hashes = frozenset(manifest_hashes)
        foreign = sum(
            1
            for item in selected
            if item.row.id in latest and not belongs(latest[item.row.id], model.model_id, hashes)
        )
        if foreign:
            warn(
                f"{results_path}: the last record of {foreign} selected row(s) names another model or "
                "manifest version; scoring ignores such records, so those rows run again"
            )
        work = plan_work(
            selected,
            latest,
            retry_errors=config.retry_errors,
            model_id=model.model_id,
            manifest_hashes=hashes,
        )
        if getattr(model, "needs_audio", True):
            check_data_root(work, data_root)
        if work:
            _load_weights(model)
        check_ready = getattr(model, "check_ready", None)
        if work and callable(check_ready):
            check_ready()  # e.g. one real request to an API endpoint; raises RunError when unusable
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
                max_response_chars=config.max_response_chars,
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
        top_error=_most_common_error(results_path, work) if errors else None,
    )


def _load_weights(model: ModelAdapter) -> None:
    """Load the model now, if it loads lazily (`load()`), so that the clock measures execution and a
    checkpoint that cannot load is one clear error instead of an error record for every row."""
    load = getattr(model, "load", None)
    if not callable(load):
        return
    try:
        load()
    except RunError:
        raise
    except Exception as error:
        raise RunError(
            f"{model.model_id}: the model could not be loaded ({error_summary(error)}); no row was executed"
        ) from error


def _most_common_error(results_path: Path, work: Sequence[WorkItem]) -> tuple[str, int] | None:
    """The most frequent error message among the rows just run, with its count (for the failure line)."""
    ran = {item.selected.row.id for item in work}
    counts: Counter[str] = Counter(
        record.error
        for row_id, record in latest_records(results_path).items()
        if row_id in ran and record.error is not None
    )
    return counts.most_common(1)[0] if counts else None


def error_rate_problem(summary: ExecSummary, max_error_rate: float) -> str | None:
    """The failure message when this invocation's share of error records exceeds `max_error_rate`."""
    if summary.executed == 0 or summary.errors == 0:
        return None
    share = summary.errors / summary.executed
    if share <= max_error_rate:
        return None
    common = ""
    if summary.top_error is not None:
        text, count = summary.top_error
        common = f"; most common ({count}x): {text[:200]}"
    return (
        f"{summary.errors} of {summary.executed} rows ({share:.1%}) ended in an error record, above "
        f"--max-error-rate {max_error_rate:g}{common}; the records are kept: fix the cause and rerun with "
        "--retry-errors (or raise --max-error-rate)"
    )


def _print_warning(message: str) -> None:
    print(f"isac: warning: {message}", file=sys.stderr)
