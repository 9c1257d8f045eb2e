"""`wrap`: the response is enclosed in a left and a right marker, e.g. `<answer>...</answer>`.

Default profile: the trimmed response must start with `left` and end with `right` exactly (case
matters: markers are symbols), and the two markers must not overlap, so `*` alone does not satisfy
`*`/`*`. Surrounding whitespace of the markers themselves is ignored. The answer is the text between
them, trimmed (possibly empty).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator

from .base import Answers, CheckerKind
from .params import CheckerParams, NonBlankText
from .textutil import shown

KIND = "wrap"


class WrapParams(CheckerParams):
    """{left, right}: the markers, kept trimmed (their surrounding whitespace is ignored)."""

    left: Annotated[NonBlankText, AfterValidator(str.strip)]
    right: Annotated[NonBlankText, AfterValidator(str.strip)]


def extract(response: str, params: WrapParams) -> Answers | None:
    """The wrapped answer, or None when the markers are missing."""
    body = response.strip()
    if len(body) < len(params.left) + len(params.right):
        return None
    if not (body.startswith(params.left) and body.endswith(params.right)):
        return None
    return (body[len(params.left) : len(body) - len(params.right)].strip(),)


def render(answers: Answers, params: WrapParams) -> str:
    """The answer between the two markers."""
    return f"{params.left}{answers[0]}{params.right}"


def explain(response: str, params: WrapParams) -> str:
    """Which marker is missing (or that the response is too short to hold both)."""
    body = response.strip()
    missing = [
        f"does not start with {shown(params.left)}" if not body.startswith(params.left) else "",
        f"does not end with {shown(params.right)}" if not body.endswith(params.right) else "",
    ]
    reasons = [reason for reason in missing if reason]
    return "; ".join(reasons) or f"too short to hold both {shown(params.left)} and {shown(params.right)}"


CHECKER = CheckerKind(KIND, WrapParams, extract, render=render, explain=explain)
