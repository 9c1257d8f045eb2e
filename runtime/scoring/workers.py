"""Spread a per-row metric over worker processes when a batch is large.

BLEU's zh tokenisation and WER's normalisation are pure Python and dominate a full-scale `isac score`
(about half of its time goes to S2TT BLEU). Both are pure functions of (hypotheses, references) whose
rows are independent, so a large batch is cut into contiguous slices, one per worker, and the results
are joined in order: the statistics are identical to a serial call.

One pool is started on first use (spawned, not forked: the parent holds DuckDB's threads) and reused
by every later batch of the process, then shut down at exit. `ISAC_SCORE_WORKERS` sets the number of
processes (default: the CPU count, at most 8; 1 keeps everything in this process). Spawned workers
import the caller's main module, so a script scoring at top level needs an `if __name__ == "__main__":`
guard, as any multiprocessing code does.
"""

from __future__ import annotations

import atexit
import itertools
import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

from isac.compiler.errors import ScoringError

MIN_PARALLEL_ROWS = 8_000  # below this, shipping a batch to the (started once) workers costs more
MAX_DEFAULT_WORKERS = 8
WORKERS_ENV = "ISAC_SCORE_WORKERS"

Stat = TypeVar("Stat")
RowMetric = Callable[[Sequence[str], Sequence[Any]], list[Stat]]

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_pool_size = 0


def worker_count() -> int:
    """Processes to use: $ISAC_SCORE_WORKERS, else the CPU count capped at 8."""
    configured = os.environ.get(WORKERS_ENV, "").strip()
    if configured:
        try:
            count = int(configured)
        except ValueError:
            raise ScoringError(f"${WORKERS_ENV}={configured!r}: expected a whole number") from None
        if count < 1:
            raise ScoringError(f"${WORKERS_ENV}={configured!r}: expected at least 1")
        return count
    return max(1, min(os.cpu_count() or 1, MAX_DEFAULT_WORKERS))


def parallel_rows(
    metric: RowMetric[Stat],
    hypotheses: Sequence[str],
    references: Sequence[Any],
    *,
    workers: int | None = None,
    min_rows: int = MIN_PARALLEL_ROWS,
) -> list[Stat]:
    """`metric(hypotheses, references)`, computed in contiguous slices by worker processes.

    `metric` must be a module-level function (it is pickled by name). Small batches, or one worker,
    run in this process.
    """
    count = worker_count() if workers is None else workers
    rows = len(hypotheses)
    if count <= 1 or rows < min_rows:
        return metric(hypotheses, references)
    if len(references) != rows:
        raise ScoringError(f"{rows} hypotheses but {len(references)} reference entries")
    bounds = list(itertools.pairwise(rows * part // count for part in range(count + 1)))
    hypothesis_slices = [list(hypotheses[start:end]) for start, end in bounds]
    reference_slices = [list(references[start:end]) for start, end in bounds]
    results = _shared_pool(count).map(metric, hypothesis_slices, reference_slices)
    return [stat for part in results for stat in part]


def _shared_pool(size: int) -> ProcessPoolExecutor:
    global _pool, _pool_size
    with _lock:
        if _pool is None or _pool_size != size:
            if _pool is not None:
                _pool.shutdown()
            _pool = ProcessPoolExecutor(size, mp_context=multiprocessing.get_context("spawn"))
            _pool_size = size
        return _pool


@atexit.register
def shutdown_workers() -> None:
    """Stop the worker processes (also run at interpreter exit)."""
    global _pool
    with _lock:
        if _pool is not None:
            _pool.shutdown(cancel_futures=True)
            _pool = None
