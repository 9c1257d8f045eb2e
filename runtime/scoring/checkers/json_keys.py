"""`json_keys`: a composite answer as one JSON object, `keys[i]` holding the answer of `subtasks[i]`.

Default profile: the same JSON rules as `json_key` (one optional markdown fence, nothing else around,
standard JSON). Every key must hold a string; other keys are allowed. Open-text values are trimmed (an
empty value is allowed, it scores as a wrong answer); label subtasks' values must be one of their labels
(case-insensitive, outer quotes and one trailing period tolerated) and answer the lowercase label.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .base import Answers, CheckerKind
from .composite import SubtaskRules, read_subtask_rules
from .jsontext import parse_object
from .params import ParamReader, distinct
from .textutil import match_label

KIND = "json_keys"


@dataclass(frozen=True)
class JsonKeysParams:
    """Validated params: the keys in subtask order and the subtask rules."""

    keys: tuple[str, ...]
    rules: SubtaskRules


def parse_params(raw: Mapping[str, Any]) -> JsonKeysParams:
    """Validate {keys, subtasks, labels?}: one distinct key per subtask."""
    reader = ParamReader(KIND, raw, ("keys", "subtasks", "labels"))
    keys = reader.text_list("keys", required=True, allow_empty=False)
    distinct(reader, "keys", keys)
    rules = read_subtask_rules(reader)
    if len(keys) != len(rules.subtasks):
        raise reader.fail("keys", f"one key per subtask ({len(rules.subtasks)})")
    return JsonKeysParams(keys, rules)


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
        index = params.rules.label_indexes[position]
        answer = text.strip() if index is None else match_label(text, index)
        if answer is None:
            return None
        answers.append(answer)
    return tuple(answers)


def fixed_subtasks(params: JsonKeysParams) -> tuple[str, ...]:
    """The subtasks named by the params."""
    return params.rules.subtasks


CHECKER = CheckerKind(KIND, parse_params, extract, fixed_subtasks)
