"""`suffix`: the response ends with a requested phrase; the answer is what precedes it.

Default profile: trailing whitespace of the response is ignored, whitespace inside the phrase is matched
loosely (see `loose`), `case_sensitive` (default false) decides whether letter case must match. The
answer is the rest of the response, trimmed. An empty rest is compliant with an empty answer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .base import Answers, CheckerKind, no_fixed_subtasks
from .loose import compile_phrase
from .params import ParamReader

KIND = "suffix"


@dataclass(frozen=True)
class SuffixParams:
    """Validated params: the phrase and its compiled loose pattern, reversed."""

    text: str
    case_sensitive: bool
    reversed_pattern: re.Pattern[str]


def parse_params(raw: Mapping[str, Any]) -> SuffixParams:
    """Validate {text, case_sensitive?}."""
    reader = ParamReader(KIND, raw, ("text", "case_sensitive"))
    text = reader.text("text")
    case_sensitive = reader.flag("case_sensitive", False)
    return SuffixParams(
        text, case_sensitive, compile_phrase(text, case_sensitive=case_sensitive, reverse=True)
    )


def extract(response: str, params: SuffixParams) -> Answers | None:
    """The answer before the suffix, or None when the response does not end with it."""
    body = response.rstrip()
    found = params.reversed_pattern.match(body[::-1])
    if found is None:
        return None
    return (body[: len(body) - found.end()].strip(),)


CHECKER = CheckerKind(KIND, parse_params, extract, no_fixed_subtasks)
