"""Normalised text and character n-gram similarity, shared by the near-duplicate rule and the report.

Near-duplicates are judged on normalised text: lower case, placeholders reduced to their name, every run
of characters other than letters and digits collapsed to one space. Similarity is the Jaccard index of
the sets of character 4-grams of that text padded with one space each side, so word boundaries count:
"transcribe the audio" and "transcribe this audio" share most 4-grams (0.55), while two fragments that
only share a topic word score below 0.3. `NEAR_DUPLICATE` is the threshold the validator uses.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

NGRAM = 4
NEAR_DUPLICATE = 0.7
"""Two fragments with a 4-gram Jaccard similarity at or above this are near-duplicates."""

_PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")
_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalise(text: str) -> str:
    """Lower case, placeholders as their bare name, punctuation and spacing collapsed to single spaces."""
    text = _PLACEHOLDER.sub(lambda match: f" {match.group(1)} ", text.lower())
    return _NON_WORD.sub(" ", text).strip()


def ngrams(text: str, n: int = NGRAM) -> frozenset[str]:
    """The set of character n-grams of the normalised text, padded with a space each side."""
    padded = f" {normalise(text)} "
    if len(padded) <= n:
        return frozenset({padded})
    return frozenset(padded[i : i + n] for i in range(len(padded) - n + 1))


def jaccard(left: frozenset[str], right: frozenset[str]) -> float:
    """|A ∩ B| / |A ∪ B| (1.0 for two empty sets)."""
    union = len(left | right)
    return len(left & right) / union if union else 1.0


def most_similar(grams: frozenset[str], others: Sequence[tuple[str, frozenset[str]]]) -> tuple[float, str]:
    """The highest similarity to any of `others` (text, grams) and that text; (0.0, "") when none."""
    best, best_text = 0.0, ""
    for text, other in others:
        score = jaccard(grams, other)
        if score > best:
            best, best_text = score, text
    return best, best_text
