"""Issue 11: the `openai:` adapter over several local servers, its pooled client and its audio cache."""

from __future__ import annotations

import base64
import json
import socket
from collections import Counter
from pathlib import Path

import pytest

from isac.compiler.errors import RunError
from isac.runtime.adapters.base import AbortRun, AdapterOptions, GenerationRequest
from isac.runtime.adapters.openai_compat import OpenAICompatAdapter, RetryPolicy
from isac.runtime.execution.runner import ExecConfig, execute
from isac.runtime.run_files import read_run_info
from tests.runtime.exec_helpers import read_log, row, run_isac, write_manifest, write_tone
from tests.runtime.fake_openai import FakeOpenAIServer, ServerState

from .fault_server import FaultServer, FaultState


def free_port_url() -> str:
    """The URL of a port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}/v1"


def several(urls: list[str], **settings: float) -> OpenAICompatAdapter:
    options = AdapterOptions(base_urls=tuple(urls), timeout_s=5.0, max_retries=3)
    return OpenAICompatAdapter(
        "openai:m",
        "m",
        options,
        retry=RetryPolicy(max_retries=3, backoff_s=0.01),
        base_urls=urls,
        max_connection_failures=int(settings.get("max_connection_failures", 10)),
    )


def make_set(tmp_path: Path, count: int) -> Path:
    rows = [row(i, instruction=f"question {i}") for i in range(count)]
    for item in rows:
        write_tone(tmp_path / "data" / item.audio)
    return write_manifest(tmp_path / "m" / "f-asr.jsonl", rows)


def run(tmp_path: Path, manifest: Path, model: OpenAICompatAdapter, *, concurrency: int = 4) -> None:
    config = ExecConfig(
        manifests=(str(manifest),),
        model="openai:m",
        out=tmp_path / "run",
        data_root=tmp_path / "data",
        concurrency=concurrency,
        progress=False,
    )
    execute(config, adapter=model)


def test_requests_spread_over_every_endpoint(tmp_path: Path) -> None:
    manifest = make_set(tmp_path, 40)
    with (
        FakeOpenAIServer(ServerState(latency_s=0.02)) as first,
        FakeOpenAIServer(ServerState(latency_s=0.02)) as second,
        FakeOpenAIServer(ServerState(latency_s=0.02)) as third,
    ):
        servers = [first, second, third]
        model = several([server.base_url for server in servers])
        run(tmp_path, manifest, model, concurrency=6)
        model.close()
    records = read_log(tmp_path / "run")
    assert sorted(record["row_id"] for record in records) == sorted(
        row(i, instruction=f"question {i}").id for i in range(40)
    )
    assert all(record["error"] is None for record in records)
    shares = [len(server.state.requests) for server in servers]
    assert sum(shares) == 40 and min(shares) >= 5  # least-in-flight spreads; none is starved
    endpoint = read_run_info(tmp_path / "run").model["endpoint"]
    assert endpoint == sorted(server.base_url for server in servers)


def test_one_server_down_its_share_goes_to_the_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = make_set(tmp_path, 30)
    dead = free_port_url()
    failing = FaultState(faults=["reset"])  # answers /models, then drops every completion
    with FakeOpenAIServer() as good, FaultServer(failing) as bad:
        model = several([dead, bad.base_url, good.base_url])
        run(tmp_path, manifest, model)
        model.close()
    assert "unreachable" in capsys.readouterr().err  # the dead one was taken out before the run
    records = read_log(tmp_path / "run")
    assert len(records) == 30 and all(record["error"] is None for record in records)
    assert len(good.state.requests) == 30
    assert failing.posts <= 6  # taken out after a few consecutive failures, not sent a third of the rows


def test_all_servers_down_is_a_clear_failure(tmp_path: Path) -> None:
    manifest = make_set(tmp_path, 30)
    with pytest.raises(RunError, match=r"all 2 endpoints unusable before the run started"):
        run(tmp_path, manifest, several([free_port_url(), free_port_url()]))
    assert read_log(tmp_path / "run") == []
    first, second = FaultState(faults=["ok", "reset"]), FaultState(faults=["ok", "reset"])
    with FaultServer(first) as one, FaultServer(second) as two:  # both up, then both drop everything
        model = several([one.base_url, two.base_url], max_connection_failures=6)
        with pytest.raises(AbortRun, match=r"6 consecutive connection failures"):
            run(tmp_path, manifest, model, concurrency=1)
    records = read_log(tmp_path / "run")
    assert [record["response"] for record in records[:2]] == ["fine", "fine"]
    assert len(records) <= 3  # at most the row whose retries ran out; not a run of error records


def test_the_cli_takes_repeated_urls_and_a_file_and_resumes_on_another_list(tmp_path: Path) -> None:
    manifest = make_set(tmp_path, 12)
    with FakeOpenAIServer() as one, FakeOpenAIServer() as two:
        listing = tmp_path / "endpoints.txt"
        listing.write_text(f"# replicas\n{two.base_url}\n\n", encoding="utf-8")
        common = ("exec", manifest, "--model", "openai:m", "--out", tmp_path / "run", "--no-progress")
        first = run_isac(
            *common, "--data-root", tmp_path / "data", "--base-url", one.base_url,
            "--base-urls-file", listing, "--limit", "6", "--concurrency", "2",
        )  # fmt: skip
        assert first.returncode == 0, first.stderr
        assert len(one.state.requests) + len(two.state.requests) == 6
        assert read_run_info(tmp_path / "run").model["endpoint"] == sorted([one.base_url, two.base_url])
        second = run_isac(*common, "--data-root", tmp_path / "data", "--base-url", one.base_url)
        assert second.returncode == 0, second.stderr
        assert "endpoint" in second.stderr  # a changed endpoint list is a warning, not a refusal
    assert len(read_log(tmp_path / "run")) == 12
    empty = tmp_path / "none.txt"
    empty.write_text("# nothing\n", encoding="utf-8")
    refused = run_isac(*common, "--data-root", tmp_path / "data", "--base-urls-file", empty)
    assert refused.returncode == 2 and f"--base-urls-file {empty}: no URL" in refused.stderr


def test_each_audio_item_is_encoded_once_and_the_body_is_plain_json(tmp_path: Path) -> None:
    audio = write_tone(tmp_path / "item.flac", rate=22_050, fmt="FLAC")
    requests = [
        GenerationRequest(row=row(i, instruction=f'say "{i}" — ünïcode\n'), audio_path=audio)
        for i in range(9)
    ]
    with FakeOpenAIServer() as server:
        model = several([server.base_url])
        answers = model.generate(requests)
        model.close()
    assert [answer.response for answer in answers] == [f'echo: say "{i}" — ünïcode\n' for i in range(9)]
    assert (model.audio.misses, model.audio.hits) == (1, 8)
    bodies = [sent["body"] for sent in server.state.requests]
    assert (
        Counter(body["messages"][0]["content"][1]["input_audio"]["data"] for body in bodies).most_common(1)[
            0
        ][1]
        == 9
    )
    wav = base64.b64decode(bodies[0]["messages"][0]["content"][1]["input_audio"]["data"])
    assert wav[:4] == b"RIFF"  # FLAC re-encoded as WAV, once
    assert set(bodies[0]) == {"model", "messages", "max_tokens", "temperature"}
    assert json.loads(json.dumps(bodies[0]))["max_tokens"] == 256


def test_an_edited_audio_file_is_encoded_again(tmp_path: Path) -> None:
    audio = write_tone(tmp_path / "item.wav", seconds=0.1)
    with FakeOpenAIServer() as server:
        model = several([server.base_url])
        model.generate([GenerationRequest(row=row(1), audio_path=audio)])
        write_tone(audio, seconds=0.3)
        model.generate([GenerationRequest(row=row(1), audio_path=audio)])
        model.close()
    sent = [
        base64.b64decode(r["body"]["messages"][0]["content"][1]["input_audio"]["data"])
        for r in server.state.requests
    ]
    assert sent[0] != sent[1] and sent[1] == audio.read_bytes()
