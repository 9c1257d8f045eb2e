"""Shared params of the composite kinds (`separator`, `json_keys`): subtasks and their label rules."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import Annotated

from pydantic import AfterValidator, Field, StrictStr, ValidationInfo, field_validator

from .params import CheckerParams, NonBlankTexts, distinct
from .textutil import label_index, match_label


class CompositeParams(CheckerParams):
    """{subtasks, labels?}: the ordered subtasks of a composite row and the labels of its label subtasks.

    `subtasks` are distinct (at least one); `labels` maps some of them to their label lists.
    """

    subtasks: Annotated[NonBlankTexts, AfterValidator(distinct)]
    labels: dict[StrictStr, NonBlankTexts] = Field(default_factory=dict)

    @field_validator("labels")
    @classmethod
    def _labels_name_subtasks(
        cls, labels: dict[str, tuple[str, ...]], info: ValidationInfo
    ) -> dict[str, tuple[str, ...]]:
        subtasks = info.data.get("subtasks")
        if subtasks is not None and any(name not in subtasks for name in labels):
            raise ValueError(f"must be keyed by subtasks among {list(subtasks)}")
        return labels

    @cached_property
    def label_indexes(self) -> tuple[Mapping[str, str] | None, ...]:
        """Per subtask, its casefolded label index, or None for an open-text subtask."""
        return tuple(
            label_index(self.labels[name]) if name in self.labels else None for name in self.subtasks
        )

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


def composite_subtasks(params: CompositeParams) -> tuple[str, ...]:
    """`fixed_subtasks` of the composite kinds: the subtasks their params name."""
    return params.subtasks
