"""Shared parts of the composite kinds (`separator`, `json_keys`): subtasks and their label rules."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .params import ParamReader, distinct
from .textutil import label_index, match_label


@dataclass(frozen=True)
class SubtaskRules:
    """The ordered subtasks of a composite row and, for label subtasks, their casefolded label index."""

    subtasks: tuple[str, ...]
    label_indexes: tuple[Mapping[str, str] | None, ...]  # per subtask; None for open-text subtasks

    def answer(self, position: int, text: str) -> str | None:
        """The answer of subtask `position` given its raw text, or None when it breaks the format.

        Open-text subtasks need a non-empty trimmed text; label subtasks need one of their labels
        (answered lowercase, see `textutil.bare_label`).
        """
        index = self.label_indexes[position]
        if index is None:
            answer = text.strip()
            return answer or None
        return match_label(text, index)


def read_subtask_rules(reader: ParamReader) -> SubtaskRules:
    """Validate `subtasks` (distinct, at least one) and `labels` ({subtask: [label, ...]})."""
    subtasks = reader.text_list("subtasks", required=True, allow_empty=False)
    distinct(reader, "subtasks", subtasks)
    labels = reader.label_map("labels", subtasks)
    indexes = tuple(label_index(labels[name]) if name in labels else None for name in subtasks)
    return SubtaskRules(subtasks, indexes)
