"""Small string operations shared by the official rules.

Each helper states exactly which characters it touches, because the official scorer's results hinge
on such details (which quotes, which whitespace, ASCII-only case tests).
"""

from __future__ import annotations

import re
import string

_QUOTES = ("'", '"')
_ASCII_PUNCTUATION_TABLE = str.maketrans("", "", string.punctuation)
_OTHER_LINE_BREAKS = re.compile("[\r\x0b\x0c\x85\u2028\u2029]+")
_CJK_IDEOGRAPH = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def collapse_whitespace(text: str) -> str:
    """Runs of whitespace (newlines included) become one space; ends trimmed."""
    return " ".join(text.split())


def sanitize_caption(text: str) -> str:
    """F AAC candidates and references: each LF a space, each run of other line breaks one space, trimmed."""
    return _OTHER_LINE_BREAKS.sub(" ", text.replace("\n", " ")).strip()


def strip_quote_pair(text: str) -> str:
    """Remove one pair of matching outer ' or " quotes, if the text is enclosed in one."""
    if len(text) >= 2 and text[0] in _QUOTES and text[-1] == text[0]:
        return text[1:-1]
    return text


def has_ascii_upper(text: str) -> bool:
    """At least one A-Z."""
    return any("A" <= char <= "Z" for char in text)


def has_ascii_lower(text: str) -> bool:
    """At least one a-z."""
    return any("a" <= char <= "z" for char in text)


def is_upper_case_text(text: str) -> bool:
    """The official upper-case test: some A-Z and no a-z (content is not judged)."""
    return has_ascii_upper(text) and not has_ascii_lower(text)


def is_lower_case_text(text: str) -> bool:
    """The official lower-case test: some a-z and no A-Z."""
    return has_ascii_lower(text) and not has_ascii_upper(text)


def light_words(text: str) -> list[str]:
    """Lowercase, drop ASCII punctuation, split on whitespace (the answer-only preprocessing)."""
    return text.lower().translate(_ASCII_PUNCTUATION_TABLE).split()


def has_cjk_ideograph(text: str) -> bool:
    """Any CJK unified ideograph (base block, extension A or compatibility block)."""
    return _CJK_IDEOGRAPH.search(text) is not None


def first_label(text: str, labels: tuple[str, ...]) -> str | None:
    """The leftmost whole-word occurrence of any label, case-insensitive, lowercased; None if none."""
    pattern = r"\b(" + "|".join(re.escape(label) for label in labels) + r")\b"
    match = re.search(pattern, text, flags=re.IGNORECASE)
    return match.group(1).lower() if match else None
