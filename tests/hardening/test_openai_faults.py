"""Issue 12: the `openai:` adapter against a fault-injection server (items 4, 5 and 10)."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest

from isac.compiler.errors import RunError
from isac.runtime.adapters.base import AbortRun, AdapterOptions, GenerationRequest
from isac.runtime.adapters.openai_compat import OpenAICompatAdapter, RetryPolicy
from isac.runtime.execution.runner import ExecConfig, execute
from tests.runtime.exec_helpers import read_log, row, run_isac, write_manifest, write_tone

from .fault_server import FaultServer, FaultState

SECRET = "sk-SECRETKEY-0123456789abcdefghijklmnopqrstuvwxyz"


def adapter(server: FaultServer, **settings: Any) -> OpenAICompatAdapter:
    timeout = settings.pop("timeout_s", 5.0)
    retries = settings.pop("max_retries", 2)
    options = AdapterOptions(
        base_url=server.base_url, timeout_s=timeout, max_retries=retries, api_key_env="ISAC_K"
    )
    return OpenAICompatAdapter(
        "openai:m", "m", options, retry=RetryPolicy(max_retries=retries, backoff_s=0.01), **settings
    )


def request(tmp_path: Path) -> GenerationRequest:
    return GenerationRequest(row=row(1), audio_path=write_tone(tmp_path / "a.wav"))


def test_a_dripping_body_is_cut_at_the_request_deadline(tmp_path: Path) -> None:
    state = FaultState(faults=["drip"], drip_s=0.05, drip_limit=400)  # the whole body would take 20 s
    with FaultServer(state) as server:
        [answer] = adapter(server, timeout_s=0.5, max_retries=0).generate([request(tmp_path)])
    assert answer.response is None and "timed out after 0.5 s (no complete response)" in (answer.error or "")
    assert state.drip_bytes < 400  # the client hung up mid-body


def test_retries_stop_at_the_row_time_budget(tmp_path: Path) -> None:
    state = FaultState(faults=["429"], retry_after="30")  # would wait 30 s five times
    with FaultServer(state) as server:
        [answer] = adapter(server, max_retries=5, max_row_time_s=1.0).generate([request(tmp_path)])
    assert "the row's time budget is 1 s" in (answer.error or "")
    assert state.posts == 1


def test_a_429_storm_is_retried_then_recorded(tmp_path: Path) -> None:
    state = FaultState(faults=["429", "429", "429", "ok"])
    with FaultServer(state) as server:
        [recovered] = adapter(server, max_retries=3).generate([request(tmp_path)])
    assert recovered.response == "fine" and state.posts == 4
    state = FaultState(faults=["429"])
    with FaultServer(state) as server:
        [failed] = adapter(server, max_retries=2).generate([request(tmp_path)])
    assert "HTTP 429" in (failed.error or "") and "gave up after 3 attempts" in (failed.error or "")


def test_resets_garbage_and_huge_bodies(tmp_path: Path) -> None:
    with FaultServer(FaultState(faults=["reset", "ok"])) as server:
        [after_reset] = adapter(server).generate([request(tmp_path)])
    assert after_reset.response == "fine"
    with FaultServer(FaultState(faults=["garbage"])) as server:
        [garbage] = adapter(server).generate([request(tmp_path)])
    assert garbage.response is None and "malformed response body" in (garbage.error or "")
    with FaultServer(FaultState(faults=["huge"], huge_chars=300_000)) as server:
        [huge] = adapter(server).generate([request(tmp_path)])
    assert huge.response is not None and len(huge.response) == 300_000  # exec caps what is stored


def test_a_key_straddling_the_cut_or_echoed_in_a_reply_is_redacted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ISAC_K", SECRET)
    with FaultServer(FaultState(faults=["401"])) as server:
        [refused] = adapter(server).generate([request(tmp_path)])
    error = refused.error or ""
    assert "Bearer ***" in error and "sk-SECRETKEY" not in error and SECRET[:12] not in error
    with FaultServer(FaultState(answer=f"your key is {SECRET}")) as server:
        [echoed] = adapter(server).generate([request(tmp_path)])
    assert echoed.response == "your key is ***"


def test_an_unreachable_endpoint_or_refused_key_stops_before_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    options = AdapterOptions(base_url=f"http://127.0.0.1:{port}/v1", timeout_s=2)
    with pytest.raises(RunError, match=r"endpoint unusable before the run started: connection failed"):
        OpenAICompatAdapter("openai:m", "m", options).check_ready()
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(RunError, match=r"no API key: \$OPENAI_API_KEY is not set"):
        OpenAICompatAdapter("openai:m", "m", AdapterOptions()).check_ready()
    monkeypatch.setenv("ISAC_K", SECRET)
    with (
        FaultServer(FaultState(refuse_key=True)) as server,
        pytest.raises(RunError, match=r"refused the API key \(HTTP 401") as caught,
    ):
        adapter(server).check_ready()
    assert SECRET not in str(caught.value)


def test_the_readiness_check_sends_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """An endpoint that wants the key on GET /models (OpenAI's does) accepts the run's key there."""
    monkeypatch.setenv("ISAC_K", SECRET)
    with FaultServer(FaultState(require_key=SECRET)) as server:
        adapter(server).check_ready()
        assert server.state.gets == 1
    monkeypatch.setenv("ISAC_K", "another-key")
    with (
        FaultServer(FaultState(require_key=SECRET)) as server,
        pytest.raises(RunError, match=r"refused the API key \(HTTP 401: .*Bearer \*\*\*"),
    ):
        adapter(server).check_ready()


def test_consecutive_connection_failures_stop_the_run(tmp_path: Path) -> None:
    rows = [row(i) for i in range(30)]
    manifest = write_manifest(tmp_path / "m" / "f-asr.jsonl", rows)
    for item in rows:
        write_tone(tmp_path / "data" / item.audio)
    state = FaultState(faults=["ok", "ok", "reset"])  # the server answers twice, then drops everything
    with FaultServer(state) as server:
        model = adapter(server, max_retries=1, max_connection_failures=4)
        config = ExecConfig(
            manifests=(str(manifest),),
            model="openai:m",
            out=tmp_path / "run",
            data_root=tmp_path / "data",
            progress=False,
        )
        with pytest.raises(AbortRun, match=r"4 consecutive connection failures"):
            execute(config, adapter=model)
    records = read_log(tmp_path / "run")
    assert [record["response"] for record in records[:2]] == ["fine", "fine"]
    assert len(records) < 30  # stopped early; the rest run on resume
    assert state.posts < 12


def test_the_cli_exits_non_zero_for_an_unreachable_endpoint(tmp_path: Path) -> None:
    manifest = write_manifest(tmp_path / "m" / "f-asr.jsonl", [row(1)])
    write_tone(tmp_path / "data" / row(1).audio)
    done = run_isac(
        "exec",
        manifest,
        "--model",
        "openai:m",
        "--out",
        tmp_path / "run",
        "--data-root",
        tmp_path / "data",
        "--base-url",
        "http://127.0.0.1:9/v1",
    )
    assert done.returncode == 2 and "endpoint unusable" in done.stderr and "Traceback" not in done.stderr
