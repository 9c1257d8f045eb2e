"""Deterministic instruction perturbations for the D dimension: case changes, word swaps and typos.

Every function is pure: the output depends only on the text, the protected spans, the parameters and the
`HashRng` stream it is given. Protected spans (the prefix a model must copy, label words, JSON keys) are
never modified: edits touch only words lying wholly outside them, and everything else stays in place.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from isac.compiler.sampling import HashRng

# A word: letters, optionally joined by apostrophes (speaker's). Digits and underscores are not letters.
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")

TYPO_OPERATIONS: tuple[str, ...] = ("drop", "duplicate", "swap", "replace")

# Neighbouring keys on a QWERTY keyboard: a "replace" typo hits a key next to the intended one.
_NEIGHBOURS: dict[str, str] = {
    "a": "qwsz", "b": "vghn", "c": "xdfv", "d": "serfcx", "e": "wsdr", "f": "drtgvc", "g": "ftyhbv",
    "h": "gyujnb", "i": "ujko", "j": "huikmn", "k": "jiolm", "l": "kop", "m": "njk", "n": "bhjm",
    "o": "iklp", "p": "ol", "q": "wa", "r": "edft", "s": "awedxz", "t": "rfgy", "u": "yhji",
    "v": "cfgb", "w": "qase", "x": "zsdc", "y": "tghu", "z": "asx",
}  # fmt: skip


@dataclass(frozen=True)
class Perturbation:
    """A perturbed text and a short description of each edit (kept in the row's meta)."""

    text: str
    edits: tuple[str, ...]


def protected_spans(text: str, phrases: Iterable[str]) -> tuple[tuple[int, int], ...]:
    """Character ranges of every occurrence of every phrase (case-insensitive), sorted."""
    lowered = text.lower()
    spans: list[tuple[int, int]] = []
    for phrase in phrases:
        needle = phrase.lower()
        if not needle:
            continue
        start = lowered.find(needle)
        while start != -1:
            spans.append((start, start + len(needle)))
            start = lowered.find(needle, start + 1)
    return tuple(sorted(spans))


def _overlaps(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(start < span_end and span_start < end for span_start, span_end in spans)


def _edit_count(eligible: int, rate: float, min_edits: int, max_edits: int) -> int:
    wanted = round(rate * eligible)
    return max(0, min(max(wanted, min_edits), max_edits, eligible))


def upper_case(text: str) -> str:
    """The whole text in upper case (D2)."""
    return text.upper()


def lower_case(text: str) -> str:
    """The whole text in lower case (D2)."""
    return text.lower()


def swap_words(
    text: str,
    rng: HashRng,
    *,
    rate: float,
    min_edits: int,
    max_edits: int,
    protected: Sequence[tuple[int, int]] = (),
) -> Perturbation:
    """Syntax errors: swap pairs of adjacent words separated by a single space.

    Punctuation stays where it was, so "Tell the speaker's feeling;" can become "Tell speaker's the
    feeling;". A capital letter that starts the left word moves to the new first word. The number of
    swaps is `rate` times the number of words, clamped to [min_edits, max_edits] and to what is possible.
    """
    words = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    candidates = [
        index
        for index in range(len(words) - 1)
        if text[words[index][1] : words[index + 1][0]] == " "
        and not _overlaps(words[index][0], words[index + 1][1], protected)
        and text[slice(*words[index])].lower() != text[slice(*words[index + 1])].lower()
    ]
    wanted = _edit_count(len(words), rate, min_edits, max_edits)
    chosen: list[int] = []
    used: set[int] = set()
    remaining = list(candidates)
    # draw candidates one at a time until enough non-overlapping pairs are chosen
    while remaining and len(chosen) < wanted:
        index = remaining.pop(rng.below(len(remaining)))
        if index in used or index + 1 in used:
            continue
        chosen.append(index)
        used.update((index, index + 1))
    pieces: list[str] = []
    edits: list[str] = []
    cursor = 0
    for index in sorted(chosen):
        (left_start, left_end), (right_start, right_end) = words[index], words[index + 1]
        left, right = text[left_start:left_end], text[right_start:right_end]
        new_left, new_right = _move_capital(left, right)
        pieces.append(text[cursor:left_start])
        pieces.append(f"{new_left} {new_right}")
        cursor = right_end
        edits.append(f"swap@{left_start}:{left}|{right}")
    pieces.append(text[cursor:])
    return Perturbation("".join(pieces), tuple(edits))


def _move_capital(left: str, right: str) -> tuple[str, str]:
    """Swap two words; a sentence-initial capital on `left` moves to `right` ("Tell the" -> "The tell")."""
    left_capitalised = left[:1].isupper() and not left[1:2].isupper()
    if left_capitalised and right[:1].islower():
        return right[:1].upper() + right[1:], left[:1].lower() + left[1:]
    return right, left


def typos(
    text: str,
    rng: HashRng,
    *,
    rate: float,
    min_edits: int,
    max_edits: int,
    min_word_length: int = 4,
    operations: Sequence[str] = TYPO_OPERATIONS,
    protected: Sequence[tuple[int, int]] = (),
) -> Perturbation:
    """Lexical errors: one character typo in each of several words.

    A typo drops, duplicates, swaps (two neighbours) or replaces (with a neighbouring key) one letter,
    never the first letter of a word, so the word stays recognisable. Only words of at least
    `min_word_length` letters outside the protected spans are eligible.
    """
    words = [
        (m.start(), m.end())
        for m in _WORD.finditer(text)
        if m.end() - m.start() >= min_word_length and not _overlaps(m.start(), m.end(), protected)
    ]
    wanted = _edit_count(len(words), rate, min_edits, max_edits)
    chosen = sorted(rng.sample_indices(len(words), wanted))
    pieces: list[str] = []
    edits: list[str] = []
    cursor = 0
    for pick in chosen:
        start, end = words[pick]
        word = text[start:end]
        operation = rng.choice(operations)
        new_word = _apply_typo(word, operation, rng)
        pieces.append(text[cursor:start])
        pieces.append(new_word)
        cursor = end
        edits.append(f"{operation}@{start}:{word}>{new_word}")
    pieces.append(text[cursor:])
    return Perturbation("".join(pieces), tuple(edits))


def _apply_typo(word: str, operation: str, rng: HashRng) -> str:
    """One typo in `word` (length >= 3) at a position after the first letter; always changes the word."""
    letters = [index for index in range(1, len(word)) if word[index].isalpha()]  # not the apostrophe
    position = rng.choice(letters)
    letter = word[position]
    if operation == "drop":
        return word[:position] + word[position + 1 :]
    if operation == "duplicate":
        return word[: position + 1] + letter + word[position + 1 :]
    if operation == "swap":
        position = min(position, len(word) - 2)
        first, second = word[position], word[position + 1]
        if first.lower() != second.lower() and first.isalpha() and second.isalpha():
            return word[:position] + second + first + word[position + 2 :]
        return word[: position + 1] + letter + word[position + 1 :]  # swapping equal letters: duplicate
    if operation == "replace":
        neighbours = _NEIGHBOURS.get(letter.lower())
        if not neighbours:  # not a plain Latin letter: drop it instead
            return word[:position] + word[position + 1 :]
        new = rng.choice(neighbours)
        new = new.upper() if letter.isupper() else new
        return word[:position] + new + word[position + 1 :]
    raise ValueError(f"unknown typo operation {operation!r}")
