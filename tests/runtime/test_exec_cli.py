"""`isac exec` as a subprocess: kill -9 and resume, graceful SIGTERM, crash repair, refusals, summary."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from .exec_helpers import REPO, isac_command, read_log, row, run_isac, write_manifest, write_tone
from .fake_openai import FakeOpenAIServer, ServerState

ROWS = 60


@pytest.fixture
def api_run(tmp_path: Path) -> tuple[Path, Path, list]:
    rows = [row(i, instruction=f"question {i}") for i in range(ROWS)]
    manifest = write_manifest(tmp_path / "m" / "d-asr.jsonl", rows)
    tone = write_tone(tmp_path / "tone.wav")
    for item in rows:
        target = tmp_path / "data" / item.audio
        target.parent.mkdir(parents=True, exist_ok=True)
        os.link(tone, target)
    return manifest, tmp_path / "data", rows


def exec_args(manifest: Path, data: Path, out: Path, base_url: str) -> list[str | Path]:
    return [
        "exec", manifest, "--model", "openai:tiny", "--out", out, "--data-root", data,
        "--base-url", base_url, "--concurrency", "4", "--timeout", "10", "--retry-backoff", "0.01",
    ]  # fmt: skip


def start_and_wait_for(args: list[str | Path], results: Path, lines: int) -> subprocess.Popen:
    process = subprocess.Popen(isac_command(*args), cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if results.exists() and results.read_bytes().count(b"\n") >= lines:
            return process
        if process.poll() is not None:
            raise AssertionError(
                f"exec ended early: {process.stderr.read().decode() if process.stderr else ''}"
            )
        time.sleep(0.01)
    process.kill()
    raise AssertionError("exec made no progress")


def test_kill_9_mid_run_then_resume_gives_one_record_per_row(tmp_path: Path, api_run) -> None:
    manifest, data, rows = api_run
    out = tmp_path / "run"
    with FakeOpenAIServer(ServerState(latency_s=0.05)) as server:
        args = exec_args(manifest, data, out, server.base_url)
        for threshold in (8, 25):  # two crashes at different points
            process = start_and_wait_for(args, out / "results.jsonl", threshold)
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
            assert process.returncode == -signal.SIGKILL
            written = len(read_log(out))  # every line complete: the log never holds a fragment
            assert threshold <= written < ROWS
        done = run_isac(*args)
    assert done.returncode == 0, done.stderr
    records = read_log(out)
    ids = [record["row_id"] for record in records]
    assert len(ids) == len(set(ids)) == ROWS
    assert set(ids) == {item.id for item in rows}
    assert all(record["error"] is None and record["response"].startswith("echo: ") for record in records)
    assert f"skipped (done)  {written}" in done.stdout


def test_sigterm_stops_gracefully_and_resume_completes(tmp_path: Path, api_run) -> None:
    manifest, data, _rows = api_run
    out = tmp_path / "run"
    with FakeOpenAIServer(ServerState(latency_s=0.05)) as server:
        args = exec_args(manifest, data, out, server.base_url)
        process = start_and_wait_for(args, out / "results.jsonl", 5)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
        assert process.returncode == 130, stderr
        assert b"rerun the same command to resume" in stderr
        assert 5 <= len(read_log(out)) < ROWS
        done = run_isac(*args)
    assert done.returncode == 0, done.stderr
    ids = [record["row_id"] for record in read_log(out)]
    assert len(ids) == len(set(ids)) == ROWS


def test_a_crash_fragment_is_repaired_on_resume(tmp_path: Path) -> None:
    rows = [row(i) for i in range(5)]
    manifest = write_manifest(tmp_path / "m" / "f-asr.jsonl", rows)
    out = tmp_path / "run"
    first = run_isac("exec", manifest, "--model", "oracle", "--out", out, "--limit", "3")
    assert first.returncode == 0, first.stderr
    with (out / "results.jsonl").open("ab") as handle:
        handle.write(b'{"attempt":1,"completion_tok')
    second = run_isac("exec", manifest, "--model", "oracle", "--out", out)
    assert second.returncode == 0, second.stderr
    assert "removed an incomplete last record" in second.stderr
    ids = [record["row_id"] for record in read_log(out)]
    assert sorted(ids) == sorted(item.id for item in rows)


def test_cli_refuses_a_mismatched_run_and_bad_options(tmp_path: Path) -> None:
    manifest = write_manifest(tmp_path / "m" / "f-asr.jsonl", [row(1), row(2)])
    out = tmp_path / "run"
    assert run_isac("exec", manifest, "--model", "oracle", "--out", out).returncode == 0
    refused = run_isac("exec", manifest, "--model", "constant:x", "--out", out, full_cli=True)
    assert refused.returncode == 2
    assert "isac: error:" in refused.stderr and "another model configuration" in refused.stderr
    bad_shard = run_isac("exec", manifest, "--model", "oracle", "--out", tmp_path / "r2", "--shard", "3/3")
    assert bad_shard.returncode == 2 and "--shard '3/3'" in bad_shard.stderr
    unknown = run_isac("exec", manifest, "--model", "nope:x", "--out", tmp_path / "r3")
    assert unknown.returncode == 2 and "unknown adapter scheme 'nope'" in unknown.stderr


def test_a_wrong_data_root_is_refused_before_anything_runs(tmp_path: Path, api_run) -> None:
    manifest, data, _ = api_run
    out = tmp_path / "run"
    wrong = exec_args(manifest, tmp_path / "elsewhere", out, "http://127.0.0.1:9/v1")
    refused = run_isac(*wrong)
    assert refused.returncode == 2
    assert "none of 20 sampled audio files exists under the data root" in refused.stderr
    assert str(tmp_path / "elsewhere") in refused.stderr and "--data-root" in refused.stderr
    assert not (out / "results.jsonl").exists() or read_log(out) == []

    # the same data root from $ISAC_DATA_ROOT is found: the audio check passes and exec goes on to check
    # the endpoint, which refuses the run (the port is closed) before any row is written
    without_root = [arg for arg in exec_args(manifest, data, out, "http://127.0.0.1:9/v1") if arg != data]
    without_root.remove("--data-root")
    started = run_isac(*without_root, "--max-retries", "0", "--limit", "2", env={"ISAC_DATA_ROOT": str(data)})
    assert started.returncode == 2, started.stderr
    assert "none of 20 sampled" not in started.stderr
    assert "endpoint unusable before the run started" in started.stderr
    assert read_log(out) == []
