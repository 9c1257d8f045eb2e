"""Character-level cleaning: symbols and punctuation become spaces, diacritics can be dropped.

Both functions work on a Unicode-normalised copy of the text (NFKD when dropping diacritics, so that
"é" splits into "e" + a combining accent; NFKC otherwise) and then map every character by its Unicode
category: combining marks (M*), symbols (S*) and punctuation (P*) become a space; when dropping
diacritics, nonspacing marks (Mn) vanish instead and a few letters that NFKD does not decompose
("ø", "æ", "ß", "ł", ...) are spelled in ASCII. Characters listed in `keep` pass unchanged.

The per-character decision is cached in a `str.translate` table that fills itself on first sight of a
character, so the category lookups run once per distinct character rather than once per character.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

# Letters that NFKD leaves whole, with the ASCII spelling used instead (lowercase and uppercase forms).
UNDECOMPOSED_LETTERS: Mapping[str, str] = {
    "œ": "oe",
    "Œ": "OE",
    "ø": "o",
    "Ø": "O",
    "æ": "ae",
    "Æ": "AE",
    "ß": "ss",
    "ẞ": "SS",
    "đ": "d",
    "Đ": "D",
    "ð": "d",
    "Ð": "D",
    "þ": "th",
    "Þ": "th",
    "ł": "l",
    "Ł": "L",
}


class _CategoryTable(dict[int, str]):
    """A `str.translate` table computed lazily from Unicode categories."""

    def __init__(self, keep: str, drop_diacritics: bool) -> None:
        super().__init__()
        self._keep = frozenset(keep)
        self._drop_diacritics = drop_diacritics

    def __missing__(self, codepoint: int) -> str:
        char = chr(codepoint)
        replacement = self._decide(char)
        self[codepoint] = replacement
        return replacement

    def _decide(self, char: str) -> str:
        if char in self._keep:
            return char
        if self._drop_diacritics:
            if char in UNDECOMPOSED_LETTERS:
                return UNDECOMPOSED_LETTERS[char]
            if unicodedata.category(char) == "Mn":
                return ""
        return " " if unicodedata.category(char)[0] in "MSP" else char


_TABLES: dict[tuple[str, bool], _CategoryTable] = {}


def _table(keep: str, drop_diacritics: bool) -> _CategoryTable:
    key = (keep, drop_diacritics)
    table = _TABLES.get(key)
    if table is None:
        table = _TABLES[key] = _CategoryTable(keep, drop_diacritics)
    return table


def remove_symbols_and_diacritics(text: str, keep: str = "") -> str:
    """NFKD, drop diacritics, spell undecomposed letters; other marks, symbols, punctuation -> spaces."""
    return unicodedata.normalize("NFKD", text).translate(_table(keep, True))


def remove_symbols(text: str) -> str:
    """NFKC, then turn marks, symbols and punctuation into spaces (diacritics stay, composed)."""
    return unicodedata.normalize("NFKC", text).translate(_table("", False))
