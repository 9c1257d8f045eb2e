"""`prefix`: the response starts with a requested phrase; the answer is what follows it.

Default profile: leading whitespace of the response is ignored, whitespace inside the phrase is matched
loosely (see `loose`), `case_sensitive` (default false) decides whether letter case must match. The
answer is the rest of the response, trimmed, with one pair of outer quotes removed
(`The transcription is: "hello world"` answers `hello world`). An empty rest is compliant with an empty
answer, which scores as a wrong answer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .base import Answers, CheckerKind, no_fixed_subtasks
from .loose import compile_phrase
from .params import ParamReader
from .textutil import strip_outer_quotes

KIND = "prefix"


@dataclass(frozen=True)
class PrefixParams:
    """Validated params: the phrase and its compiled loose pattern."""

    text: str
    case_sensitive: bool
    pattern: re.Pattern[str]


def parse_params(raw: Mapping[str, Any]) -> PrefixParams:
    """Validate {text, case_sensitive?}."""
    reader = ParamReader(KIND, raw, ("text", "case_sensitive"))
    text = reader.text("text")
    case_sensitive = reader.flag("case_sensitive", False)
    return PrefixParams(
        text, case_sensitive, compile_phrase(text, case_sensitive=case_sensitive, reverse=False)
    )


def extract(response: str, params: PrefixParams) -> Answers | None:
    """The answer after the prefix, or None when the response does not start with it."""
    body = response.lstrip()
    found = params.pattern.match(body)
    if found is None:
        return None
    return (strip_outer_quotes(body[found.end() :].strip()),)


CHECKER = CheckerKind(KIND, parse_params, extract, no_fixed_subtasks)
