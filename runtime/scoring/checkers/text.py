"""`text`: answer-only open text (ASR, S2TT, AAC): the response is the answer itself.

Default profile: compliant when the trimmed response is non-empty and contains none of the `forbidden`
phrases (case-insensitive substring test, e.g. "the audio", "transcription:"), which catch
meta-commentary instead of a bare answer. The answer is the trimmed response.
"""

from __future__ import annotations

from functools import cached_property

from .base import Answers, CheckerKind
from .params import CheckerParams, NonBlankText
from .textutil import shown

KIND = "text"


class TextParams(CheckerParams):
    """{forbidden?}: phrases that must not appear (missing means none), casefolded once."""

    forbidden: tuple[NonBlankText, ...] = ()

    @cached_property
    def folded(self) -> tuple[str, ...]:
        """The forbidden phrases, casefolded."""
        return tuple(phrase.casefold() for phrase in self.forbidden)


def extract(response: str, params: TextParams) -> Answers | None:
    """The trimmed response, or None when empty or containing a forbidden phrase."""
    answer = response.strip()
    if not answer:
        return None
    if params.folded:
        folded = answer.casefold()
        if any(phrase in folded for phrase in params.folded):
            return None
    return (answer,)


def render(answers: Answers, params: TextParams) -> str:
    """The answer alone (should it hold a forbidden phrase, the checker then measures the reference)."""
    return answers[0]


def explain(response: str, params: TextParams) -> str:
    """`contains the forbidden phrase 'the audio'` (or empty)."""
    folded = response.casefold()
    for phrase, folded_phrase in zip(params.forbidden, params.folded, strict=True):
        if folded_phrase in folded:
            return f"contains the forbidden phrase {shown(phrase)}"
    return "empty response"


CHECKER = CheckerKind(KIND, TextParams, extract, render=render, explain=explain)
