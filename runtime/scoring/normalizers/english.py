"""The English text normaliser applied to ASR references and hypotheses before WER.

It behaves exactly like openai-whisper's `EnglishTextNormalizer` (the ISA-Bench scorer uses that one);
`tests/normalizers/whisper_expected.json` pins the agreement on several hundred tricky strings. Steps:

1. lowercase; drop text in [brackets] or <angle brackets>, and in (parentheses); drop fillers
   (hmm, mm, mhm, mmm, uh, um); glue a space-separated apostrophe back ("don 't" -> "don't");
2. expand contractions and titles ("won't" -> "will not", "mr" -> "mister", "'ve" -> " have", ...);
3. drop commas between digits and periods not followed by a digit; turn symbols and punctuation into
   spaces and drop diacritics, keeping the number symbols . % $ ¢ € £;
4. spelled numbers to digits (see `numbers`); British to American spelling (see `spelling`);
5. drop number symbols that no number follows (or, for %, precedes); collapse whitespace.

As in Whisper, the result is not trimmed: it can start or end with one space.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from .numbers import EnglishNumberNormalizer
from .spelling import americanize, british_to_american
from .symbols import remove_symbols_and_diacritics

_BRACKETED = re.compile(r"[<\[][^>\]]*[>\]]")
_PARENTHESIZED = re.compile(r"\(([^)]+?)\)")
_FILLERS = re.compile(r"\b(hmm|mm|mhm|mmm|uh|um)\b")
_SPACE_BEFORE_APOSTROPHE = re.compile(r"\s+'")
_DIGIT_COMMA_DIGIT = re.compile(r"(\d),(\d)")
_PERIOD_NOT_BEFORE_DIGIT = re.compile(r"\.([^0-9]|$)")
_SYMBOL_NOT_BEFORE_DIGIT = re.compile(r"[.$¢€£]([^0-9])")
_PERCENT_NOT_AFTER_DIGIT = re.compile(r"([^0-9])%")
_WHITESPACE = re.compile(r"\s+")
_NUMBER_SYMBOLS = ".%$¢€£"
_NUMBER_SYMBOL_SET = frozenset(_NUMBER_SYMBOLS)

# Whole words (matched between word boundaries) and their expansions, in priority order.
_WORD_EXPANSIONS: Mapping[str, str] = {
    "won't": "will not",
    "can't": "can not",
    "let's": "let us",
    "ain't": "aint",
    "y'all": "you all",
    "wanna": "want to",
    "gotta": "got to",
    "gonna": "going to",
    "i'ma": "i am going to",
    "imma": "i am going to",
    "woulda": "would have",
    "coulda": "could have",
    "shoulda": "should have",
    "ma'am": "madam",
    # Abbreviated titles; the trailing space keeps "mr.smith" two words once the period goes.
    "mr": "mister ",
    "mrs": "missus ",
    "st": "saint ",
    "dr": "doctor ",
    "prof": "professor ",
    "capt": "captain ",
    "gov": "governor ",
    "ald": "alderman ",
    "gen": "general ",
    "sen": "senator ",
    "rep": "representative ",
    "pres": "president ",
    "rev": "reverend ",
    "hon": "honorable ",
    "asst": "assistant ",
    "assoc": "associate ",
    "lt": "lieutenant ",
    "col": "colonel ",
    "jr": "junior ",
    "sr": "senior ",
    "esq": "esquire ",
}
# Word endings (matched up to a word boundary) and their expansions, in priority order: perfect tenses
# before the bare contractions, since "'s been" means "has been" but a bare "'s" reads as "is".
_ENDING_EXPANSIONS: Mapping[str, str] = {
    "'d been": " had been",
    "'s been": " has been",
    "'d gone": " had gone",
    "'s gone": " has gone",
    "'d done": " had done",
    "'s got": " has got",
    "n't": " not",
    "'re": " are",
    "'s": " is",
    "'d": " would",
    "'ll": " will",
    "'t": " not",
    "'ve": " have",
    "'m": " am",
}


def _alternation(template: str, literals: list[str]) -> re.Pattern[str]:
    return re.compile(template.format("|".join(re.escape(literal) for literal in literals)))


# The rules run as four passes, in Whisper's order: whole words; perfect tenses; "n't"; other endings.
# Within a pass one alternation replaces the rules in a single scan. That gives the same text as one
# rule after another: no expansion contains an apostrophe or another rule's word, and where two rules
# of a pass could match at one position the earlier-listed one wins in both readings. Every ending
# starts with an apostrophe, so the starting "'" is factored out, which lets the regex engine jump
# from apostrophe to apostrophe instead of trying every rule at every position.
_PERFECT_TENSES = [ending for ending in _ENDING_EXPANSIONS if " " in ending]
_SHORT_ENDINGS = [ending for ending in _ENDING_EXPANSIONS if " " not in ending and ending.startswith("'")]
_EXPANSION_PASSES: tuple[re.Pattern[str], ...] = (
    _alternation(r"\b(?:{})\b", list(_WORD_EXPANSIONS)),
    _alternation(r"'(?:{})\b", [ending[1:] for ending in _PERFECT_TENSES]),
    re.compile(r"n't\b"),
    _alternation(r"'(?:{})\b", [ending[1:] for ending in _SHORT_ENDINGS]),
)
_EXPANSIONS: Mapping[str, str] = {**_WORD_EXPANSIONS, **_ENDING_EXPANSIONS}


def _expand(match: re.Match[str]) -> str:
    return _EXPANSIONS[match[0]]


def _expand_contractions(text: str) -> str:
    text = _EXPANSION_PASSES[0].sub(_expand, text)
    if "'" in text:  # every other rule needs an apostrophe
        for pattern in _EXPANSION_PASSES[1:]:
            text = pattern.sub(_expand, text)
    return text


class EnglishTextNormalizer:
    """Callable str -> str: Whisper-compatible English normalisation for WER."""

    def __init__(self, spellings: Mapping[str, str] | None = None) -> None:
        self._numbers = EnglishNumberNormalizer()
        self._spellings = british_to_american() if spellings is None else spellings

    def __call__(self, text: str) -> str:
        """Normalise one text."""
        # Each substitution is skipped when the characters it needs are absent: same result, less work.
        text = text.lower()
        if "[" in text or "<" in text:
            text = _BRACKETED.sub("", text)
        if "(" in text:
            text = _PARENTHESIZED.sub("", text)
        if "mm" in text or "mhm" in text or "uh" in text or "um" in text:
            text = _FILLERS.sub("", text)
        if "'" in text:
            text = _SPACE_BEFORE_APOSTROPHE.sub("'", text)
        text = _expand_contractions(text)
        if "," in text:
            text = _DIGIT_COMMA_DIGIT.sub(r"\1\2", text)
        if "." in text:
            text = _PERIOD_NOT_BEFORE_DIGIT.sub(r" \1", text)
        text = remove_symbols_and_diacritics(text, keep=_NUMBER_SYMBOLS)
        text = self._numbers(text)
        text = americanize(text, self._spellings)
        # Now the words are single-space separated; only the symbol removals can add whitespace runs.
        spaced = text
        if _NUMBER_SYMBOL_SET.intersection(text):
            spaced = _SYMBOL_NOT_BEFORE_DIGIT.sub(r" \1", spaced)
            spaced = _PERCENT_NOT_AFTER_DIGIT.sub(r"\1 ", spaced)
        return text if spaced is text else _WHITESPACE.sub(" ", spaced)
