"""Text that can be written as UTF-8: lone UTF-16 surrogates found and replaced.

JSON's `\\ud83d` escape (and byte-level tokenizers decoding half an emoji) yield Python strings holding
a lone surrogate code point. Such a string cannot be encoded as UTF-8, so writing it (a result log line,
a manifest, a DuckDB value) fails. Model output is scrubbed (the answer stays scorable, with U+FFFD where
the half character was); authored data such as a reference is refused instead, since it is ground truth.
"""

from __future__ import annotations

import re
from typing import Any

_SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def first_lone_surrogate(text: str) -> int | None:
    """Index of the first code point of `text` that cannot be encoded as UTF-8, or None."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        return error.start
    return None


def scrub_surrogates(text: str) -> str:
    """`text` with surrogate pairs joined and every lone surrogate replaced by U+FFFD."""
    if first_lone_surrogate(text) is None:
        return text
    # utf-16 with surrogatepass joins a high+low pair into one character; what is left alone is replaced.
    joined = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return _SURROGATE.sub(REPLACEMENT, joined)


def find_bad_text(value: Any, path: str = "") -> tuple[str, int] | None:
    """(key path, index) of the first string inside a JSON value holding a lone surrogate, or None."""
    if isinstance(value, str):
        index = first_lone_surrogate(value)
        return (path, index) if index is not None else None
    if isinstance(value, dict):
        for key, item in value.items():
            found = find_bad_text(key, path) or find_bad_text(item, f"{path}.{key}" if path else str(key))
            if found:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = find_bad_text(item, f"{path}[{index}]")
            if found:
                return found
    return None
