"""Issue 11: `isac exec --ray` on a local Ray cluster (2 CPU actors): same records as a local run,
a killed replica loses no row, a driver killed with kill -9 resumes without duplicates.

Skipped when Ray is absent (it is the optional extra `isac[ray]`; scripts/setup.sh installs it).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from isac.runtime.adapters.base import AdapterOptions
from isac.runtime.execution.engine import WorkItem, run_engine
from isac.runtime.execution.ray_backend import (
    MAX_BATCHES_PER_CALL,
    RayOptions,
    RayReplicaPool,
    _difference,
    batches_per_call,
    cpus_per_replica,
)
from isac.runtime.execution.runner import ExecConfig, execute
from isac.runtime.execution.selection import SelectedRow
from isac.runtime.results import ResultLog
from isac.runtime.run_files import read_run_info
from tests.runtime.exec_helpers import isac_command, read_log, row, write_manifest, write_tone
from tests.runtime.fake_openai import FakeOpenAIServer, ServerState

ray = pytest.importorskip("ray", reason="Ray is the optional extra isac[ray]; pip install 'isac[ray]'")


@pytest.fixture(scope="module")
def cluster() -> Iterator[None]:
    """One local cluster for the in-process tests (2 CPUs: two 1-CPU replicas)."""
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield
    ray.shutdown()


def make_set(tmp_path: Path, count: int) -> Path:
    rows = [row(i) for i in range(count)]
    for item in rows:
        write_tone(tmp_path / "data" / item.audio)
    return write_manifest(tmp_path / "m" / "f-asr.jsonl", rows)


def config(tmp_path: Path, manifest: Path, name: str, model: str, **settings: object) -> ExecConfig:
    return ExecConfig(
        manifests=(str(manifest),),
        model=model,
        out=tmp_path / name,
        data_root=tmp_path / "data",
        progress=False,
        **settings,  # type: ignore[arg-type]
    )


def tiny_checkpoint(factory: pytest.TempPathFactory, name: str) -> Path:
    """A tiny random Qwen2-Audio checkpoint (skips without torch or transformers); no hub access."""
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    os.environ["HF_HUB_OFFLINE"] = "1"
    from isac.runtime.tiny_models import build_tiny_qwen2_audio

    return build_tiny_qwen2_audio(factory.mktemp(name), seed=0)


def answers(run_dir: Path) -> dict[str, tuple[str | None, str | None]]:
    return {record["row_id"]: (record["response"], record["error"]) for record in read_log(run_dir)}


def test_oracle_on_two_replicas_matches_a_local_run(cluster: None, tmp_path: Path) -> None:
    manifest = make_set(tmp_path, 24)
    execute(config(tmp_path, manifest, "local", "oracle", batch_size=3))
    two = RayOptions(replicas=2)
    summary = execute(config(tmp_path, manifest, "ray", "oracle", batch_size=3, ray=two))
    assert summary.answered == 24 and summary.errors == 0
    assert answers(tmp_path / "ray") == answers(tmp_path / "local") and len(answers(tmp_path / "ray")) == 24
    assert read_run_info(tmp_path / "ray").model == read_run_info(tmp_path / "local").model
    again = execute(config(tmp_path, manifest, "ray", "oracle", batch_size=3, ray=two))
    assert again.skipped == 24 and again.executed == 0  # resume works as for a local run


def test_a_killed_replica_loses_no_row(cluster: None, tmp_path: Path) -> None:
    make_set(tmp_path, 30)  # the audio files
    items = [WorkItem(SelectedRow(row(i), "0" * 64)) for i in range(30)]
    killed: list[tuple[int, object]] = []
    # The replica killed is one already answering (the other may still be starting: a replica killed
    # then is left out, not restarted), and rows take 50 ms, so it still holds calls in flight when the
    # kill lands (oracle-fast rows could all be answered before it, and no death would be seen).
    with FakeOpenAIServer(ServerState(latency_s=0.05)) as server:
        options = AdapterOptions(base_url=server.base_url)
        pool = RayReplicaPool("openai:m", options, RayOptions(replicas=2), tmp_path / "data")

        def kill_once(_rows: int, _errors: int) -> None:
            if not killed:
                slot = min(pool._ready)
                killed.append((slot, pool.actors[slot]))
                ray.kill(pool.actors[slot])

        try:
            with ResultLog.open(tmp_path / "results.jsonl") as log:
                counts = run_engine(items, pool, log, data_root=tmp_path / "data", on_batch=kill_once)
            slot, actor = killed[0]
            assert pool.restarts == 1 and pool.actors[slot] is not actor
        finally:
            pool.close()
    lines = (tmp_path / "results.jsonl").read_text(encoding="utf-8").splitlines()
    ids = Counter(json.loads(line)["row_id"] for line in lines)
    assert counts.answered == 30 and set(ids) == {item.selected.row.id for item in items}
    assert set(ids.values()) == {1}  # every row exactly once


def test_a_replica_that_cannot_start_is_a_clear_error(cluster: None, tmp_path: Path) -> None:
    from isac.compiler.errors import RunError

    with pytest.raises(RunError, match=r"--ray: no replica of replay:.* could start"):
        RayReplicaPool("replay:/nonexistent/results.jsonl", AdapterOptions(), RayOptions(), tmp_path)


def test_cpu_replicas_share_the_cluster_cpus_unless_told(cluster: None, tmp_path: Path) -> None:
    """Ray sets a worker's torch threads from its CPUs: one CPU replica gets the whole (2-CPU) cluster,
    as a local run would, two get one each; GPU replicas and an explicit --cpus-per-replica are kept."""
    assert cpus_per_replica(ray, RayOptions(replicas=1)) == 2.0
    assert cpus_per_replica(ray, RayOptions(replicas=2)) == 1.0
    assert cpus_per_replica(ray, RayOptions(replicas=5)) == 1.0
    assert cpus_per_replica(ray, RayOptions(replicas=1, gpus_per_replica=1)) == 1.0
    assert cpus_per_replica(ray, RayOptions(replicas=1, cpus_per_replica=0.5)) == 0.5
    pool = RayReplicaPool("oracle", AdapterOptions(), RayOptions(replicas=1), tmp_path)
    try:
        assert pool.cpus_per_replica == 2.0
    finally:
        pool.close()


@pytest.mark.parametrize(
    ("seconds_per_batch", "queued", "slots", "expected"),
    [
        (None, 100, 2, 1),  # nothing measured yet: one batch per call
        (2.0, 100, 2, 1),  # a GPU batch of a large model: one per call
        (0.1, 100, 2, 2),  # ~0.25 s per call
        (0.03, 100, 2, 8),
        (0.0, 100, 2, MAX_BATCHES_PER_CALL),  # oracle-fast batches: the cap
        (0.001, 5, 4, 2),  # the last batches spread over every call slot
        (0.001, 1, 4, 1),
    ],
)
def test_quick_batches_share_a_call(
    seconds_per_batch: float | None, queued: int, slots: int, expected: int
) -> None:
    assert batches_per_call(seconds_per_batch, queued, slots) == expected


def test_grouped_calls_answer_every_batch_once_in_fewer_calls(cluster: None, tmp_path: Path) -> None:
    items = [WorkItem(SelectedRow(row(i), "0" * 64)) for i in range(40)]
    for item in items:
        write_tone(tmp_path / "data" / item.selected.row.audio)
    pool = RayReplicaPool("oracle", AdapterOptions(), RayOptions(replicas=2), tmp_path / "data")
    try:
        with ResultLog.open(tmp_path / "results.jsonl") as log:
            counts = run_engine(items, pool, log, data_root=tmp_path / "data", batch_size=2)
    finally:
        pool.close()
    ids = [record["row_id"] for record in read_log(tmp_path)]
    assert counts.answered == 40 and sorted(ids) == sorted(item.selected.row.id for item in items)
    assert pool.calls < 20  # 20 batches; after the first answers, quick batches travel together


def test_fingerprint_difference_names_the_first_differing_key() -> None:
    first = {"adapter": "hf", "libraries": {"torch": "2.13.0", "transformers": "4.57.0"}}
    other = {"adapter": "hf", "libraries": {"torch": "2.13.0", "transformers": "4.56.1"}}
    assert _difference(first, other) == "libraries.transformers: '4.57.0' vs '4.56.1'"
    assert _difference(first, {**first, "revision": "abc"}) == "revision: None vs 'abc'"


@pytest.mark.slow
def test_gpu_replicas_on_a_local_cluster_without_gpus_are_refused(tmp_path: Path) -> None:
    """They could never be placed: a clear error instead of a run that waits forever."""
    manifest = make_set(tmp_path, 4)
    command = isac_command(
        "exec", manifest, "--model", "oracle", "--out", tmp_path / "run", "--data-root", tmp_path / "data",
        "--no-progress", "--ray", "--gpus-per-replica", "1",
    )  # fmt: skip
    completed = subprocess.run(command, capture_output=True, text=True, timeout=180, start_new_session=True)
    assert completed.returncode == 2
    assert "--gpus-per-replica 1: the Ray cluster has 0 GPU(s) in all" in completed.stderr
    assert not (tmp_path / "run" / "results.jsonl").exists() or read_log(tmp_path / "run") == []


@pytest.mark.slow
@pytest.mark.models
def test_replicas_of_a_checkpoint_that_cannot_load_name_the_cause(
    cluster: None, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from isac.compiler.errors import RunError

    checkpoint = tiny_checkpoint(tmp_path_factory, "tiny-broken")
    for shard in checkpoint.glob("*.safetensors"):
        shard.write_bytes(b"not a safetensors file")
    options = AdapterOptions(device="cpu", max_new_tokens=4)
    with pytest.raises(RunError, match=r"no replica of hf:.* could start \(1 tried\): SafetensorError"):
        RayReplicaPool(f"hf:{checkpoint}", options, RayOptions(replicas=1), tmp_path)


@pytest.mark.slow
@pytest.mark.models
def test_tiny_qwen2_audio_on_two_replicas_matches_a_local_run(
    cluster: None, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    checkpoint = tiny_checkpoint(tmp_path_factory, "tiny-qwen2-audio")
    manifest = make_set(tmp_path, 8)
    options = AdapterOptions(device="cpu", max_new_tokens=4)
    common = {"batch_size": 2, "options": options, "verify": True}
    execute(config(tmp_path, manifest, "local", f"hf:{checkpoint}", **common))
    execute(config(tmp_path, manifest, "ray", f"hf:{checkpoint}", ray=RayOptions(replicas=2), **common))
    local = answers(tmp_path / "local")
    assert answers(tmp_path / "ray") == local and len(local) == 8
    assert all(error is None for _response, error in local.values())


@pytest.mark.slow
def test_a_driver_killed_with_kill_9_resumes_without_duplicates(tmp_path: Path) -> None:
    manifest = make_set(tmp_path, 40)
    with FakeOpenAIServer(ServerState(latency_s=0.15)) as server:
        command = isac_command(
            "exec", manifest, "--model", "openai:m", "--out", tmp_path / "run", "--data-root",
            tmp_path / "data", "--base-url", server.base_url, "--no-progress", "--ray", "--replicas", "2",
        )  # fmt: skip
        results = tmp_path / "run" / "results.jsonl"
        driver = subprocess.Popen(
            command, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and driver.poll() is None:
                if results.is_file() and len(results.read_bytes().splitlines()) >= 4:
                    break
                time.sleep(0.1)
            assert driver.poll() is None, driver.stderr.read() if driver.stderr else ""
            os.kill(driver.pid, signal.SIGKILL)
            driver.wait(timeout=30)
        finally:  # the local cluster the driver started (its session) goes with it
            with contextlib.suppress(ProcessLookupError):
                os.killpg(driver.pid, signal.SIGKILL)
            if driver.stderr:
                driver.stderr.close()
        written = len(read_log(tmp_path / "run"))
        assert 4 <= written < 40
        resumed = subprocess.run(command, capture_output=True, text=True, timeout=180, start_new_session=True)
        assert resumed.returncode == 0, resumed.stderr
    ids = Counter(record["row_id"] for record in read_log(tmp_path / "run"))
    assert set(ids) == {row(i).id for i in range(40)} and set(ids.values()) == {1}
    assert len(server.state.requests) < 40 + 8  # resumed, not rerun: at most the rows in flight twice
