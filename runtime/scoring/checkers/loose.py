"""Whitespace-tolerant literal patterns for the prefix and suffix kinds.

A requested phrase such as "The transcription is:" is compiled so that any run of whitespace inside
it matches any non-empty run of whitespace in the response, and a colon may be preceded by optional
whitespace ("The transcription is :" is accepted). Leading/trailing whitespace of the phrase is
ignored: responses are trimmed before matching. When the phrase ends (prefix) or starts (suffix) with
an ASCII letter, digit or underscore, the response must not continue with one there, so "Transcript"
does not accept "Transcription: ...".

Suffixes are matched on the reversed response with the reversed pattern, so both kinds are an anchored
`match` and cost time proportional to the phrase, not to the response, whatever the input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

COLONS = frozenset(":\uff1a")  # ASCII and full-width colon
# Only ASCII words get the "do not continue the word" guard: Chinese text has no spaces between words.
_ASCII_WORD = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")


@dataclass(frozen=True)
class _Token:
    literal: str  # one character, or "" for a whitespace gap
    min_spaces: int = 0


def _tokens(phrase: str) -> list[_Token]:
    tokens: list[_Token] = []
    for char in phrase.strip():
        if char.isspace():
            if not tokens or tokens[-1].literal:
                tokens.append(_Token("", 1))
            continue
        if char in COLONS:
            if tokens and not tokens[-1].literal:
                tokens[-1] = _Token("", 0)  # "is :" -> the space before the colon becomes optional
            else:
                tokens.append(_Token("", 0))
        tokens.append(_Token(char))
    return tokens


def _render(tokens: list[_Token]) -> str:
    parts = []
    for token in tokens:
        if token.literal:
            parts.append(re.escape(token.literal))
        else:
            parts.append(r"\s+" if token.min_spaces else r"\s*")
    if tokens and tokens[-1].literal in _ASCII_WORD:
        parts.append(r"(?![0-9A-Za-z_])")
    return "".join(parts)


def compile_phrase(phrase: str, *, case_sensitive: bool, reverse: bool) -> re.Pattern[str]:
    """The loose pattern of `phrase`, for matching at the start of a (reversed, if asked) response."""
    tokens = _tokens(phrase)
    if reverse:
        tokens.reverse()
    return re.compile(_render(tokens), 0 if case_sensitive else re.IGNORECASE)
