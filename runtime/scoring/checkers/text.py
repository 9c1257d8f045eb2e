"""`text`: answer-only open text (ASR, S2TT, AAC): the response is the answer itself.

Default profile: compliant when the trimmed response is non-empty and contains none of the `forbidden`
phrases (case-insensitive substring test, e.g. "the audio", "transcription:"), which catch
meta-commentary instead of a bare answer. The answer is the trimmed response.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .base import Answers, CheckerKind, no_fixed_subtasks
from .params import ParamReader

KIND = "text"


@dataclass(frozen=True)
class TextParams:
    """Validated params: forbidden phrases, casefolded."""

    forbidden: tuple[str, ...]


def parse_params(raw: Mapping[str, Any]) -> TextParams:
    """Validate {forbidden?} (a list of phrases; missing means none)."""
    reader = ParamReader(KIND, raw, ("forbidden",))
    phrases = reader.text_list("forbidden", required=False, allow_empty=True)
    return TextParams(tuple(phrase.casefold() for phrase in phrases))


def extract(response: str, params: TextParams) -> Answers | None:
    """The trimmed response, or None when empty or containing a forbidden phrase."""
    answer = response.strip()
    if not answer:
        return None
    if params.forbidden:
        folded = answer.casefold()
        if any(phrase in folded for phrase in params.forbidden):
            return None
    return (answer,)


CHECKER = CheckerKind(KIND, parse_params, extract, no_fixed_subtasks)
