"""Normalising instructions and fragments before comparing training and test text.

Two instructions are "the same" when they agree after folding case, dropping punctuation and collapsing
whitespace; "near duplicates" when the Jaccard similarity of their word-bigram sets reaches a threshold.
"""

from __future__ import annotations

import itertools
import unicodedata

import regex

_PUNCTUATION = regex.compile(r"[\p{P}\p{S}]+")
_SPACE = regex.compile(r"\s+")

NEAR_DUPLICATE_THRESHOLD = 0.8
"""Word-bigram Jaccard similarity at or above which two normalised instructions count as near duplicates.

Why 0.8: two instructions that differ in one content word out of ten share about 70 % of their bigrams,
so 0.8 flags copies with a typo, a swapped word or changed punctuation, while instructions assembled from
different fragments (training pools vs test pools) share only the format values and stay far below."""


def normalize_text(text: str) -> str:
    """NFKC, case-folded, punctuation and symbols removed, whitespace collapsed."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _SPACE.sub(" ", _PUNCTUATION.sub(" ", folded)).strip()


def bigrams(normalized: str) -> frozenset[str]:
    """The word bigrams of a normalised text (its single word when it has one)."""
    words = normalized.split()
    if len(words) < 2:
        return frozenset(words)
    return frozenset(f"{a} {b}" for a, b in itertools.pairwise(words))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """|a ∩ b| / |a ∪ b| (0 for two empty sets)."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0
