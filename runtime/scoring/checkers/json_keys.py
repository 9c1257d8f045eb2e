"""`json_keys`: a composite answer as one JSON object, `keys[i]` holding the answer of `subtasks[i]`.

Default profile: the same JSON rules as `json_key` (one optional markdown fence, nothing else around,
standard JSON). Every key must hold a string; other keys are allowed. Open-text values are trimmed (an
empty value is allowed, it scores as a wrong answer); label subtasks' values must be one of their labels
(case-insensitive, outer quotes and one trailing period tolerated) and answer the lowercase label.
"""

from __future__ import annotations

import json
from typing import Annotated

from pydantic import AfterValidator, ValidationInfo, field_validator

from .base import Answers, CheckerKind
from .composite import CompositeParams, composite_subtasks
from .jsontext import lookup, object_problem, parse_object, value_problem
from .params import NonBlankTexts, distinct
from .textutil import label_list, match_label, shown

KIND = "json_keys"


class JsonKeysParams(CompositeParams):
    """{keys, subtasks, labels?}: one distinct key per subtask, in subtask order."""

    keys: Annotated[NonBlankTexts, AfterValidator(distinct)]

    @field_validator("keys")
    @classmethod
    def _one_key_per_subtask(cls, keys: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        subtasks = info.data.get("subtasks")
        if subtasks is not None and len(keys) != len(subtasks):
            raise ValueError(f"must hold one key per subtask ({len(subtasks)})")
        return keys


def extract(response: str, params: JsonKeysParams) -> Answers | None:
    """One answer per subtask, or None."""
    value = parse_object(response)
    if value is None:
        return None
    answers = []
    for position, key in enumerate(params.keys):
        text = value.get(key)
        if not isinstance(text, str):
            return None
        index = params.label_indexes[position]
        answer = text.strip() if index is None else match_label(text, index)
        if answer is None:
            return None
        answers.append(answer)
    return tuple(answers)


def render(answers: Answers, params: JsonKeysParams) -> str:
    """One JSON object with each subtask's answer under its key."""
    return json.dumps(dict(zip(params.keys, answers, strict=True)), ensure_ascii=False)


def explain(response: str, params: JsonKeysParams) -> str:
    """The first key that is absent, not a string or not one of its labels."""
    problem = object_problem(response)
    if problem is not None:
        return problem
    obj = parse_object(response) or {}
    for position, key in enumerate(params.keys):
        value = lookup(obj, key)
        problem = value_problem(value, key)
        if problem is not None:
            return problem
        index = params.label_indexes[position]
        if index is not None and match_label(str(value), index) is None:
            labels = label_list(params.labels[params.subtasks[position]])
            return f"JSON key '{key}' holds {shown(str(value))}, not one of {labels}"
    return "does not follow the json_keys format"


CHECKER = CheckerKind(KIND, JsonKeysParams, extract, composite_subtasks, render, explain)
