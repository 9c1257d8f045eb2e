"""The Qwen2-Audio adapter on a tiny random checkpoint: batching, determinism, errors, fingerprint."""

from __future__ import annotations

from pathlib import Path

import pytest

from isac.runtime.adapters.base import AdapterOptions, Generation

from .hf_helpers import AudioClips, requests_for

pytest.importorskip("torch")
pytest.importorskip("transformers")

from isac.runtime.adapters.hf import build_hf_adapter
from isac.runtime.adapters.hf.generation import HFAdapter

CLIPS = ["speech.wav", "tone16k.wav", "tone22k.flac", "stereo.ogg", "noise16k.wav"]


@pytest.fixture(scope="module")
def adapter(tiny_qwen2_audio: Path) -> HFAdapter:
    built = build_hf_adapter(str(tiny_qwen2_audio), AdapterOptions(max_new_tokens=10, device="cpu"))
    assert isinstance(built, HFAdapter)
    built.load()
    yield built
    built.close()


def texts(generations: list[Generation]) -> list[str | None]:
    return [generation.response for generation in generations]


def test_batch_gives_one_generation_per_row_in_order(adapter: HFAdapter, audio_clips: AudioClips) -> None:
    requests = requests_for(audio_clips, CLIPS)
    generations = adapter.generate(requests)
    assert len(generations) == len(requests)
    assert all(generation.error is None for generation in generations)
    assert all(isinstance(generation.response, str) for generation in generations)
    # Each row answered for itself: re-running a row alone reproduces its position's answer.
    for index in (0, 3):
        assert texts(adapter.generate([requests[index]])) == [generations[index].response]


def test_greedy_decoding_is_deterministic(adapter: HFAdapter, audio_clips: AudioClips) -> None:
    requests = requests_for(audio_clips, CLIPS[:3])
    assert texts(adapter.generate(requests)) == texts(adapter.generate(requests))


def test_batched_equals_unbatched(adapter: HFAdapter, audio_clips: AudioClips) -> None:
    requests = requests_for(audio_clips, CLIPS)
    batched = adapter.generate(requests)
    one_by_one = [adapter.generate([request])[0] for request in requests]
    assert texts(batched) == texts(one_by_one)
    assert [g.prompt_tokens for g in batched] == [g.prompt_tokens for g in one_by_one]
    assert [g.completion_tokens for g in batched] == [g.completion_tokens for g in one_by_one]
    # The tiny model's answers depend on the input, so equality above is not vacuous.
    assert len(set(texts(batched))) > 1


def test_token_counts(adapter: HFAdapter, audio_clips: AudioClips) -> None:
    requests = requests_for(audio_clips, CLIPS[:4])
    generations = adapter.generate(requests)
    for generation in generations:
        assert generation.prompt_tokens is not None and generation.prompt_tokens > 0
        assert generation.completion_tokens is not None
        assert 0 < generation.completion_tokens <= 10
        assert generation.latency_s > 0
    # Longer instructions give longer prompts (the audio part is the same length for every clip).
    assert generations[1].prompt_tokens > generations[0].prompt_tokens
    assert generations[3].prompt_tokens > generations[2].prompt_tokens


def test_bad_audio_becomes_an_error_row(adapter: HFAdapter, audio_clips: AudioClips) -> None:
    (audio_clips.root / "corrupt.wav").write_bytes(b"RIFF not really a wave file")
    names = ["speech.wav", "missing.wav", "tone16k.wav", "corrupt.wav"]
    generations = adapter.generate(requests_for(audio_clips, names))
    assert len(generations) == 4
    assert generations[1].response is None
    assert "missing.wav: audio file not found" in (generations[1].error or "")
    assert generations[3].response is None
    assert "corrupt.wav: cannot decode audio" in (generations[3].error or "")
    # The readable rows are answered as if the unreadable ones had never been in the batch.
    requests = requests_for(audio_clips, names)
    good = adapter.generate([requests[0], requests[2]])
    assert [generations[0].response, generations[2].response] == texts(good)
    assert generations[0].error is None and generations[2].error is None


def test_all_rows_failing_gives_all_errors(adapter: HFAdapter, audio_clips: AudioClips) -> None:
    generations = adapter.generate(requests_for(audio_clips, ["gone1.wav", "gone2.wav"]))
    assert [generation.error is not None for generation in generations] == [True, True]


def test_fingerprint_fields(adapter: HFAdapter, tiny_qwen2_audio: Path) -> None:
    fingerprint = adapter.fingerprint()
    assert fingerprint["model_id"] == f"hf:{tiny_qwen2_audio}"
    assert fingerprint["adapter"] == "hf-qwen2-audio"
    assert fingerprint["weights"] == str(tiny_qwen2_audio.resolve())
    assert fingerprint["revision"].startswith("sha256:")
    assert fingerprint["generation"] == {
        "max_new_tokens": 10,
        "do_sample": False,
        "temperature": 0.0,
        "num_beams": 1,
    }
    assert set(fingerprint["libraries"]) == {"torch", "transformers"}
    # Computed once, stable across calls and across adapters on the same folder.
    again = build_hf_adapter(str(tiny_qwen2_audio), AdapterOptions(max_new_tokens=10, device="cpu"))
    assert again.fingerprint() == fingerprint


def test_sampling_settings_enter_the_fingerprint(tiny_qwen2_audio: Path, audio_clips: AudioClips) -> None:
    options = AdapterOptions(max_new_tokens=6, temperature=0.8, device="cpu")
    sampler = build_hf_adapter(str(tiny_qwen2_audio), options)
    generation = sampler.fingerprint()["generation"]
    assert generation["do_sample"] is True
    assert generation["temperature"] == 0.8
    answers = sampler.generate(requests_for(audio_clips, CLIPS[:2]))
    assert all(answer.error is None for answer in answers)
    sampler.close()


def test_system_prompt_option_changes_the_prompt(tiny_qwen2_audio: Path) -> None:
    options = AdapterOptions(max_new_tokens=4, device="cpu", extra=(("system_prompt", "Be terse."),))
    custom = build_hf_adapter(str(tiny_qwen2_audio), options)
    custom.load()
    prompt = custom.build_prompt("Transcribe.")
    assert prompt.startswith("<|im_start|>system\nBe terse.<|im_end|>\n")
    assert "Audio 1: <|audio_bos|><|AUDIO|><|audio_eos|>\nTranscribe.<|im_end|>" in prompt
    assert prompt.endswith("<|im_start|>assistant\n")


def test_default_prompt_follows_qwen2_audio_layout(adapter: HFAdapter) -> None:
    prompt = adapter.build_prompt("What is the emotion?")
    assert prompt == (
        "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"
        "<|im_start|>user\nAudio 1: <|audio_bos|><|AUDIO|><|audio_eos|>\nWhat is the emotion?<|im_end|>\n"
        "<|im_start|>assistant\n"
    )
