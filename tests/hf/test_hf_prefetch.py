"""Prefetch with the tiny Qwen2-Audio: the engine's prepare/generate_prepared path gives the same records
as calling `generate` per batch, and an encoding failure is isolated to its row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from isac.runtime.adapters.base import AdapterOptions, Generation, GenerationRequest
from isac.runtime.execution.engine import WorkItem, run_engine
from isac.runtime.execution.selection import SelectedRow
from isac.runtime.results import ResultLog

from ..runtime.exec_helpers import read_log
from .hf_helpers import INSTRUCTIONS, AudioClips, manifest_row, requests_for

pytest.importorskip("torch")
pytest.importorskip("transformers")

from isac.runtime.adapters.hf import build_hf_adapter
from isac.runtime.adapters.hf.generation import HFAdapter

# Batches of two: (speech, tone16k), (missing, tone22k), (noise16k, stereo), (corrupt).
NAMES = [
    "speech.wav",
    "tone16k.wav",
    "missing.wav",
    "tone22k.flac",
    "noise16k.wav",
    "stereo.ogg",
    "corrupt.wav",
]
NOISE_SAMPLES = 11_200  # noise16k.wav is 0.7 s at 16 kHz, the model's rate


@pytest.fixture(scope="module")
def adapter(tiny_qwen2_audio: Path) -> HFAdapter:
    built = build_hf_adapter(str(tiny_qwen2_audio), AdapterOptions(max_new_tokens=8, device="cpu"))
    assert isinstance(built, HFAdapter)
    built.load()
    yield built
    built.close()


class GenerateOnly:
    """Hides prepare/generate_prepared, so the engine calls `generate` once per batch."""

    needs_audio = True

    def __init__(self, inner: HFAdapter) -> None:
        self.model_id = inner.model_id
        self._inner = inner

    def generate(self, requests: list[GenerationRequest]) -> list[Generation]:
        return self._inner.generate(requests)


def items(clips: AudioClips) -> list[WorkItem]:
    (clips.root / "corrupt.wav").write_bytes(b"RIFF not really a wave file")
    return [
        WorkItem(SelectedRow(manifest_row(index, INSTRUCTIONS[index % len(INSTRUCTIONS)], name), "0" * 64))
        for index, name in enumerate(NAMES)
    ]


def run(adapter: Any, clips: AudioClips, out: Path) -> list[dict[str, Any]]:
    log = ResultLog.open(out / "results.jsonl")
    run_engine(items(clips), adapter, log, data_root=clips.root, batch_size=2)
    return [{key: value for key, value in record.items() if key != "latency_s"} for record in read_log(out)]


def test_on_a_cpu_the_engine_does_not_prefetch(adapter: HFAdapter) -> None:
    from isac.runtime.execution.engine import _can_prefetch

    assert adapter.device == "cpu" and adapter.prefetch_helps is False
    assert not _can_prefetch(adapter)  # the helper thread would only compete with the model for the cores


def test_prefetch_gives_the_records_of_generate_per_batch(
    adapter: HFAdapter, audio_clips: AudioClips, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(adapter, "prefetch_helps", True)  # as on a GPU: take the prefetch path on the CPU
    prefetched = run(adapter, audio_clips, tmp_path)
    (tmp_path / "plain").mkdir()
    plain = run(GenerateOnly(adapter), audio_clips, tmp_path / "plain")
    assert prefetched == plain
    errors = [record["error"] for record in prefetched]
    assert errors[2].startswith("audio file not found:")
    assert errors[6] is not None  # unreadable audio: the adapter's own error, batch-mates unaffected
    answered = [record["response"] for index, record in enumerate(prefetched) if index not in (2, 6)]
    assert all(isinstance(response, str) for response in answered)
    assert len(set(answered)) > 1  # the answers depend on the input, so equality is not vacuous


def test_an_encode_failure_is_isolated_to_its_row(
    adapter: HFAdapter, audio_clips: AudioClips, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clean = run(GenerateOnly(adapter), audio_clips, tmp_path)
    original = adapter.encode

    def encode(prompts: list[str], audios: list[np.ndarray]) -> Any:
        if any(len(audio) == NOISE_SAMPLES for audio in audios):
            raise ValueError("odd audio")
        return original(prompts, audios)

    monkeypatch.setattr(adapter, "encode", encode)
    monkeypatch.setattr(adapter, "prefetch_helps", True)  # as on a GPU: take the prefetch path on the CPU
    for name in ("prefetch", "plain"):
        (tmp_path / name).mkdir()
    prefetched = run(adapter, audio_clips, tmp_path / "prefetch")
    plain = run(GenerateOnly(adapter), audio_clips, tmp_path / "plain")
    assert prefetched == plain
    noise = NAMES.index("noise16k.wav")
    assert prefetched[noise]["error"] == "generation failed: ValueError: odd audio"
    # Its batch failed to encode as a whole; its batch-mate, retried alone, answers as without the failure.
    assert [r for i, r in enumerate(prefetched) if i != noise] == [
        r for i, r in enumerate(clean) if i != noise
    ]


def test_a_batch_failing_to_encode_is_retried_row_by_row(
    adapter: HFAdapter, audio_clips: AudioClips, monkeypatch: pytest.MonkeyPatch
) -> None:
    requests = requests_for(audio_clips, ["speech.wav", "noise16k.wav", "tone16k.wav"])
    clean = adapter.generate(requests)
    original = adapter.encode

    def encode(prompts: list[str], audios: list[np.ndarray]) -> Any:
        if any(len(audio) == NOISE_SAMPLES for audio in audios):
            raise ValueError("odd audio")
        return original(prompts, audios)

    monkeypatch.setattr(adapter, "encode", encode)
    prepared = adapter.prepare(requests)
    assert isinstance(prepared.encode_error, ValueError)  # kept, not raised
    generations = adapter.generate_prepared(prepared)
    assert [g.response for g in generations] == [clean[0].response, None, clean[2].response]
    assert generations[1].error == "generation failed: ValueError: odd audio"
