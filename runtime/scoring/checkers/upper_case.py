"""`upper_case`: the response is written in upper case.

Compliant when it has at least one cased letter and no lowercase letter (Python's `str.isupper`), so
digits, punctuation and caseless scripts may appear freely. The answer is the trimmed response.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import Answers, CheckerKind, no_fixed_subtasks
from .params import ParamReader

KIND = "upper_case"


def parse_params(raw: Mapping[str, Any]) -> None:
    """No params are accepted."""
    ParamReader(KIND, raw, ())


def extract(response: str, _params: None) -> Answers | None:
    """The trimmed response, or None when it is not upper case."""
    return (response.strip(),) if response.isupper() else None


CHECKER = CheckerKind(KIND, parse_params, extract, no_fixed_subtasks)
