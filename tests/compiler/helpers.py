"""Synthetic dataset indexes and a copy of the real spec, shared by the compiler tests."""

from __future__ import annotations

import shutil
from pathlib import Path

from isac.compiler.datasets.base import DatasetIndex, DatasetItem

REPO = Path(__file__).resolve().parents[2]
SPEC_DIR = REPO / "spec"

_WORDS = (
    "the",
    "quick",
    "brown",
    "fox",
    "jumps",
    "over",
    "a",
    "lazy",
    "dog",
    "while",
    "birds",
    "sing",
    "near",
    "old",
    "river",
    "banks",
)
EMOTIONS = ("happy", "sad", "angry", "neutral")


def sentence(index: int, words: int) -> str:
    """A deterministic pseudo sentence of `words` words."""
    return " ".join(_WORDS[(index * 7 + offset * 3) % len(_WORDS)] for offset in range(words))


def librispeech(count: int = 6) -> DatasetIndex:
    items = tuple(
        DatasetItem(
            item_id=f"1089-134686-{index:04d}",
            audio=f"LibriSpeech/test-clean/1089/134686/1089-134686-{index:04d}.flac",
            references={"ASR": (sentence(index, 8).upper(),), "GR": ("male" if index % 2 else "female",)},
        )
        for index in range(count)
    )
    return DatasetIndex(name="librispeech", adapter="librispeech", items=items, fingerprint="fp-libri")


def covost2(count: int = 4) -> DatasetIndex:
    items = tuple(
        DatasetItem(
            item_id=f"common_voice_en_{index}",
            audio=f"CoVoST2/clips/common_voice_en_{index}.mp3",
            references={"S2TT": (f"这是第{index}句话。",)},
        )
        for index in range(count)
    )
    return DatasetIndex(name="covost2", adapter="covost2", items=items, fingerprint="fp-covost")


def iemocap(count: int = 8) -> DatasetIndex:
    """Items alternate between long (N-eligible) and short (3-word) transcripts."""
    items = tuple(
        DatasetItem(
            item_id=f"Ses05F_impro01_F{index:03d}",
            audio=f"IEMOCAP_full_release/Session5/sentences/wav/Ses05F_impro01/Ses05F_impro01_F{index:03d}.wav",
            references={
                "SER": (EMOTIONS[index % 4],),
                "GR": ("female",),
                "ASR": (sentence(index, 9 if index % 2 == 0 else 3),),
            },
        )
        for index in range(count)
    )
    return DatasetIndex(name="iemocap", adapter="iemocap", items=items, fingerprint="fp-iemocap")


def audiocaps(count: int = 3) -> DatasetIndex:
    items = tuple(
        DatasetItem(
            item_id=f"Y{index:010d}",
            audio=f"AudioCaps/test/Y{index:010d}.wav",
            references={"AAC": tuple(sentence(index + k, 6) for k in range(5))},
        )
        for index in range(count)
    )
    return DatasetIndex(name="audiocaps", adapter="audiocaps", items=items, fingerprint="fp-audiocaps")


def indexes() -> dict[str, DatasetIndex]:
    """Small indexes for every dataset of the real spec."""
    return {index.name: index for index in (librispeech(), covost2(), iemocap(), audiocaps())}


def copy_spec(destination: Path) -> Path:
    """A writable copy of the real spec directory."""
    target = destination / "spec"
    shutil.copytree(SPEC_DIR, target)
    return target
