"""The execution loop: batch the work, run batches on worker threads, write records on the main thread.

There is exactly one writer. Workers only call the adapter and return Generations; the main thread
turns them into records and appends them to the log as batches complete, so a crash loses at most the
batches in flight. With `concurrency == 1` batches run inline on the main thread (no thread hand-off),
which keeps the overhead over a bare generate loop to building and writing one small record per row.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from queue import Empty, SimpleQueue
from typing import Any

from isac.runtime.adapters.base import AbortRun, Generation, GenerationRequest, ModelAdapter
from isac.runtime.execution.selection import SelectedRow
from isac.runtime.results import ResultLog, ResultRecord


@dataclass(frozen=True)
class WorkItem:
    """One row to execute now, with the attempt number its record will carry."""

    selected: SelectedRow
    attempt: int = 1


@dataclass(frozen=True)
class EngineCounts:
    """What one engine pass wrote."""

    answered: int
    errors: int
    interrupted: bool = False


# An error message longer than this is cut (an adapter may quote a whole server body).
MAX_ERROR_CHARS = 2000

# Called after each written batch with (rows written, errors among them).
ProgressHook = Callable[[int, int], None]


def run_engine(
    items: Sequence[WorkItem],
    adapter: ModelAdapter,
    log: ResultLog,
    *,
    data_root: Path,
    batch_size: int = 1,
    concurrency: int = 1,
    on_batch: ProgressHook | None = None,
    max_response_chars: int | None = None,
) -> EngineCounts:
    """Execute every item and append one record per item to `log`.

    Per-row failures (missing audio, adapter exceptions, wrong result counts) become error records; they
    never stop the run. Ctrl-C stops submitting new batches, writes the batches already in flight, then
    re-raises KeyboardInterrupt.
    """
    if batch_size < 1 or concurrency < 1:
        raise ValueError("batch_size and concurrency must be at least 1")
    needs_audio = bool(getattr(adapter, "needs_audio", True))
    batches = _chunks(items, batch_size)
    writer = _Writer(log, adapter.model_id, on_batch, max_response_chars)

    dispatch = getattr(adapter, "run_batches", None)
    if callable(dispatch):  # e.g. Ray replicas: batches run elsewhere, records are still written here
        try:
            dispatch(batches, writer.write)
        except KeyboardInterrupt:
            writer.interrupted = True
            raise
        return writer.counts()

    def run_batch(batch: list[WorkItem]) -> list[Generation]:
        return generate_batch(adapter, batch, data_root=data_root, needs_audio=needs_audio)

    if concurrency == 1:
        if _can_prefetch(adapter):
            _run_prefetching(batches, adapter, writer, data_root=data_root, needs_audio=needs_audio)
            return writer.counts()
        for batch in batches:
            writer.write(batch, run_batch(batch))
        return writer.counts()
    return _run_threaded(batches, run_batch, writer, concurrency)


@dataclass(frozen=True)
class _Plan:
    """One batch split into rows already answered (missing audio) and requests for the adapter."""

    results: list[Generation | None]
    requests: list[GenerationRequest]
    positions: list[int]

    def complete(self, generations: Sequence[Generation]) -> list[Generation]:
        """The batch's Generations in order, the adapter's ones (for `requests`) slotted in."""
        for position, generation in zip(self.positions, generations, strict=True):
            self.results[position] = generation
        return [generation for generation in self.results if generation is not None]


def _plan(batch: Sequence[WorkItem], data_root: Path, needs_audio: bool) -> _Plan:
    results: list[Generation | None] = [None] * len(batch)
    requests: list[GenerationRequest] = []
    positions: list[int] = []
    for index, item in enumerate(batch):
        audio_path = data_root / item.selected.row.audio
        if needs_audio and not audio_path.is_file():
            results[index] = Generation(response=None, error=f"audio file not found: {audio_path}")
            continue
        requests.append(GenerationRequest(row=item.selected.row, audio_path=audio_path))
        positions.append(index)
    return _Plan(results, requests, positions)


def generate_batch(
    adapter: ModelAdapter, batch: Sequence[WorkItem], *, data_root: Path, needs_audio: bool = True
) -> list[Generation]:
    """Answer one batch; never raises for per-row problems, returns one Generation per item in order."""
    plan = _plan(batch, data_root, needs_audio)
    return plan.complete(_call_adapter(adapter, plan.requests) if plan.requests else [])


def _run_prefetching(
    batches: Iterator[list[WorkItem]], adapter: Any, writer: _Writer, *, data_root: Path, needs_audio: bool
) -> None:
    """Inline execution with one helper thread that prepares batch k+1 (audio decoding, features) while
    batch k generates, so the accelerator does not wait on the CPU between batches.

    The adapter's `prepare(requests)` runs on the helper thread and `generate_prepared(prepared)` here;
    failures of either take `_call_adapter`'s row-by-row path, records are written in order by `writer`.
    """
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="isac-prefetch")

    def start(batch: list[WorkItem]) -> tuple[list[WorkItem], _Plan, Future[Any] | None]:
        plan = _plan(batch, data_root, needs_audio)
        return batch, plan, pool.submit(adapter.prepare, plan.requests) if plan.requests else None

    interrupted = False
    try:
        first = next(batches, None)
        current = start(first) if first is not None else None
        while current is not None:
            batch, plan, prepared = current
            following = next(batches, None)
            # Queue the next batch's preparation before this one generates: that is the overlap.
            current = start(following) if following is not None else None
            generations: list[Generation] = []
            if prepared is not None:
                generate = partial(_generate_prefetched, adapter, prepared)
                generations = _call_adapter(adapter, plan.requests, generate)
            writer.write(batch, plan.complete(generations))
    except KeyboardInterrupt:
        interrupted = True  # what is written stays; a preparation in progress is left to finish alone
        raise
    finally:
        pool.shutdown(wait=not interrupted, cancel_futures=True)


def _can_prefetch(adapter: object) -> bool:
    """Whether the adapter splits a batch into a CPU `prepare` and a device `generate_prepared`, and says
    overlapping them helps (`prefetch_helps`, default true): on a GPU it keeps the device busy; when the
    model itself runs on the CPU, the helper thread only competes with it for the cores."""
    if not getattr(adapter, "prefetch_helps", True):
        return False
    return all(callable(getattr(adapter, name, None)) for name in ("prepare", "generate_prepared"))


def _generate_prefetched(adapter: Any, prepared: Future[Any]) -> Sequence[Generation]:
    # `result()` re-raises a failed preparation here, inside `_call_adapter`'s fallback.
    return adapter.generate_prepared(prepared.result())


def _call_adapter(
    adapter: ModelAdapter,
    requests: list[GenerationRequest],
    first_try: Callable[[], Sequence[Generation]] | None = None,
) -> list[Generation]:
    """Call the adapter; if a whole batch fails, retry its rows one by one so one bad row fails alone.

    `first_try` replaces the first `adapter.generate(requests)` (the prefetch path generates a batch
    prepared in advance); the row-by-row retries always use `generate`.
    """
    started = time.perf_counter()
    try:
        generations = first_try() if first_try is not None else adapter.generate(requests)
    except AbortRun:
        raise
    except Exception as error:
        if len(requests) > 1:
            return [generation for request in requests for generation in _call_adapter(adapter, [request])]
        return [Generation(response=None, error=_describe(error), latency_s=time.perf_counter() - started)]
    if len(generations) != len(requests):
        message = f"adapter returned {len(generations)} results for a batch of {len(requests)}"
        return [Generation(response=None, error=message) for _ in requests]
    return list(generations)


def _describe(error: BaseException) -> str:
    text = str(error).strip()
    return f"model error: {type(error).__name__}: {text}" if text else f"model error: {type(error).__name__}"


def _chunks(items: Sequence[WorkItem], size: int) -> Iterator[list[WorkItem]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


class _Writer:
    """The single writer: turns Generations into records and appends them."""

    def __init__(
        self,
        log: ResultLog,
        model_id: str,
        on_batch: ProgressHook | None,
        max_response_chars: int | None = None,
    ) -> None:
        self._max_response_chars = max_response_chars
        self._log = log
        self._model_id = model_id
        self._on_batch = on_batch
        self.answered = 0
        self.errors = 0
        self.interrupted = False

    def write(self, batch: Sequence[WorkItem], generations: Sequence[Generation]) -> None:
        errors = 0
        for item, generation in zip(batch, generations, strict=True):
            record = make_record(item, generation, self._model_id, self._max_response_chars)
            self._log.append(record)
            errors += record.error is not None
        self.errors += errors
        self.answered += len(batch) - errors
        if self._on_batch is not None:
            self._on_batch(len(batch), errors)

    def counts(self) -> EngineCounts:
        return EngineCounts(answered=self.answered, errors=self.errors, interrupted=self.interrupted)


def make_record(
    item: WorkItem, generation: Generation, model_id: str, max_response_chars: int | None = None
) -> ResultRecord:
    """The result record of one executed row (an error record drops any partial response).

    A response longer than `max_response_chars` is cut to that length and the record keeps the original
    length in `response_chars`; an error message is cut to `MAX_ERROR_CHARS`.
    """
    failed = generation.error is not None
    response = None if failed else (generation.response or "")
    original: int | None = None
    if response is not None and max_response_chars is not None and len(response) > max_response_chars:
        original = len(response)
        response = response[:max_response_chars]
    error = generation.error
    if error is not None and len(error) > MAX_ERROR_CHARS:
        error = error[: MAX_ERROR_CHARS - 3] + "..."
    return ResultRecord(
        row_id=item.selected.row.id,
        manifest_sha256=item.selected.manifest_sha256,
        model=model_id,
        response=response,
        response_chars=original,
        error=error,
        latency_s=round(float(generation.latency_s), 6),
        prompt_tokens=generation.prompt_tokens,
        completion_tokens=generation.completion_tokens,
        attempt=item.attempt,
    )


def _run_threaded(
    batches: Iterator[list[WorkItem]],
    run_batch: Callable[[list[WorkItem]], list[Generation]],
    writer: _Writer,
    concurrency: int,
) -> EngineCounts:
    pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="isac-exec")
    pending: dict[Future[list[Generation]], list[WorkItem]] = {}
    # Each finished future lands here: O(1) per batch, where `wait(pending, FIRST_COMPLETED)` locks
    # every pending future twice per completion (64 at --concurrency 64).
    finished: SimpleQueue[Future[list[Generation]]] = SimpleQueue()

    def submit_next() -> None:
        batch = next(batches, None)
        if batch is not None:
            future = pool.submit(run_batch, batch)
            pending[future] = batch
            future.add_done_callback(finished.put)

    try:
        for _ in range(concurrency):
            submit_next()
        while pending:
            future = _next_finished(finished)
            writer.write(pending.pop(future), future.result())
            submit_next()
    except KeyboardInterrupt:
        writer.interrupted = True
        _drain(pending, writer)
        raise
    finally:
        pool.shutdown(wait=not writer.interrupted, cancel_futures=True)
    return writer.counts()


def _next_finished(finished: SimpleQueue[Future[list[Generation]]]) -> Future[list[Generation]]:
    # A bounded wait, so Ctrl-C is seen within a second on any platform.
    while True:
        try:
            return finished.get(timeout=1.0)
        except Empty:
            continue


def _drain(pending: dict[Future[list[Generation]], list[WorkItem]], writer: _Writer) -> None:
    """After Ctrl-C: drop batches not started, write those in flight (a second Ctrl-C abandons them)."""
    for future in list(pending):
        if future.cancel():
            del pending[future]
    if pending:
        print(
            f"isac: interrupted; finishing {len(pending)} batch(es) in flight (Ctrl-C again to abandon)",
            file=sys.stderr,
        )
    for future in list(pending):
        try:
            generations = future.result()
        except Exception:  # run_batch does not raise for row problems; anything else is abandoned
            continue
        writer.write(pending.pop(future), generations)
