"""Fixtures of the transformers adapter tests: synthesized audio and tiny checkpoints built offline."""

from __future__ import annotations

import os

# Set before transformers is imported anywhere in the session: the tests must never reach the hub.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

from pathlib import Path

import pytest

from .hf_helpers import AudioClips, write_audio_clips


@pytest.fixture(scope="session")
def audio_clips(tmp_path_factory: pytest.TempPathFactory) -> AudioClips:
    """Speech (espeak-ng when installed), a 16 kHz tone, a 22.05 kHz FLAC and a stereo OGG."""
    return write_audio_clips(tmp_path_factory.mktemp("audio"))


@pytest.fixture(scope="session")
def tiny_qwen2_audio(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random Qwen2-Audio checkpoint folder (built once per session)."""
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    from isac.runtime.tiny_models import build_tiny_qwen2_audio

    return build_tiny_qwen2_audio(tmp_path_factory.mktemp("tiny-qwen2-audio"), seed=0)
