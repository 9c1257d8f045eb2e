"""Parse a response that must be exactly one JSON object, optionally inside one markdown code fence.

Accepted (after trimming): `{...}` or a fence "```" + optional "json" tag (any case) + the object +
"```". Anything else around the object (prose, a second fence, trailing commentary) makes it
non-compliant. The JSON itself must be standard: NaN/Infinity and control characters inside strings
are rejected. Nothing raises: malformed, deeply nested (RecursionError) or oversized-integer input just
yields None. The cheap brace test runs first so that most non-JSON responses never reach the parser.
"""

from __future__ import annotations

import json
from typing import Any

FENCE = "```"


def _reject_constant(name: str) -> Any:
    raise ValueError(f"non-standard JSON constant {name}")


_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


def unfence(text: str) -> str:
    """The body of one surrounding code fence (tag "json" allowed), or `text` itself when unfenced."""
    if len(text) >= 2 * len(FENCE) and text.startswith(FENCE) and text.endswith(FENCE):
        body = text[len(FENCE) : -len(FENCE)]
        if body[:4].lower() == "json":
            body = body[4:]
        return body.strip()
    return text


def parse_object(response: str) -> dict[str, Any] | None:
    """The JSON object the response consists of, or None."""
    body = unfence(response.strip())
    if not (body.startswith("{") and body.endswith("}")):
        return None
    try:
        value = _DECODER.decode(body)
    except (ValueError, RecursionError):
        # ValueError covers JSONDecodeError, rejected constants and integers beyond Python's digit limit.
        return None
    return value if isinstance(value, dict) else None


def object_problem(response: str) -> str | None:
    """Why the response is not one JSON object (None when it is one)."""
    body = unfence(response.strip())
    if not (body.startswith("{") and body.endswith("}")):
        return "not a JSON object (text outside the braces or no braces)"
    if parse_object(response) is None:
        return "invalid JSON"
    return None


def value_problem(value: object, key: str) -> str | None:
    """Why `value` (the object's value under `key`, or the object itself when absent) is no string."""
    if value is _ABSENT:
        return f"JSON key '{key}' absent"
    if not isinstance(value, str):
        return f"JSON key '{key}' holds {type(value).__name__ if value is not None else 'null'}, not a string"
    return None


_ABSENT = object()


def lookup(obj: dict[str, Any], key: str) -> object:
    """`obj[key]`, or a marker `value_problem` reports as absent."""
    return obj.get(key, _ABSENT)
