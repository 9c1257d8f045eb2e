"""Official N-dimension rules: composite answers in a separator format or a JSON object.

The part of each subtask must pass its content test: ASR the answer-only test against the
transcript, SER one of the four emotions, GR male/female (trimmed and lowercased, nothing else). A
record is compliant or not as a whole; a non-compliant record answers "" for every subtask. As in the
official script, when a subtask appears twice only its first part is tested.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from isac.runtime.isa_v1.rules.answer_only import is_asr_answer_only
from isac.runtime.isa_v1.rules.f import parse_json
from isac.runtime.isa_v1.vocabulary import EMOTIONS, GENDERS, N_DEFAULT_SEPARATOR, N_SUBTASKS

_ENCLOSING_PAIRS = (("(", ")"), ("[", "]"), ("{", "}"))


@dataclass(frozen=True)
class CompositeJudgement:
    """Verdict on one N record and the hypothesis per subtask ("" for all when not compliant)."""

    compliant: bool
    hypotheses: Mapping[str, str]


def record_subtasks(task: str) -> tuple[str, ...]:
    """The recognised subtasks of a `task` string such as "ASR|SER" (names trimmed, others dropped)."""
    return tuple(name.strip() for name in task.split("|") if name.strip() in N_SUBTASKS)


def part_passes(subtask: str, part: str, asr_reference: str) -> bool:
    """The content test of one subtask's part (the part is trimmed first)."""
    if subtask == "ASR":
        return is_asr_answer_only(part.strip(), asr_reference)
    labels = EMOTIONS if subtask == "SER" else GENDERS
    return part.strip().lower() in labels


def parts_pass(subtasks: Sequence[str], parts: Sequence[str], asr_reference: str) -> bool:
    """Each recognised subtask's first part passes its test."""
    for name in N_SUBTASKS:
        if name in subtasks and not part_passes(name, parts[subtasks.index(name)], asr_reference):
            return False
    return True


def clean_separated_part(part: str) -> str:
    """Hypothesis of a separator part: trimmed, outer quotes/spaces stripped, one bracket pair removed."""
    text = part.strip().strip("\"' ").strip()
    if len(text) >= 2 and (text[0], text[-1]) in _ENCLOSING_PAIRS:
        return text[1:-1].strip()
    return text


def _failed(subtasks: Sequence[str]) -> CompositeJudgement:
    return CompositeJudgement(compliant=False, hypotheses=dict.fromkeys(subtasks, ""))


def judge_separated(
    subtasks: Sequence[str], response: str, separator: str, asr_reference: str
) -> CompositeJudgement:
    """Plain split on the separator: exactly one part per subtask, each passing its content test."""
    parts = response.split(separator)
    if len(parts) != len(subtasks) or not parts_pass(subtasks, parts, asr_reference):
        return _failed(subtasks)
    hypotheses = {name: clean_separated_part(part) for name, part in zip(subtasks, parts, strict=True)}
    return CompositeJudgement(compliant=True, hypotheses=hypotheses)


def judge_json(subtasks: Sequence[str], response: str, key: str, asr_reference: str) -> CompositeJudgement:
    """A JSON object holding one key per subtask ("k1|k2", in task order), values passing the tests."""
    value = parse_json(response)
    names = [name.strip() for name in key.split("|") if name.strip()]
    if not isinstance(value, dict) or len(names) != len(subtasks) or any(n not in value for n in names):
        return _failed(subtasks)
    texts = [str(value[name]) for name in names]
    if not parts_pass(subtasks, texts, asr_reference):
        return _failed(subtasks)
    return CompositeJudgement(compliant=True, hypotheses=dict(zip(subtasks, texts, strict=True)))


def judge_n(
    branch: str, subtasks: Sequence[str], response: str, param: str | None, asr_reference: str
) -> CompositeJudgement:
    """The N rule of a branch ("separation" or "json"); `param` is the separator (default one backslash)
    or the "key1|key2" string."""
    if branch == "separation":
        return judge_separated(subtasks, response, param or N_DEFAULT_SEPARATOR, asr_reference)
    if branch == "json":
        return judge_json(subtasks, response, param or "", asr_reference)
    return _failed(subtasks)
