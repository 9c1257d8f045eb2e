"""`text`: answer-only open text (ASR, S2TT, AAC): the response is the answer itself.

Default profile: compliant when the trimmed response is non-empty and contains none of the `forbidden`
phrases (case-insensitive substring test, e.g. "the audio", "transcription:"), which catch
meta-commentary instead of a bare answer. With `script` (a Unicode script name, compiled from a task's
`target_script`, e.g. Han for en->zh translation), at least `script_share` of the response's words must
also be written in that script (`checkers/script.py` says what a word is): an English sentence is not a
compliant answer-only Chinese translation, while a Chinese one naming "iPhone" is. A response without
any letters (a number) passes that test. The answer is the trimmed response.
"""

from __future__ import annotations

from functools import cached_property
from typing import Annotated

from pydantic import AfterValidator, Field

from .base import Answers, CheckerKind
from .params import CheckerParams, NonBlankText
from .script import script_pattern, script_share
from .textutil import shown

KIND = "text"


def _known_script(name: str) -> str:
    script_pattern(name)  # ValueError names what was expected
    return name


class TextParams(CheckerParams):
    """{forbidden?, script?, script_share?}: phrases that must not appear (missing means none), casefolded
    once; the Unicode script the answer must be written in (missing means any) and the least share of
    its words in that script (default 0.5)."""

    forbidden: tuple[NonBlankText, ...] = ()
    script: Annotated[NonBlankText, AfterValidator(_known_script)] | None = None
    script_share: Annotated[float, Field(gt=0.0, le=1.0)] = 0.5

    @cached_property
    def folded(self) -> tuple[str, ...]:
        """The forbidden phrases, casefolded."""
        return tuple(phrase.casefold() for phrase in self.forbidden)


def extract(response: str, params: TextParams) -> Answers | None:
    """The trimmed response, or None when empty, containing a forbidden phrase or in another script."""
    answer = response.strip()
    if not answer:
        return None
    if params.folded:
        folded = answer.casefold()
        if any(phrase in folded for phrase in params.folded):
            return None
    if params.script is not None:
        share = script_share(answer, params.script)
        if share is not None and share < params.script_share:
            return None
    return (answer,)


def render(answers: Answers, params: TextParams) -> str:
    """The answer alone: compliant whenever the answer is (holding no forbidden phrase, in the script).

    An answer that is not (a reference in another script) renders the same, and the checker then
    measures the reference.
    """
    return answers[0]


def explain(response: str, params: TextParams) -> str:
    """`contains the forbidden phrase 'the audio'` (or empty)."""
    folded = response.casefold()
    for phrase, folded_phrase in zip(params.forbidden, params.folded, strict=True):
        if folded_phrase in folded:
            return f"contains the forbidden phrase {shown(phrase)}"
    return "empty response"


CHECKER = CheckerKind(KIND, TextParams, extract, render=render, explain=explain)
