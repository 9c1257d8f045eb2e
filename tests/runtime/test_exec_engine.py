"""The engine and the runner: resume, retry of errors, error records, concurrency, run directory checks."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest

from isac.compiler.errors import RunError
from isac.runtime.adapters.base import Generation, GenerationRequest
from isac.runtime.execution.run_dir import open_run, read_run_info
from isac.runtime.execution.runner import ExecConfig, execute
from isac.runtime.execution.selection import RowFilter

from .exec_helpers import read_log, row, write_audio_for, write_manifest


class ScriptedAdapter:
    """Answers `ok:<instruction>`; fails rows whose instruction contains `explode` (by raising) or
    `fail` (by returning an error); records batch sizes and the threads that ran them."""

    needs_audio = True

    def __init__(self, model_id: str = "scripted", *, generation: dict[str, Any] | None = None) -> None:
        self.model_id = model_id
        self.generation = generation or {"max_new_tokens": 8}
        self.batches: list[int] = []
        self.threads: set[str] = set()
        self.lock = threading.Lock()
        self.libraries = {"fake": "1.0"}

    def fingerprint(self) -> dict[str, Any]:
        return {
            "model_id": self.model_id,
            "adapter": "scripted",
            "weights": "none",
            "revision": None,
            "generation": self.generation,
            "libraries": self.libraries,
        }

    def generate(self, requests: list[GenerationRequest]) -> list[Generation]:
        with self.lock:
            self.batches.append(len(requests))
            self.threads.add(threading.current_thread().name)
        if any("explode" in request.row.instruction for request in requests):
            raise RuntimeError("kaboom")
        return [
            Generation(response=None, error="scripted failure")
            if "fail" in request.row.instruction
            else Generation(response=f"ok:{request.row.instruction}", latency_s=0.01, completion_tokens=3)
            for request in requests
        ]

    def close(self) -> None:
        pass


def setup_run(tmp_path: Path, rows: list) -> tuple[Path, Path]:
    manifest = write_manifest(tmp_path / "m" / "d-asr.jsonl", rows)
    write_audio_for(rows, tmp_path / "data")
    return manifest, tmp_path / "data"


def config(tmp_path: Path, manifest: Path, data: Path, **overrides: Any) -> ExecConfig:
    values: dict[str, Any] = {
        "manifests": (str(manifest),),
        "model": "scripted",
        "out": tmp_path / "run",
        "data_root": data,
        "progress": False,
    }
    values.update(overrides)
    return ExecConfig(**values)


def test_every_row_gets_one_record_and_a_rerun_skips_them(tmp_path: Path) -> None:
    rows = [row(i) for i in range(7)]
    manifest, data = setup_run(tmp_path, rows)
    adapter = ScriptedAdapter()
    summary = execute(config(tmp_path, manifest, data, batch_size=3), adapter=adapter)
    assert (summary.selected, summary.answered, summary.errors, summary.skipped) == (7, 7, 0, 0)
    assert adapter.batches == [3, 3, 1]
    records = read_log(tmp_path / "run")
    assert sorted(record["row_id"] for record in records) == sorted(item.id for item in rows)
    assert all(
        record["response"] == f"ok:{item.instruction}" for record, item in zip(records, rows, strict=True)
    )
    assert all(record["attempt"] == 1 and record["completion_tokens"] == 3 for record in records)

    again = execute(config(tmp_path, manifest, data), adapter=ScriptedAdapter())
    assert (again.skipped, again.executed) == (7, 0)
    assert len(read_log(tmp_path / "run")) == 7


def test_failures_become_error_records_and_retry_errors_reruns_only_them(tmp_path: Path) -> None:
    rows = [row(0), row(1, instruction="please fail"), row(2, instruction="explode here"), row(3)]
    rows.append(row(4, audio="audio/missing.wav"))
    manifest, data = setup_run(tmp_path, rows[:4])
    manifest = write_manifest(tmp_path / "m" / "d-asr.jsonl", rows)
    summary = execute(config(tmp_path, manifest, data, batch_size=5), adapter=ScriptedAdapter())
    assert (summary.answered, summary.errors) == (2, 3)
    by_id = {record["row_id"]: record for record in read_log(tmp_path / "run")}
    assert by_id[rows[1].id]["error"] == "scripted failure" and by_id[rows[1].id]["response"] is None
    # A raising batch is retried row by row, so only the exploding row fails.
    assert by_id[rows[2].id]["error"] == "model error: RuntimeError: kaboom"
    assert by_id[rows[0].id]["response"] == f"ok:{rows[0].instruction}"
    assert by_id[rows[4].id]["error"].startswith("audio file not found:")

    # Fix the missing audio, rerun with --retry-errors: only the 3 failed rows run, as attempt 2.
    write_audio_for(rows, data)
    adapter = ScriptedAdapter()
    retried = execute(config(tmp_path, manifest, data, retry_errors=True), adapter=adapter)
    assert (retried.executed, retried.skipped, retried.answered, retried.errors) == (3, 2, 1, 2)
    records = read_log(tmp_path / "run")
    assert len(records) == 8
    assert [record["attempt"] for record in records[5:]] == [2, 2, 2]
    assert {record["row_id"] for record in records[5:]} == {rows[1].id, rows[2].id, rows[4].id}


def test_concurrent_batches_write_each_row_exactly_once(tmp_path: Path) -> None:
    rows = [row(i) for i in range(60)]
    manifest, data = setup_run(tmp_path, rows)
    adapter = ScriptedAdapter()
    summary = execute(config(tmp_path, manifest, data, batch_size=2, concurrency=8), adapter=adapter)
    assert summary.answered == 60
    records = read_log(tmp_path / "run")
    assert sorted(record["row_id"] for record in records) == sorted(item.id for item in rows)
    assert all(name.startswith("isac-exec") for name in adapter.threads) and len(adapter.threads) > 1


def test_filters_shard_and_limit_reach_the_engine(tmp_path: Path) -> None:
    rows = [row(i, task="ASR") for i in range(10)] + [row(100 + i, task="SER") for i in range(10)]
    manifest, data = setup_run(tmp_path, rows)
    summary = execute(
        config(tmp_path, manifest, data, row_filter=RowFilter(tasks=("SER",), limit=4)),
        adapter=ScriptedAdapter(),
    )
    assert summary.selected == 4
    ser_ids = [item.id for item in rows if item.task == "SER"][:4]
    assert [record["row_id"] for record in read_log(tmp_path / "run")] == ser_ids


def test_run_json_records_fingerprint_and_manifests(tmp_path: Path) -> None:
    manifest, data = setup_run(tmp_path, [row(1)])
    execute(config(tmp_path, manifest, data), adapter=ScriptedAdapter())
    info = read_run_info(tmp_path / "run")
    assert info.model["adapter"] == "scripted" and info.model["generation"] == {"max_new_tokens": 8}
    assert [(Path(item.path).name, item.rows) for item in info.manifests] == [("d-asr.jsonl", 1)]
    assert len(info.manifests[0].sha256) == 64 and info.data_root == str(data.resolve())


def test_a_different_fingerprint_is_refused(tmp_path: Path) -> None:
    manifest, data = setup_run(tmp_path, [row(1)])
    execute(config(tmp_path, manifest, data), adapter=ScriptedAdapter())
    other = ScriptedAdapter(generation={"max_new_tokens": 64})
    with pytest.raises(RunError, match=r"another model configuration \(generation: .*max_new_tokens"):
        execute(config(tmp_path, manifest, data), adapter=other)
    assert len(read_log(tmp_path / "run")) == 1


def test_library_version_change_only_warns(tmp_path: Path) -> None:
    manifest, data = setup_run(tmp_path, [row(1), row(2)])
    execute(config(tmp_path, manifest, data, row_filter=RowFilter(limit=1)), adapter=ScriptedAdapter())
    upgraded = ScriptedAdapter()
    upgraded.libraries = {"fake": "2.0"}
    warnings: list[str] = []
    summary = execute(config(tmp_path, manifest, data), adapter=upgraded, warn=warnings.append)
    assert summary.executed == 1
    assert any("libraries changed" in message and "2.0" in message for message in warnings)
    assert read_run_info(tmp_path / "run").model["libraries"] == {"fake": "1.0"}  # the original stays


def test_an_edited_manifest_is_refused_but_a_new_one_may_join(tmp_path: Path) -> None:
    manifest, data = setup_run(tmp_path, [row(1)])
    execute(config(tmp_path, manifest, data), adapter=ScriptedAdapter())
    extra = write_manifest(tmp_path / "m2" / "f-asr.jsonl", [row(2)])
    write_audio_for([row(2)], data)
    joined = execute(
        config(tmp_path, manifest, data, manifests=(str(manifest), str(extra))), adapter=ScriptedAdapter()
    )
    assert joined.executed == 1
    assert [Path(item.path).name for item in read_run_info(tmp_path / "run").manifests] == [
        "d-asr.jsonl",
        "f-asr.jsonl",
    ]
    write_manifest(manifest, [row(1), row(3)])
    with pytest.raises(RunError, match=r"manifest d-asr.jsonl has changed since this run started"):
        execute(config(tmp_path, manifest, data), adapter=ScriptedAdapter())


def test_results_without_run_json_and_a_second_writer_are_refused(tmp_path: Path) -> None:
    manifest, data = setup_run(tmp_path, [row(1)])
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    (run_dir / "results.jsonl").write_text(json.dumps({"row_id": "x"}) + "\n", encoding="utf-8")
    with pytest.raises(RunError, match=r"no run\.json"):
        execute(config(tmp_path, manifest, data), adapter=ScriptedAdapter())

    other = tmp_path / "run2"
    held = open_run(other, fingerprint=ScriptedAdapter().fingerprint(), manifests=[], data_root=data)
    try:
        with pytest.raises(RunError, match="another `isac exec` is writing"):
            execute(config(tmp_path, manifest, data, out=other), adapter=ScriptedAdapter())
    finally:
        held.release()
    assert execute(config(tmp_path, manifest, data, out=other), adapter=ScriptedAdapter()).answered == 1


def test_bad_batch_size_and_concurrency_are_refused(tmp_path: Path) -> None:
    manifest, data = setup_run(tmp_path, [row(1)])
    with pytest.raises(RunError, match="--batch-size"):
        execute(config(tmp_path, manifest, data, batch_size=0), adapter=ScriptedAdapter())
    with pytest.raises(RunError, match="--concurrency"):
        execute(config(tmp_path, manifest, data, concurrency=0), adapter=ScriptedAdapter())
