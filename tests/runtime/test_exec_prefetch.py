"""Prefetch in the inline engine: batch k+1 is prepared while batch k generates, records stay the same."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from isac.runtime.adapters.base import AbortRun, Generation, GenerationRequest
from isac.runtime.execution.runner import execute

from .exec_helpers import read_log, row, write_manifest
from .test_exec_engine import ScriptedAdapter, config, setup_run

# Generous: only a broken prefetch makes a wait last this long, and then the test fails anyway.
WAIT_S = 30.0


class PrefetchingAdapter(ScriptedAdapter):
    """ScriptedAdapter split into prepare/generate_prepared.

    generate_prepared(k) waits until prepare(k+1) has run and records whether it did: that can only
    happen if batch k+1 is prepared while batch k is being generated. Instructions containing
    `badprep` make prepare raise; `abortprep` makes it raise AbortRun.
    """

    def __init__(self, batches: int, wait_s: float = WAIT_S) -> None:
        super().__init__()
        self.expected_batches = batches
        self.wait_s = wait_s
        self.prepared_events = [threading.Event() for _ in range(batches + 1)]
        self.overlapped: list[bool] = []
        self.prepare_threads: set[str] = set()
        self.prepared_count = 0

    def prepare(self, requests: list[GenerationRequest]) -> tuple[int, list[GenerationRequest]]:
        index = self.prepared_count
        self.prepared_count += 1
        self.prepare_threads.add(threading.current_thread().name)
        self.prepared_events[index].set()
        if any("abortprep" in request.row.instruction for request in requests):
            raise AbortRun("endpoint gone")
        if any("badprep" in request.row.instruction for request in requests):
            raise ValueError("cannot featurise")
        return index, requests

    def generate_prepared(self, prepared: tuple[int, list[GenerationRequest]]) -> list[Generation]:
        index, requests = prepared
        if index + 1 < self.expected_batches:
            self.overlapped.append(self.prepared_events[index + 1].wait(self.wait_s))
        return self.generate(requests)


def comparable(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{key: value for key, value in record.items() if key != "latency_s"} for record in records]


def mixed_rows() -> list:
    """Nine rows in five batches of two: missing audio, a returned failure and a raising row among them."""
    rows = [row(i) for i in range(9)]
    rows[2] = row(2, instruction="please fail")
    rows[5] = row(5, instruction="explode here")
    return rows


def run_both(
    tmp_path: Path, rows: list, missing: set[int], batches: int, wait_s: float = WAIT_S
) -> tuple[list, list, Any]:
    """Run `rows` (batch size 2) with a plain and a prefetching adapter; return both logs and the latter."""
    manifest, data = setup_run(tmp_path, [item for index, item in enumerate(rows) if index not in missing])
    manifest = write_manifest(tmp_path / "m" / "d-asr.jsonl", rows)
    execute(config(tmp_path, manifest, data, batch_size=2, out=tmp_path / "plain"), adapter=ScriptedAdapter())
    prefetching = PrefetchingAdapter(batches, wait_s)
    execute(config(tmp_path, manifest, data, batch_size=2, out=tmp_path / "pre"), adapter=prefetching)
    return read_log(tmp_path / "plain"), read_log(tmp_path / "pre"), prefetching


def test_next_batch_is_prepared_while_the_current_one_generates(tmp_path: Path) -> None:
    rows = mixed_rows()
    plain, prefetched, adapter = run_both(tmp_path, rows, missing={7}, batches=5)
    assert adapter.overlapped == [True, True, True, True]
    assert adapter.prepare_threads and "MainThread" not in adapter.prepare_threads
    assert comparable(prefetched) == comparable(plain)
    assert [record["row_id"] for record in prefetched] == [item.id for item in rows]
    by_id = {record["row_id"]: record for record in prefetched}
    assert by_id[rows[7].id]["error"].startswith("audio file not found:")
    assert by_id[rows[5].id]["error"] == "model error: RuntimeError: kaboom"
    assert by_id[rows[4].id]["response"] == f"ok:{rows[4].instruction}"  # same batch as the raising row


def test_a_batch_whose_audio_is_all_missing_is_not_prepared(tmp_path: Path) -> None:
    rows = [row(i) for i in range(6)]
    # The all-missing batch sits between the two prepared ones, so batch 1 cannot overlap batch 3's
    # preparation: no overlap is asserted here, and the wait is short.
    plain, prefetched, adapter = run_both(tmp_path, rows, missing={2, 3}, batches=2, wait_s=0.2)
    assert adapter.prepared_count == 2
    assert comparable(prefetched) == comparable(plain)
    assert [record["error"] is not None for record in prefetched] == [False, False, True, True, False, False]


def test_a_failing_prepare_falls_back_to_row_by_row_generation(tmp_path: Path) -> None:
    rows = [row(i) for i in range(6)]
    rows[3] = row(3, instruction="badprep then answer")
    manifest, data = setup_run(tmp_path, rows)
    adapter = PrefetchingAdapter(3)
    summary = execute(config(tmp_path, manifest, data, batch_size=2), adapter=adapter)
    assert (summary.answered, summary.errors) == (6, 0)
    # Batch 2 (rows 2 and 3) could not be prepared, so its rows were generated one by one.
    assert adapter.batches == [2, 1, 1, 2]
    assert [record["row_id"] for record in read_log(tmp_path / "run")] == [item.id for item in rows]


def test_abort_run_in_prepare_stops_the_run_keeping_earlier_batches(tmp_path: Path) -> None:
    rows = [row(i) for i in range(6)]
    rows[4] = row(4, instruction="abortprep")
    manifest, data = setup_run(tmp_path, rows)
    with pytest.raises(AbortRun, match="endpoint gone"):
        execute(config(tmp_path, manifest, data, batch_size=2), adapter=PrefetchingAdapter(3))
    assert [record["row_id"] for record in read_log(tmp_path / "run")] == [item.id for item in rows[:4]]


def test_concurrency_above_one_does_not_prefetch(tmp_path: Path) -> None:
    rows = [row(i) for i in range(4)]
    manifest, data = setup_run(tmp_path, rows)
    adapter = PrefetchingAdapter(2)
    summary = execute(config(tmp_path, manifest, data, batch_size=2, concurrency=2), adapter=adapter)
    assert summary.answered == 4
    assert adapter.prepared_count == 0
