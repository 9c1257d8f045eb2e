"""`separator`: a composite answer, one part per subtask, joined by a separator (e.g. `|`).

Default profile: the trimmed response is split on the separator; when the separator has surrounding
whitespace (" | "), the split uses its trimmed form so "a|b" and "a | b" both pass. There must be exactly
one part per subtask, each non-empty after trimming, and a label subtask's part must be one of its labels
(case-insensitive, outer quotes and one trailing period tolerated). Answers: the trimmed parts in
subtask order, label parts as the lowercase label.
"""

from __future__ import annotations

from functools import cached_property

from .base import Answers, CheckerKind
from .composite import CompositeParams, composite_subtasks
from .params import NonEmptyText
from .textutil import label_list, shown

KIND = "separator"


class SeparatorParams(CompositeParams):
    """{separator, subtasks, labels?}."""

    separator: NonEmptyText

    @cached_property
    def split_on(self) -> str:
        """The separator as split on: its padding is loose, unless it is whitespace only (a newline)."""
        return self.separator.strip() or self.separator


def extract(response: str, params: SeparatorParams) -> Answers | None:
    """One answer per subtask, or None."""
    parts = response.strip().split(params.split_on, len(params.subtasks))
    if len(parts) != len(params.subtasks):
        return None
    answers = []
    for position, part in enumerate(parts):
        answer = params.answer(position, part)
        if answer is None:
            return None
        answers.append(answer)
    return tuple(answers)


def render(answers: Answers, params: SeparatorParams) -> str:
    """The answers in subtask order, joined by the separator."""
    return params.separator.join(answers)


def explain(response: str, params: SeparatorParams) -> str:
    """Wrong number of parts, an empty part or a part that is not one of its labels."""
    parts = response.strip().split(params.split_on, len(params.subtasks))
    if len(parts) != len(params.subtasks):
        return (
            f"expected {len(params.subtasks)} parts separated by {shown(params.split_on)}, "
            f"found {len(parts) if len(parts) < len(params.subtasks) else 'more'}"
        )
    for position, part in enumerate(parts):
        if params.answer(position, part) is None:
            subtask = params.subtasks[position]
            if subtask not in params.labels:
                return f"part {position + 1} ({subtask}) is empty"
            labels = label_list(params.labels[subtask])
            return f"part {position + 1} ({subtask}) {shown(part.strip())} is not one of {labels}"
    return "does not follow the separator format"


CHECKER = CheckerKind(KIND, SeparatorParams, extract, composite_subtasks, render, explain)
