"""Text normalisers for scoring: Whisper-compatible English (ASR WER) and a basic one."""

from __future__ import annotations

from .basic import BasicTextNormalizer
from .english import EnglishTextNormalizer
from .numbers import EnglishNumberNormalizer

__all__ = ["BasicTextNormalizer", "EnglishNumberNormalizer", "EnglishTextNormalizer"]
