"""The OpenAI-compatible adapter against a real HTTP server on 127.0.0.1 with injected failures."""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import Any

import pytest
import soundfile

from isac.runtime.adapters.base import AdapterOptions, GenerationRequest
from isac.runtime.adapters.openai_compat import OpenAICompatAdapter, RetryPolicy
from isac.runtime.adapters.registry import build_adapter
from isac.runtime.execution.runner import ExecConfig, execute

from .exec_helpers import read_log, row, write_manifest, write_tone
from .fake_openai import FakeOpenAIServer, ServerState

SECRET = "sk-test-SECRET-never-on-disk-1234567890"


def make_adapter(server: FakeOpenAIServer, **options: Any) -> OpenAICompatAdapter:
    values: dict[str, Any] = {"base_url": server.base_url, "timeout_s": 5.0, "max_retries": 3}
    values.update(options)
    return OpenAICompatAdapter(
        "openai:tiny-audio",
        "tiny-audio",
        AdapterOptions(**values),
        retry=RetryPolicy(values["max_retries"], 0.01),
    )


def request_for(
    tmp_path: Path, instruction: str, *, fmt: str = "WAV", suffix: str = ".wav"
) -> GenerationRequest:
    audio = write_tone(
        tmp_path / f"{abs(hash(instruction))}{suffix}", rate=22_050 if fmt != "WAV" else 16_000, fmt=fmt
    )
    return GenerationRequest(row=row(1, instruction=instruction), audio_path=audio)


def test_request_shape_audio_part_and_token_counts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ISAC_TEST_KEY", SECRET)
    with FakeOpenAIServer() as server:
        adapter = make_adapter(server, api_key_env="ISAC_TEST_KEY", max_new_tokens=32, temperature=0.0)
        request = request_for(tmp_path, "Transcribe the audio.")
        [generation] = adapter.generate([request])
    assert generation.error is None and generation.response == "echo: Transcribe the audio."
    assert (generation.prompt_tokens, generation.completion_tokens) == (11, 7)
    [sent] = server.state.requests
    assert sent["path"] == "/v1/chat/completions"
    assert sent["headers"]["Authorization"] == f"Bearer {SECRET}"
    assert sent["headers"]["User-Agent"].startswith("isac/")
    body = sent["body"]
    assert body["model"] == "tiny-audio" and body["max_tokens"] == 32 and body["temperature"] == 0.0
    text_part, audio_part = body["messages"][0]["content"]
    assert text_part == {"type": "text", "text": "Transcribe the audio."}
    assert audio_part["type"] == "input_audio" and audio_part["input_audio"]["format"] == "wav"
    assert base64.b64decode(audio_part["input_audio"]["data"]) == request.audio_path.read_bytes()


def test_non_wav_audio_is_sent_as_16k_mono_wav(tmp_path: Path) -> None:
    with FakeOpenAIServer() as server:
        adapter = make_adapter(server)
        [generation] = adapter.generate([request_for(tmp_path, "flac please", fmt="FLAC", suffix=".flac")])
    assert generation.error is None
    data = base64.b64decode(
        server.state.requests[0]["body"]["messages"][0]["content"][1]["input_audio"]["data"]
    )
    info = soundfile.info(io.BytesIO(data))
    assert (info.format, info.samplerate, info.channels) == ("WAV", 16_000, 1)


def test_undecodable_audio_is_an_error_without_a_request(tmp_path: Path) -> None:
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"RIFF not really audio")
    with FakeOpenAIServer() as server:
        [generation] = make_adapter(server).generate([GenerationRequest(row=row(1), audio_path=bad)])
    assert generation.response is None and "cannot decode audio" in (generation.error or "")
    assert server.state.requests == []


@pytest.mark.parametrize(
    ("actions", "calls", "error"),
    [
        (["429", "429", "ok"], 3, None),
        (["500", "503", "ok"], 3, None),
        (["drop", "ok"], 2, None),
        (["500"], 4, "HTTP 500"),  # 1 try + 3 retries, then an error record
        (["400"], 1, "HTTP 400"),  # client errors are not retried
        (["malformed"], 1, "malformed response body"),
    ],
)
def test_retries_and_errors(tmp_path: Path, actions: list[str], calls: int, error: str | None) -> None:
    state = ServerState(script={"go": actions})
    with FakeOpenAIServer(state) as server:
        [generation] = make_adapter(server).generate([request_for(tmp_path, "go")])
    assert state.calls["go"] == calls
    if error is None:
        assert generation.error is None and generation.response == "echo: go"
    else:
        assert generation.response is None and error in (generation.error or "")
        if calls > 1:
            assert f"gave up after {calls} attempts" in (generation.error or "")


