"""Score run directories into a DuckDB database: checkers -> metric statistics -> tables.

For each run: read and verify `run.json`, its manifests and `results.jsonl`; replace any earlier copy
of the run in the database; then, manifest by manifest in chunks, judge every executed row with the
profile's checker (Python, per row), compute the metric statistics of the compliance-aware answers per
subtask (in batches, through the metrics module) and insert them as column batches. Rows without a
result are counted and left out; error records are scored as non-compliant. Metrics that wait on an
outside process (METEOR's jar) are computed in a second thread, overlapping the next rows' work, and
inserted in order by the scoring thread. Finally the METEOR groups
of the affected models are re-aggregated. One run is one transaction, so an interrupted `isac score`
leaves the database as it was.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
from tqdm import tqdm

from isac.compiler.errors import ManifestError, ScoringError
from isac.compiler.rows import ManifestRow
from isac.runtime.scoring.db.group_table import refresh_group_scores
from isac.runtime.scoring.db.schema import open_database
from isac.runtime.scoring.db.store import (
    RunRecord,
    delete_run,
    insert_batch,
    insert_manifest_rows,
    insert_run,
    overlapping_rows,
    text_column,
)
from isac.runtime.scoring.db.tasks_table import store_task_table
from isac.runtime.scoring.profiles import RowChecker, get_profile
from isac.runtime.scoring.provenance import run_provenance, store_provenance
from isac.runtime.scoring.run_inputs import ManifestInput, RunInputs, read_run_inputs
from isac.runtime.scoring.stat_columns import SubtaskBatch, metric_columns
from isac.runtime.scoring.task_definitions import TaskTable, load_task_table

CHUNK_ROWS = 20_000  # manifest rows judged and inserted together; bounds memory (parsed rows) per chunk


@dataclass(frozen=True)
class StageFigure:
    """Time spent in one stage (summed over runs and chunks) and the process's peak RSS after it."""

    name: str
    seconds: float
    peak_rss_mib: float


