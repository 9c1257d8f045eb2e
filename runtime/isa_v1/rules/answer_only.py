"""The official "answer only" tests for ASR (F constrain and N parts) and AAC (F constrain).

ASR: a response is a bare transcript when, after light preprocessing (lowercase, no ASCII punctuation,
single spaces), its word edit distance to the reference is below the reference length, one backtrace
of that alignment holds fewer than three insertions, it names no blacklisted phrase and it is not one
short word unit repeated. AAC: no blacklisted phrase and not a repeated unit.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from isac.runtime.isa_v1.rules.text import light_words
from isac.runtime.isa_v1.vocabulary import AAC_BLACKLIST, ASR_BLACKLIST

MAX_INSERTIONS = 3  # this many inserted words (or more) mark added commentary
_NON_WORD = re.compile(r"[^\w\s]")


@dataclass(frozen=True)
class Alignment:
    """Word edit distance between a reference and a hypothesis, and the insertions of one backtrace."""

    distance: int
    insertions: int


def align_words(reference: Sequence[str], hypothesis: Sequence[str]) -> Alignment:
    """Levenshtein distance over words plus the insertion count of one backtrace.

    The backtrace walks from the end and, where several moves explain a cell, prefers the diagonal
    (match or substitution), then an insertion (a hypothesis word), then a deletion, as the official
    script does; the insertion count depends on that order.
    """
    rows, cols = len(reference), len(hypothesis)
    table = [[0] * (cols + 1) for _ in range(rows + 1)]
    for i in range(rows + 1):
        table[i][0] = i
    for j in range(cols + 1):
        table[0][j] = j
    for i in range(1, rows + 1):
        for j in range(1, cols + 1):
            cost = 0 if reference[i - 1] == hypothesis[j - 1] else 1
            table[i][j] = min(table[i - 1][j - 1] + cost, table[i][j - 1] + 1, table[i - 1][j] + 1)
    insertions = 0
    i, j = rows, cols
    while i > 0 or j > 0:
        if i > 0 and j > 0:
            cost = 0 if reference[i - 1] == hypothesis[j - 1] else 1
            if table[i][j] == table[i - 1][j - 1] + cost:
                i, j = i - 1, j - 1
                continue
        if j > 0 and table[i][j] == table[i][j - 1] + 1:
            insertions += 1
            j -= 1
            continue
        i -= 1
    return Alignment(distance=table[rows][cols], insertions=insertions)


def repetition_words(text: str) -> list[str]:
    """Words for the repetition test: every non-word, non-space character becomes a space; lowercase."""
    return _NON_WORD.sub(" ", text).lower().split()


def is_repeated_unit(words: Sequence[str]) -> bool:
    """True when the whole word sequence is a shorter unit repeated at least twice ("stew stew")."""
    length = len(words)
    if length < 2:
        return False
    for unit in range(1, length // 2 + 1):
        if length % unit == 0 and list(words) == list(words[:unit]) * (length // unit):
            return True
    return False


def contains_any(text: str, phrases: Sequence[str]) -> bool:
    """Plain substring test of the lowercased text against lowercase phrases."""
    lowered = text.lower()
    return any(phrase in lowered for phrase in phrases)


def is_asr_answer_only(response: str, reference: str) -> bool:
    """The official ASR answer-only test (F constrain, and the ASR part of N records).

    A reference without words gives an error ratio of 0 (as officially), so only the insertion limit
    and the phrase and repetition tests apply then.
    """
    reference_words = light_words(reference)
    alignment = align_words(reference_words, light_words(response))
    ratio = alignment.distance / len(reference_words) if reference_words else 0.0
    if ratio >= 1:
        return False
    if alignment.insertions >= MAX_INSERTIONS:
        return False
    if contains_any(response, ASR_BLACKLIST):
        return False
    return not is_repeated_unit(repetition_words(response))


def is_aac_answer_only(response: str) -> bool:
    """The official AAC answer-only test: no blacklisted phrase and not a repeated unit."""
    if contains_any(response, AAC_BLACKLIST):
        return False
    return not is_repeated_unit(repetition_words(response))
