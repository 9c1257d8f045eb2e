"""`wrap`: the response is enclosed in a left and a right marker, e.g. `<answer>...</answer>`.

Default profile: the trimmed response must start with `left` and end with `right` exactly (case
matters: markers are symbols), and the two markers must not overlap, so `*` alone does not satisfy
`*`/`*`. Surrounding whitespace of the markers themselves is ignored. The answer is the text between
them, trimmed (possibly empty).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .base import Answers, CheckerKind, no_fixed_subtasks
from .params import ParamReader

KIND = "wrap"


@dataclass(frozen=True)
class WrapParams:
    """Validated params: the trimmed markers."""

    left: str
    right: str


def parse_params(raw: Mapping[str, Any]) -> WrapParams:
    """Validate {left, right}."""
    reader = ParamReader(KIND, raw, ("left", "right"))
    return WrapParams(reader.text("left").strip(), reader.text("right").strip())


def extract(response: str, params: WrapParams) -> Answers | None:
    """The wrapped answer, or None when the markers are missing."""
    body = response.strip()
    if len(body) < len(params.left) + len(params.right):
        return None
    if not (body.startswith(params.left) and body.endswith(params.right)):
        return None
    return (body[len(params.left) : len(body) - len(params.right)].strip(),)


CHECKER = CheckerKind(KIND, parse_params, extract, no_fixed_subtasks)
