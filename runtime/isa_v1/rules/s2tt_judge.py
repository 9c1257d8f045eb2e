"""The official F S2TT "only the translation" judge.

A response fails when it (1) uses a translation keyword while the reference uses none, (2) holds no
"Chinese" token, (3) holds five or more English words the reference does not use, or (4) has a
colon-terminated lead-in naming the language or the act of translating. The keyword " is" makes any
English sentence such as "This is ..." fail test (1). Test (2) keeps every character that is a word
character but not an ASCII letter or digit (so "_" or "é" also count as "Chinese") and segments it
with jieba.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from isac.runtime.isa_v1.vocabulary import (
    S2TT_COLON_SEGMENT_WORDS,
    S2TT_MAX_FOREIGN_ENGLISH_WORDS,
    S2TT_TRANSLATION_KEYWORDS,
)

# Spans deleted from the reference before its English words are collected (ASCII quotes only).
_ASIDE_PATTERNS = (r"《[^》]*》", r"（[^）]*）", r"\([^)]*\)", r'"[^"]*"')
_REFERENCE_ASIDES = tuple(re.compile(pattern) for pattern in _ASIDE_PATTERNS)
_WHOLE_ASCII_WORD = re.compile(r"\b[a-zA-Z]+\b")
_CJK_BASE = re.compile("[\u4e00-\u9fff]")
_NOT_WORD = re.compile(r"[^\w\s]")
_STARTS_ASCII_LETTER = re.compile(r"[a-zA-Z]+")
_NOT_CHINESE = re.compile(r"[a-zA-Z0-9\s\W]")
_SEGMENT_PUNCTUATION = re.compile(r"[。！？；，、：:!?.;,]")
_COLON = re.compile(r"[：:]")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _jieba() -> Any:
    """jieba, imported once on first use with its start-up logging silenced."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def uses_translation_keyword(response: str, reference: str) -> bool:
    """Test (1): a keyword in the (lowercased) response while the reference has none."""
    lowered_response, lowered_reference = response.lower(), reference.lower()
    in_response = any(keyword in lowered_response for keyword in S2TT_TRANSLATION_KEYWORDS)
    return in_response and not any(keyword in lowered_reference for keyword in S2TT_TRANSLATION_KEYWORDS)


def english_words(text: str) -> list[str]:
    """Tokens that start with an ASCII letter once CJK ideographs and punctuation become spaces."""
    spaced = _NOT_WORD.sub(" ", _CJK_BASE.sub(" ", text))
    return [word for word in spaced.split() if _STARTS_ASCII_LETTER.match(word)]


def chinese_tokens(text: str) -> list[str]:
    """jieba tokens of the characters left after dropping ASCII letters, digits, spaces and non-word ones."""
    kept = _NOT_CHINESE.sub("", text)
    return [token for token in _jieba().cut(kept) if token.strip()] if kept else []


def without_reference_words(response: str, reference: str) -> str:
    """The response with every whole ASCII word that the reference (asides removed) uses deleted."""
    cleaned = reference
    for aside in _REFERENCE_ASIDES:
        cleaned = aside.sub("", cleaned)
    known = {word.lower() for word in _WHOLE_ASCII_WORD.findall(_SPACES.sub(" ", cleaned).strip().lower())}
    kept = _WHOLE_ASCII_WORD.sub(lambda m: "" if m.group().lower() in known else m.group(), response)
    return _SPACES.sub(" ", kept).strip()


def colon_segments(text: str) -> list[str]:
    """For each colon: the text since the previous punctuation mark (colons included) up to it, trimmed."""
    segments = []
    for colon in _COLON.finditer(text):
        before = text[: colon.start()]
        marks = list(_SEGMENT_PUNCTUATION.finditer(before))
        start = marks[-1].end() if marks else 0
        segment = text[start : colon.start() + 1].strip()
        if segment:
            segments.append(segment)
    return segments


def has_commentary_lead_in(response: str) -> bool:
    """Test (4): a colon-terminated segment names the language or the translation."""
    return any(
        word in segment.lower() for segment in colon_segments(response) for word in S2TT_COLON_SEGMENT_WORDS
    )


def is_translation_only(response: str, reference: str) -> bool:
    """The whole judge: True when the response reads as a bare Chinese translation."""
    if uses_translation_keyword(response, reference):
        return False
    if len(english_words(without_reference_words(response, reference))) >= S2TT_MAX_FOREIGN_ENGLISH_WORDS:
        return False
    if not chinese_tokens(response):
        return False
    return not has_commentary_lead_in(response)
