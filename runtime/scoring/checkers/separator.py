"""`separator`: a composite answer, one part per subtask, joined by a separator (e.g. `|`).

Default profile: the trimmed response is split on the separator; when the separator has surrounding
whitespace (" | "), the split uses its trimmed form so "a|b" and "a | b" both pass. There must be exactly
one part per subtask, each non-empty after trimming, and a label subtask's part must be one of its labels
(case-insensitive, outer quotes and one trailing period tolerated). Answers: the trimmed parts in
subtask order, label parts as the lowercase label.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .base import Answers, CheckerKind
from .composite import SubtaskRules, read_subtask_rules
from .params import ParamReader

KIND = "separator"


@dataclass(frozen=True)
class SeparatorParams:
    """Validated params: the separator as split on, and the subtask rules."""

    separator: str
    rules: SubtaskRules


def parse_params(raw: Mapping[str, Any]) -> SeparatorParams:
    """Validate {separator, subtasks, labels?}."""
    reader = ParamReader(KIND, raw, ("separator", "subtasks", "labels"))
    separator = reader.raw.get("separator")
    if not isinstance(separator, str) or not separator:
        raise reader.fail("separator", "a non-empty string")
    # A whitespace-only separator (a newline) is split on as given; otherwise its padding is loose.
    return SeparatorParams(separator.strip() or separator, read_subtask_rules(reader))


def extract(response: str, params: SeparatorParams) -> Answers | None:
    """One answer per subtask, or None."""
    rules = params.rules
    parts = response.strip().split(params.separator, len(rules.subtasks))
    if len(parts) != len(rules.subtasks):
        return None
    answers = []
    for position, part in enumerate(parts):
        answer = rules.answer(position, part)
        if answer is None:
            return None
        answers.append(answer)
    return tuple(answers)


def fixed_subtasks(params: SeparatorParams) -> tuple[str, ...]:
    """The subtasks named by the params."""
    return params.rules.subtasks


CHECKER = CheckerKind(KIND, parse_params, extract, fixed_subtasks)
