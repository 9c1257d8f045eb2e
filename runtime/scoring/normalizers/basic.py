"""A language-agnostic normaliser matching openai-whisper's `BasicTextNormalizer`.

Lowercase, drop text in brackets/parentheses, turn symbols and punctuation into spaces (optionally also
dropping diacritics), optionally space out every grapheme cluster, and collapse whitespace.
"""

from __future__ import annotations

import re

import regex

from .symbols import remove_symbols, remove_symbols_and_diacritics

_BRACKETED = re.compile(r"[<\[][^>\]]*[>\]]")
_PARENTHESIZED = re.compile(r"\(([^)]+?)\)")
_WHITESPACE = re.compile(r"\s+")
_GRAPHEME = regex.compile(r"\X", regex.U)


class BasicTextNormalizer:
    """Callable str -> str."""

    def __init__(self, remove_diacritics: bool = False, split_letters: bool = False) -> None:
        self._clean = remove_symbols_and_diacritics if remove_diacritics else remove_symbols
        self._split_letters = split_letters

    def __call__(self, text: str) -> str:
        """Normalise one text."""
        text = text.lower()
        text = _BRACKETED.sub("", text)
        text = _PARENTHESIZED.sub("", text)
        text = self._clean(text).lower()
        if self._split_letters:
            text = " ".join(_GRAPHEME.findall(text))
        return _WHITESPACE.sub(" ", text)
