"""`prefix`: the response starts with a requested phrase; the answer is what follows it.

Default profile: leading whitespace of the response is ignored, whitespace inside the phrase is matched
loosely (see `loose`), `case_sensitive` (default false) decides whether letter case must match. The
answer is the rest of the response, trimmed, with one pair of outer quotes removed
(`The transcription is: "hello world"` answers `hello world`). An empty rest is compliant with an empty
answer, which scores as a wrong answer.
"""

from __future__ import annotations

import re
from functools import cached_property

from .base import Answers, CheckerKind
from .loose import compile_phrase
from .params import CheckerParams, Flag, NonBlankText
from .textutil import protect_quotes, shown, strip_outer_quotes

KIND = "prefix"


class PrefixParams(CheckerParams):
    """{text, case_sensitive?}: the phrase; its loose pattern is compiled once."""

    text: NonBlankText
    case_sensitive: Flag = False

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """The loose pattern matched at the start of the response."""
        return compile_phrase(self.text, case_sensitive=self.case_sensitive, reverse=False)


def extract(response: str, params: PrefixParams) -> Answers | None:
    """The answer after the prefix, or None when the response does not start with it."""
    body = response.lstrip()
    found = params.pattern.match(body)
    if found is None:
        return None
    return (strip_outer_quotes(body[found.end() :].strip()),)


def render(answers: Answers, params: PrefixParams) -> str:
    """The phrase, a space unless it ends in one, then the answer (kept intact by quote stripping)."""
    return params.text + ("" if params.text[-1:].isspace() else " ") + protect_quotes(answers[0])


def explain(response: str, params: PrefixParams) -> str:
    """`missing prefix 'The transcription is:'`, and how the response starts instead."""
    start = shown(response.lstrip(), len(params.text) + 10)
    return f"missing prefix {shown(params.text)}; starts with {start}"


CHECKER = CheckerKind(KIND, PrefixParams, extract, render=render, explain=explain)
