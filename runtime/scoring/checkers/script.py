"""Which writing system a text is in: the share of its words written in one Unicode script.

Used by the `text` checker's `script` param: an answer-only reply to an en->zh translation task must be
Chinese, not the English it was asked to translate. Words are counted, not characters, so that a Latin
word weighs like one Han character: each Han, Hiragana or Katakana character is a word of its own (those
scripts do not separate words with spaces), and any other run of letters is one word. Digits,
punctuation and symbols (Unicode script Common) belong to no script and are not counted.
"""

from __future__ import annotations

from functools import lru_cache

import regex

# One word: a single ideograph or kana, or a run of other letters (with their combining marks).
_WORD = regex.compile(
    r"[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]"
    r"|(?:[^\P{L}\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]\p{M}*)+"
)


@lru_cache(maxsize=64)
def script_pattern(script: str) -> regex.Pattern[str]:
    """A pattern matching one letter of `script` (a Unicode script name such as Han, Latin, Cyrillic).

    Raises ValueError for a name the Unicode database does not know.
    """
    try:
        return regex.compile(rf"\p{{Script={script}}}")
    except regex.error:
        expected = "a Unicode script name (e.g. Han, Latin, Cyrillic, Arabic)"
        raise ValueError(f"{script!r} is not {expected}") from None


def script_share(text: str, script: str) -> float | None:
    """Share of the words of `text` whose first letter is in `script`; None when `text` has no letters."""
    words = _WORD.findall(text)
    if not words:
        return None
    pattern = script_pattern(script)
    return sum(1 for word in words if pattern.match(word)) / len(words)