@dataclass
class StageClock:
    """Accumulates wall time per named stage."""

    seconds: dict[str, float] = field(default_factory=dict)
    peaks: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time the enclosed block under `name`."""
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start
            self.peaks[name] = peak_rss_mib()

    def figures(self) -> tuple[StageFigure, ...]:
        """Stages in the order they first ran."""
        return tuple(StageFigure(name, self.seconds[name], self.peaks[name]) for name in self.seconds)


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


@dataclass(frozen=True)
class ScoreReport:
    """What scoring one run did."""

    run_id: str
    model: str
    profile: str
    run_dir: Path
    rows_total: int
    rows_scored: int
    rows_missing: int
    rows_error: int
    records_unknown: int
    overlapping_rows: int
    meteor_groups: int
    warnings: tuple[str, ...]


class LazyMeteor:
    """Starts a METEOR scorer on first use (only runs with AAC rows pay for it).

    The exact METEOR 1.5 jar when Java is present; otherwise nltk's METEOR, labelled `nltk-approx` in
    the database and announced with a warning, since its values differ from the paper's.
    """

    def __init__(self, enabled: bool, scorer: object | None = None) -> None:
        self.enabled = enabled
        self.warnings: list[str] = []
        self._scorer = scorer
        self._owned = scorer is None  # a scorer handed in belongs to the caller, who closes it
        self._failed = False

    def get(self):  # type: ignore[no-untyped-def]  # MeteorScorer | None, imported lazily
        """The running scorer, or None when METEOR is off or cannot run here (with a warning)."""
        if not self.enabled or self._failed:
            return None
        if self._scorer is None:
            try:
                from isac.runtime.scoring.metrics.meteor import open_meteor
                from isac.runtime.scoring.metrics.meteor_stats import NLTK_BACKEND

                self._scorer = open_meteor("auto")
                if self._scorer.backend == NLTK_BACKEND:
                    self.warnings.append(
                        "Java not found: AAC METEOR computed with nltk's METEOR (backend 'nltk-approx' "
                        "in meteor_scores), an approximation of METEOR 1.5; install Java for exact values"
                    )
            except (ScoringError, ImportError) as error:
                self._failed = True
                self.warnings.append(f"METEOR left empty (NULL): {error}")
                return None
        return self._scorer

    def close(self) -> None:
        """Stop the jar if it was started."""
        scorer = self._scorer
        self._scorer = None
        if scorer is not None and self._owned:
            scorer.close()  # type: ignore[attr-defined]


class ScoringResources:
    """Shared helpers that metrics ask for by name during one `isac score` (see `Resources`).

    `meteor`: the running METEOR scorer (None when METEOR is off or cannot run here).
    """

    def __init__(self, meteor: LazyMeteor) -> None:
        self.meteor = meteor
        self.warnings: list[str] = []

    def get(self, name: str) -> object | None:
        """The resource `name`, started on first use; None when unavailable or unknown."""
        if name == "meteor":
            return self.meteor.get()
        return None

    def warn(self, message: str) -> None:
        """Record a warning printed after scoring."""
        if message not in self.warnings:
            self.warnings.append(message)


@dataclass
class _Counts:
    total: int = 0
    scored: int = 0
    missing: int = 0
    errors: int = 0


def score_runs(
    db_path: Path,
    run_dirs: Sequence[Path],
    *,
    profile: str = "default",
    name: str | None = None,
    labels: Sequence[str] | None = None,
    search_dirs: Sequence[Path] = (),
    meteor: bool = True,
    meteor_scorer: object | None = None,
    clock: StageClock | None = None,
) -> list[ScoreReport]:
    """Score each run directory into the database at `db_path` (created if missing).

    `name` overrides the model label of a single run (the views group by it); `labels` gives one label
    per run directory (eval, demo). `meteor=False` leaves METEOR NULL instead of starting Java;
    `meteor_scorer` reuses a running `Meteor15` (the caller closes it) instead of starting one; one METEOR
    process serves every run. Stage timings accumulate in `clock` when given.
    """
    if name is not None and len(run_dirs) != 1:
        raise ScoringError("--name labels one run; pass a single RUN_DIR with it")
    if labels is not None and (name is not None or len(labels) != len(run_dirs)):
        raise ScoringError(f"labels: expected one per run directory ({len(run_dirs)}), without a name")
    run_labels: Sequence[str | None] = list(labels) if labels is not None else [name] * len(run_dirs)
    checker = get_profile(profile).load()
    clock = clock or StageClock()
    meteor_session = LazyMeteor(meteor, meteor_scorer)
    resources = ScoringResources(meteor_session)
    connection = open_database(create_database(Path(db_path)))
    try:
        return [
            score_run(connection, Path(run_dir), checker, profile, label, search_dirs, resources, clock)
            for run_dir, label in zip(run_dirs, run_labels, strict=True)
        ]
    finally:
        meteor_session.close()
        connection.close()


def create_database(db_path: Path) -> Path:
    """Make sure `db_path` exists as a complete, empty scoring database; returns `db_path`.

    DuckDB writes a new file's header and tables in steps, and a `kill -9` between them leaves a file
    that no later `isac score` can open. A new database is therefore built under a hidden sibling name
    and renamed into place: the file is absent or whole. An existing file is left as it is.
    """
    if db_path.exists():
        return db_path
    staging = db_path.with_name(f".{db_path.name}.creating")
    # a leftover of a score killed while creating this very file (same name, so at most one)
    for leftover in (staging, staging.with_name(staging.name + ".wal")):
        leftover.unlink(missing_ok=True)
    open_database(staging).close()  # closing the only connection checkpoints: no WAL is left beside it
    os.replace(staging, db_path)
    return db_path


def score_run(
    connection: duckdb.DuckDBPyConnection,
    run_dir: Path,
    checker: RowChecker,
    profile: str,
    name: str | None,
    search_dirs: Sequence[Path],
    resources: ScoringResources,
    clock: StageClock,
) -> ScoreReport:
    """Score one run directory in one transaction (see the module docstring)."""
    with clock.stage("read"):
        inputs = read_run_inputs(run_dir, search_dirs)
        tasks, task_warnings = load_task_table(manifest.path.parent for manifest in inputs.manifests)
    model = name or inputs.model_id
    counts = _Counts()
    # tqdm shows the bar only on a terminal (disable=None), so logs and pipes stay clean
    bar = tqdm(
        total=sum(manifest.rows for manifest in inputs.manifests),
        unit="row",
        desc=f"isac score {model}",
        file=sys.stderr,
        disable=None,
        dynamic_ncols=True,
    )
    background = _Background(connection, inputs.run_id, tasks, resources, clock)
    connection.execute("BEGIN TRANSACTION")
    try:
        previous_models = delete_run(connection, inputs.run_id)
        store_task_table(connection, tasks)
        for manifest in inputs.manifests:
            with clock.stage("load"):
                insert_manifest_rows(connection, manifest.path)
            for chunk in _manifest_chunks(manifest):
                with clock.stage("load"):
                    insert_batch(
                        connection,
                        "run_rows",
                        {"run_id": inputs.run_id, "manifest": manifest.name},
                        {"row_id": text_column([row.id for row in chunk])},
                    )
                _score_chunk(connection, chunk, inputs, checker, tasks, resources, clock, counts, background)
                bar.update(len(chunk))
        background.finish()
        bar.close()
        record = RunRecord(
            run_id=inputs.run_id,
            model=model,
            fingerprint=inputs.fingerprint,
            profile=profile,
            run_dir=inputs.run_dir.resolve(),
            created_at=inputs.created_at,
            rows_total=counts.total,
            rows_scored=counts.scored,
            rows_missing=counts.missing,
            rows_error=counts.errors,
            records_unknown=inputs.records_unknown,
        )
        insert_run(connection, record)
        with clock.stage("group aggregate"):
            groups = refresh_group_scores(connection, {model, *previous_models}, resources)
        store_provenance(
            connection,
            run_provenance(
                connection,
                run_id=inputs.run_id,
                model=model,
                fingerprint=inputs.fingerprint,
                profile=profile,
                created_at=inputs.created_at,
                manifest_paths=[manifest.path for manifest in inputs.manifests],
            ),
        )
        overlap = overlapping_rows(connection, model)
        connection.execute("COMMIT")
    except BaseException:
        bar.close()
        background.abandon()
        connection.execute("ROLLBACK")
        raise
    warnings = [*task_warnings, *resources.meteor.warnings, *resources.warnings]
    if overlap:
        warnings.append(
            f"{overlap} rows of model {model!r} are scored by more than one run; the views count them "
            "once per run (remove the duplicate run or label one with --name)"
        )
    return ScoreReport(
        run_id=inputs.run_id,
        model=model,
        profile=profile,
        run_dir=inputs.run_dir,
        rows_total=counts.total,
        rows_scored=counts.scored,
        rows_missing=counts.missing,
        rows_error=counts.errors,
        records_unknown=inputs.records_unknown,
        overlapping_rows=overlap,
        meteor_groups=groups,
        warnings=tuple(warnings),
    )


def _insert_scores(
    connection: duckdb.DuckDBPyConnection,
    run_id: str,
    subtask: str,
    batch: SubtaskBatch,
    columns: dict[str, np.ndarray],
    clock: StageClock,
) -> None:
    with clock.stage("insert"):
        columns = columns | {
            "row_id": text_column(batch.row_ids),
            "compliant": np.array(batch.compliant, dtype=bool),
            "answer": text_column(batch.answers),
        }
        insert_batch(connection, "row_scores", {"run_id": run_id, "subtask": subtask}, columns)


class _Background:
    """Metric batches computed in a second thread while the run's other work goes on.

    A metric that declares resources (METEOR: the jar process) spends its time waiting for that
    process, which runs on the other core; meanwhile this thread parses, checks and scores the next
    rows. Batches are computed one after the other in submission order and inserted, in that order,
    by the scoring thread (DuckDB's connection is not shared) just before the next batch it inserts
    itself, or at `finish()`. The statistics, and the row order of the table, are a serial run's.
    """

    def __init__(
        self,
        connection: duckdb.DuckDBPyConnection,
        run_id: str,
        tasks: TaskTable,
        resources: ScoringResources,
        clock: StageClock,
    ) -> None:
        self._connection, self._run_id, self._tasks, self._resources = connection, run_id, tasks, resources
        self._clock = clock
        self._executor: ThreadPoolExecutor | None = None
        self._pending: list[tuple[str, SubtaskBatch, Future[dict[str, np.ndarray]]]] = []

    def submit(self, subtask: str, batch: SubtaskBatch) -> None:
        """Start computing `batch`'s statistics (inserted by a later `drain` or `finish`)."""
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="isac-metrics")
        self._pending.append((subtask, batch, self._executor.submit(self._compute, subtask, batch)))

    def drain(self, keep: int = 0) -> None:
        """Wait for and insert the pending batches, in submission order, except the last `keep`."""
        while len(self._pending) > keep:
            self._insert_first()

    def finish(self) -> None:
        """Insert every pending batch (a batch's error is raised here), then stop the thread."""
        self.drain()
        self.abandon()

    def abandon(self) -> None:
        """Stop after the batch in progress (on an error: its results are rolled back anyway)."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
        self._pending.clear()

    def _compute(self, subtask: str, batch: SubtaskBatch) -> dict[str, np.ndarray]:
        start = time.perf_counter()
        try:
            return metric_columns(batch, self._tasks, self._resources)
        finally:  # wall time in the second thread (it overlaps the stages of the scoring thread)
            name = f"metrics {subtask} (background)"
            self._clock.seconds[name] = self._clock.seconds.get(name, 0.0) + time.perf_counter() - start
            self._clock.peaks[name] = peak_rss_mib()

    def _insert_first(self) -> None:
        subtask, batch, future = self._pending.pop(0)
        with self._clock.stage(f"metrics {subtask} (wait)"):
            columns = future.result()
        _insert_scores(self._connection, self._run_id, subtask, batch, columns, self._clock)


def _manifest_chunks(manifest: ManifestInput) -> Iterator[list[ManifestRow]]:
    chunk: list[ManifestRow] = []
    with manifest.path.open("r", encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                chunk.append(ManifestRow.model_validate_json(line))
            except ValueError as error:
                raise ManifestError(f"{manifest.path}:{number}: not a manifest row ({error})") from None
            if len(chunk) >= CHUNK_ROWS:
                yield chunk
                chunk = []
    if chunk:
        yield chunk


def _score_chunk(
    connection: duckdb.DuckDBPyConnection,
    rows: list[ManifestRow],
    inputs: RunInputs,
    checker: RowChecker,
    tasks: TaskTable,
    resources: ScoringResources,
    clock: StageClock,
    counts: _Counts,
    background: _Background,
) -> None:
    batches: dict[str, SubtaskBatch] = {}
    executed: list[str] = []
    with clock.stage("check"):
        for row in rows:
            counts.total += 1
            record = inputs.results.get(row.id)
            if record is None:
                counts.missing += 1
                continue
            counts.scored += 1
            executed.append(row.id)
            response = record.response if record.error is None else None
            if response is None:
                counts.errors += 1
            try:
                verdict = checker(row, response)
            except ScoringError as error:
                raise ScoringError(
                    f"row {row.id} ({row.dimension} {row.task} {row.variant}): {error}"
                ) from None
            for subtask in row.subtasks:
                answer = verdict.answers.get(subtask, "") if verdict.compliant else ""
                batch = batches.get(subtask)
                if batch is None:
                    batch = batches[subtask] = SubtaskBatch(subtask)
                batch.add(row.id, verdict.compliant, answer, row.references.get(subtask, ()))
    with clock.stage("resources"):
        # Start what the chunk's metrics will need (e.g. the METEOR jar) before the first of them runs,
        # so that it loads on the other core while the earlier subtasks are scored.
        for name in dict.fromkeys(name for subtask in batches for name in tasks.metric(subtask).resources):
            resources.get(name)
    # Metrics that wait on an outside process run in the background; the others are computed here, then
    # everything is inserted in batch order (earlier chunks' background batches first), so the table's
    # row order, and with it every floating-point sum over it, is that of a serial run.
    computed: list[tuple[str, SubtaskBatch, dict[str, np.ndarray] | None]] = []
    for subtask, batch in batches.items():
        if tasks.metric(subtask).resources:
            background.submit(subtask, batch)
            computed.append((subtask, batch, None))
            continue
        with clock.stage(f"metrics {subtask}"):
            computed.append((subtask, batch, metric_columns(batch, tasks, resources)))
    later = sum(columns is None for _, _, columns in computed)  # this chunk's background batches ahead
    for subtask, batch, columns in computed:
        if columns is None:
            later -= 1
            continue
        background.drain(keep=later)  # every batch submitted before this one goes in first
        _insert_scores(connection, inputs.run_id, subtask, batch, columns, clock)
    with clock.stage("insert"):
        records = [inputs.results[row_id] for row_id in executed]
        insert_batch(
            connection,
            "responses",
            {"run_id": inputs.run_id},
            {
                "row_id": text_column(executed),
                "response": text_column([r.response for r in records]),
                "error": text_column([r.error for r in records]),
                "latency_s": np.array([r.latency_s for r in records], dtype=float),
                "prompt_tokens": np.array([r.prompt_tokens for r in records], dtype=object),
                "completion_tokens": np.array([r.completion_tokens for r in records], dtype=object),
                "attempt": np.array([r.attempt for r in records], dtype=np.int64),
            },
        )