def test_a_slow_response_times_out_and_is_retried(tmp_path: Path) -> None:
    state = ServerState(script={"slow": ["slow", "ok"], "always slow": ["slow"]}, slow_s=1.5)
    with FakeOpenAIServer(state) as server:
        adapter = make_adapter(server, timeout_s=0.3, max_retries=1)
        recovered, failed = adapter.generate(
            [request_for(tmp_path, "slow"), request_for(tmp_path, "always slow")]
        )
    assert recovered.error is None and recovered.response == "echo: slow"
    assert failed.response is None and "timed out after 0.3 s" in (failed.error or "")
    assert state.calls["always slow"] == 2


def test_retry_policy_honours_retry_after_and_caps_backoff() -> None:
    policy = RetryPolicy(max_retries=5, backoff_s=1.0)
    assert all(0.0 <= policy.delay(retry, None) <= 2**retry for retry in range(5))
    assert policy.delay(0, 7.0) >= 7.0
    assert policy.delay(10, None) <= 30.0


def test_exec_through_the_server_keeps_the_key_off_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ISAC_TEST_KEY", SECRET)
    rows = [row(i, instruction=f"q{i}") for i in range(6)]
    manifest = write_manifest(tmp_path / "m" / "d-asr.jsonl", rows)
    for item in rows:
        write_tone(tmp_path / "data" / item.audio)
    # q1's error body quotes the Authorization header: the key must still not reach the log.
    state = ServerState(script={"q1": ["400-leak"], "q2": ["500"], "q3": ["malformed"]})
    with FakeOpenAIServer(state) as server:
        options = AdapterOptions(
            base_url=server.base_url, api_key_env="ISAC_TEST_KEY", max_retries=1, timeout_s=5
        )
        options = AdapterOptions(**{**options.__dict__, "extra": (("retry_backoff_s", 0.01),)})
        adapter = build_adapter("openai:tiny-audio", options)
        config = ExecConfig(
            manifests=(str(manifest),),
            model="openai:tiny-audio",
            out=tmp_path / "run",
            data_root=tmp_path / "data",
            concurrency=3,
            progress=False,
        )
        summary = execute(config, adapter=adapter)
    assert (summary.answered, summary.errors) == (3, 3)
    by_row = {record["row_id"]: record for record in read_log(tmp_path / "run")}
    assert (
        by_row[rows[1].id]["error"].startswith("HTTP 400: ") and "Bearer ***" in by_row[rows[1].id]["error"]
    )
    assert "gave up after 2 attempts" in by_row[rows[2].id]["error"]
    assert by_row[rows[0].id]["response"] == "echo: q0" and by_row[rows[0].id]["prompt_tokens"] == 11
    assert all(request["headers"]["Authorization"] == f"Bearer {SECRET}" for request in state.requests)
    for path in (tmp_path / "run").rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), f"API key written to {path}"
            assert b"ISAC_TEST_KEY" not in path.read_bytes()


def test_the_key_is_scrubbed_from_error_messages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ISAC_TEST_KEY", SECRET)
    state = ServerState(script={"leak": ["400-leak"]})
    with FakeOpenAIServer(state) as server:
        [generation] = make_adapter(server, api_key_env="ISAC_TEST_KEY").generate(
            [request_for(tmp_path, "leak")]
        )
    assert "bad credentials: Bearer ***" in (generation.error or "")
    assert SECRET not in (generation.error or "")
    assert "Authorization" not in str(make_adapter(server).fingerprint())


def test_threads_missing_one_item_at_once_encode_it_once(tmp_path: Path) -> None:
    """Single flight: 16 workers asking for the same uncached FLAC decode it once and get equal bytes;
    an undecodable file fails every waiter and is not cached (the next call tries again)."""
    import threading

    from isac.runtime.adapters.openai_compat import AudioCache

    flac = tmp_path / "item.flac"
    soundfile.write(flac, [0.1, -0.1] * 8000, 16000, format="FLAC")
    cache = AudioCache()
    start = threading.Barrier(16)
    results: list[bytes] = []

    def fetch() -> None:
        start.wait()
        results.append(cache.base64_wav(flac))

    threads = [threading.Thread(target=fetch) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert cache.misses == 1 and cache.hits + cache.misses <= 16 and len(results) == 16
    assert len(set(results)) == 1
    decoded, rate = soundfile.read(io.BytesIO(base64.b64decode(results[0])))
    assert rate == 16000 and len(decoded) == 16000

    broken = tmp_path / "broken.flac"
    broken.write_bytes(b"fLaC but not really")
    for _attempt in range(2):
        with pytest.raises(Exception, match="cannot decode audio"):
            cache.base64_wav(broken)
    assert cache.misses == 3
