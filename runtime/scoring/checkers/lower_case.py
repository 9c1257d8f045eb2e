"""`lower_case`: the response is written in lower case.

Compliant when it has at least one cased letter and no uppercase or titlecase letter (Python's
`str.islower`). The answer is the trimmed response.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import Answers, CheckerKind, no_fixed_subtasks
from .params import ParamReader

KIND = "lower_case"


def parse_params(raw: Mapping[str, Any]) -> None:
    """No params are accepted."""
    ParamReader(KIND, raw, ())


def extract(response: str, _params: None) -> Answers | None:
    """The trimmed response, or None when it is not lower case."""
    return (response.strip(),) if response.islower() else None


CHECKER = CheckerKind(KIND, parse_params, extract, no_fixed_subtasks)
