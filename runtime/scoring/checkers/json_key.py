"""`json_key`: the response is one JSON object whose `key` holds a string; that string is the answer.

Default profile: the object may sit inside one markdown code fence (```json ... ```), nothing else may
surround it (see `jsontext`). Other keys are allowed. The key must match exactly. The answer is the
string value, trimmed; a non-string value (number, list, null) is not compliant.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .base import Answers, CheckerKind, no_fixed_subtasks
from .jsontext import parse_object
from .params import ParamReader

KIND = "json_key"


@dataclass(frozen=True)
class JsonKeyParams:
    """Validated params: the key holding the answer."""

    key: str


def parse_params(raw: Mapping[str, Any]) -> JsonKeyParams:
    """Validate {key}."""
    return JsonKeyParams(ParamReader(KIND, raw, ("key",)).text("key"))


def extract(response: str, params: JsonKeyParams) -> Answers | None:
    """The string under the key, or None."""
    value = parse_object(response)
    if value is None:
        return None
    answer = value.get(params.key)
    return (answer.strip(),) if isinstance(answer, str) else None


CHECKER = CheckerKind(KIND, parse_params, extract, no_fixed_subtasks)
