"""Qwen2.5-Omni and Phi-4-multimodal adapters on tiny random checkpoints.

Both processors bundle image/video processors that need torchvision; without it these tests skip.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from isac.runtime.adapters.base import AdapterOptions

from .hf_helpers import AudioClips, requests_for

pytest.importorskip("torch")
pytest.importorskip("transformers")

from isac.runtime import tiny_models
from isac.runtime.adapters.hf import build_hf_adapter

if not tiny_models.torchvision_available():
    pytest.skip(
        "torchvision is not importable here; the Qwen2.5-Omni and Phi-4 processors need it",
        allow_module_level=True,
    )

CLIPS = ["speech.wav", "tone22k.flac", "stereo.ogg", "missing.wav"]
FAMILIES: dict[str, tuple[Callable[[Path, int], Path], str, str]] = {
    # name: (builder, adapter name in the fingerprint, text expected in the prompt)
    "qwen2_5_omni": (
        tiny_models.build_tiny_qwen2_5_omni,
        "hf-qwen2.5-omni",
        "<|im_start|>user\n<|audio_bos|><|AUDIO|><|audio_eos|>Describe it.<|im_end|>\n"
        "<|im_start|>assistant\n",
    ),
    "phi4_multimodal": (
        tiny_models.build_tiny_phi4_multimodal,
        "hf-phi4-multimodal",
        "<|user|><|audio|>Describe it.<|end|><|assistant|>",
    ),
}


@pytest.fixture(scope="module", params=sorted(FAMILIES))
def family(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    builder, adapter_name, prompt_text = FAMILIES[request.param]
    folder = builder(tmp_path_factory.mktemp(request.param), 0)
    adapter = build_hf_adapter(str(folder), AdapterOptions(max_new_tokens=6, device="cpu"))
    adapter.load()
    yield adapter, adapter_name, prompt_text
    adapter.close()


def test_batch_answers_every_row_in_order(family, audio_clips: AudioClips) -> None:
    adapter, _, _ = family
    requests = requests_for(audio_clips, CLIPS)
    batched = adapter.generate(requests)
    assert len(batched) == len(requests)
    assert [generation.error is None for generation in batched] == [True, True, True, False]
    assert "missing.wav" in (batched[3].error or "")
    one_by_one = [adapter.generate([request])[0] for request in requests[:3]]
    assert [g.response for g in batched[:3]] == [g.response for g in one_by_one]
    assert [g.prompt_tokens for g in batched[:3]] == [g.prompt_tokens for g in one_by_one]
    for generation in batched[:3]:
        assert generation.prompt_tokens and generation.prompt_tokens > 0
        assert generation.completion_tokens and 0 < generation.completion_tokens <= 6


def test_greedy_is_deterministic(family, audio_clips: AudioClips) -> None:
    adapter, _, _ = family
    requests = requests_for(audio_clips, CLIPS[:2])
    first = [generation.response for generation in adapter.generate(requests)]
    assert first == [generation.response for generation in adapter.generate(requests)]


def test_prompt_and_fingerprint(family) -> None:
    adapter, adapter_name, prompt_text = family
    assert prompt_text in adapter.build_prompt("Describe it.")
    fingerprint = adapter.fingerprint()
    assert fingerprint["adapter"] == adapter_name
    assert fingerprint["revision"].startswith("sha256:")
    assert fingerprint["generation"]["do_sample"] is False
