"""`suffix`: the response ends with a requested phrase; the answer is what precedes it.

Default profile: trailing whitespace of the response is ignored, whitespace inside the phrase is matched
loosely (see `loose`), `case_sensitive` (default false) decides whether letter case must match. The
answer is the rest of the response, trimmed. An empty rest is compliant with an empty answer.
"""

from __future__ import annotations

import re
from functools import cached_property

from .base import Answers, CheckerKind
from .loose import compile_phrase
from .params import CheckerParams, Flag, NonBlankText
from .textutil import shown

KIND = "suffix"


class SuffixParams(CheckerParams):
    """{text, case_sensitive?}: the phrase; its reversed loose pattern is compiled once."""

    text: NonBlankText
    case_sensitive: Flag = False

    @cached_property
    def reversed_pattern(self) -> re.Pattern[str]:
        """The loose pattern of the reversed phrase, matched at the start of the reversed response."""
        return compile_phrase(self.text, case_sensitive=self.case_sensitive, reverse=True)


def extract(response: str, params: SuffixParams) -> Answers | None:
    """The answer before the suffix, or None when the response does not end with it."""
    body = response.rstrip()
    found = params.reversed_pattern.match(body[::-1])
    if found is None:
        return None
    return (body[: len(body) - found.end()].strip(),)


def render(answers: Answers, params: SuffixParams) -> str:
    """The answer, a space unless the phrase starts with one, then the phrase."""
    return answers[0] + ("" if params.text[:1].isspace() else " ") + params.text


def explain(response: str, params: SuffixParams) -> str:
    """`missing suffix '(end)'`, and how the response ends instead."""
    tail = response.rstrip()[-(len(params.text) + 10) :]
    return f"missing suffix {shown(params.text)}; ends with {shown(tail, len(params.text) + 10)}"


CHECKER = CheckerKind(KIND, SuffixParams, extract, render=render, explain=explain)
