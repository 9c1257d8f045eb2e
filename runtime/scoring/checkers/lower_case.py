"""`lower_case`: the response is written in lower case.

Compliant when it has at least one cased letter and no uppercase or titlecase letter (Python's
`str.islower`). The answer is the trimmed response.
"""

from __future__ import annotations

from .base import Answers, CheckerKind
from .params import CheckerParams

KIND = "lower_case"


class LowerCaseParams(CheckerParams):
    """No params are accepted."""


def extract(response: str, _params: LowerCaseParams) -> Answers | None:
    """The trimmed response, or None when it is not lower case."""
    return (response.strip(),) if response.islower() else None


def render(answers: Answers, params: LowerCaseParams) -> str:
    """The answer in lower case."""
    return answers[0].lower()


def explain(response: str, _params: LowerCaseParams) -> str:
    """`contains upper-case letters` or `has no letters with case`."""
    if not any(ch.isupper() or ch.islower() for ch in response):
        return "has no letters with case"
    return "contains upper-case letters"


CHECKER = CheckerKind(KIND, LowerCaseParams, extract, render=render, explain=explain)
