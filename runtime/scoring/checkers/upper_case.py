"""`upper_case`: the response is written in upper case.

Compliant when it has at least one cased letter and no lowercase letter (Python's `str.isupper`), so
digits, punctuation and caseless scripts may appear freely. The answer is the trimmed response.
"""

from __future__ import annotations

from .base import Answers, CheckerKind
from .params import CheckerParams

KIND = "upper_case"


class UpperCaseParams(CheckerParams):
    """No params are accepted."""


def extract(response: str, _params: UpperCaseParams) -> Answers | None:
    """The trimmed response, or None when it is not upper case."""
    return (response.strip(),) if response.isupper() else None


def render(answers: Answers, params: UpperCaseParams) -> str:
    """The answer in upper case."""
    return answers[0].upper()


def explain(response: str, _params: UpperCaseParams) -> str:
    """`contains lower-case letters` or `has no letters with case`."""
    if not any(ch.islower() or ch.isupper() for ch in response):
        return "has no letters with case"
    return "contains lower-case letters"


CHECKER = CheckerKind(KIND, UpperCaseParams, extract, render=render, explain=explain)
