"""`json_key`: the response is one JSON object whose `key` holds a string; that string is the answer.

Default profile: the object may sit inside one markdown code fence (```json ... ```), nothing else may
surround it (see `jsontext`). Other keys are allowed. The key must match exactly. The answer is the
string value, trimmed; a non-string value (number, list, null) is not compliant.
"""

from __future__ import annotations

import json

from .base import Answers, CheckerKind
from .jsontext import lookup, object_problem, parse_object, value_problem
from .params import CheckerParams, NonBlankText

KIND = "json_key"


class JsonKeyParams(CheckerParams):
    """{key}: the key holding the answer."""

    key: NonBlankText


def extract(response: str, params: JsonKeyParams) -> Answers | None:
    """The string under the key, or None."""
    value = parse_object(response)
    if value is None:
        return None
    answer = value.get(params.key)
    return (answer.strip(),) if isinstance(answer, str) else None


def render(answers: Answers, params: JsonKeyParams) -> str:
    """`{"key": answer}`."""
    return json.dumps({params.key: answers[0]}, ensure_ascii=False)


def explain(response: str, params: JsonKeyParams) -> str:
    """`JSON key 'text' absent`, `invalid JSON`, ..."""
    problem = object_problem(response)
    if problem is not None:
        return problem
    value = lookup(parse_object(response) or {}, params.key)
    return value_problem(value, params.key) or "does not follow the json_key format"


CHECKER = CheckerKind(KIND, JsonKeyParams, extract, render=render, explain=explain)
