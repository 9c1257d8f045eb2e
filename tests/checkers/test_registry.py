"""The registry, the `check` entry point and param validation."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from isac.compiler.errors import ScoringError
from isac.runtime.scoring.checkers import KINDS, CheckResult, check, compile_checker

from .helpers import LABELS, run, spec

VALID: dict[str, dict[str, Any]] = {
    "prefix": {"text": "The transcription is:", "case_sensitive": False},
    "suffix": {"text": "is the caption.", "case_sensitive": True},
    "wrap": {"left": "<answer>", "right": "</answer>"},
    "json_key": {"key": "transcription"},
    "upper_case": {},
    "lower_case": {},
    "label": {"labels": ["happy", "sad", "angry", "neutral"]},
    "text": {"forbidden": ["the audio", "transcription"]},
    "separator": {"separator": "|", "subtasks": ["ASR", "SER"], "labels": {"SER": list(LABELS["SER"])}},
    "json_keys": {
        "keys": ["asr_output", "emotion_output"],
        "subtasks": ["ASR", "SER"],
        "labels": {"SER": list(LABELS["SER"])},
    },
}


def test_every_contract_kind_is_registered() -> None:
    # Installed plugins (the test plugin's `starts_with_word`) add kinds beside the built-ins.
    assert {name for name in KINDS if KINDS.origin(name) == "builtin"} == set(VALID)


@pytest.mark.parametrize("kind", sorted(VALID))
def test_valid_params_compile(kind: str) -> None:
    checker = compile_checker(spec(kind, **VALID[kind]))
    assert checker.kind.name == kind


def test_unknown_kind_raises() -> None:
    with pytest.raises(ScoringError, match="unknown checker kind 'regex'"):
        check(spec("regex", pattern="x"), "x", ["ASR"])


BAD_PARAMS = [
    ("prefix", {}, "text"),
    ("prefix", {"text": ""}, "text"),
    ("prefix", {"text": "   "}, "text"),
    ("prefix", {"text": 3}, "text"),
    ("prefix", {"text": "a", "case_sensitive": "yes"}, "case_sensitive"),
    ("prefix", {"text": "a", "typo": 1}, "typo"),
    ("suffix", {"text": None}, "text"),
    ("wrap", {"left": "<a>"}, "right"),
    ("wrap", {"left": " ", "right": "x"}, "left"),
    ("json_key", {"key": ""}, "key"),
    ("json_key", {"keys": ["a"]}, "keys"),
    ("upper_case", {"text": "a"}, "text"),
    ("label", {"labels": []}, "labels"),
    ("label", {"labels": "happy"}, "labels"),
    ("label", {"labels": ["happy", ""]}, "labels"),
    ("text", {"forbidden": "the audio"}, "forbidden"),
    ("text", {"forbidden": [1]}, "forbidden"),
    ("separator", {"subtasks": ["ASR", "SER"]}, "separator"),
    ("separator", {"separator": "", "subtasks": ["ASR", "SER"]}, "separator"),
    ("separator", {"separator": "|", "subtasks": []}, "subtasks"),
    ("separator", {"separator": "|", "subtasks": ["ASR", "ASR"]}, "subtasks"),
    ("separator", {"separator": "|", "subtasks": ["ASR"], "labels": {"SER": ["happy"]}}, "labels"),
    ("separator", {"separator": "|", "subtasks": ["SER"], "labels": {"SER": []}}, "labels.SER"),
    ("separator", {"separator": "|", "subtasks": ["SER"], "labels": ["happy"]}, "labels"),
    ("json_keys", {"keys": ["a"], "subtasks": ["ASR", "SER"]}, "keys"),
    ("json_keys", {"keys": ["a", "a"], "subtasks": ["ASR", "SER"]}, "keys"),
    ("json_keys", {"subtasks": ["ASR"]}, "keys"),
]


@pytest.mark.parametrize(("kind", "params", "param"), BAD_PARAMS)
def test_bad_params_raise_naming_kind_and_param(kind: str, params: dict[str, Any], param: str) -> None:
    with pytest.raises(ScoringError) as caught:
        check(spec(kind, **params), "anything", ["ASR"])
    message = str(caught.value)
    assert repr(kind) in message
    assert param in message


def test_single_task_kind_needs_exactly_one_subtask() -> None:
    with pytest.raises(ScoringError, match="exactly one subtask"):
        run("upper_case", "HELLO", subtasks=("ASR", "SER"))
    with pytest.raises(ScoringError, match="exactly one subtask"):
        run("upper_case", "HELLO", subtasks=())


def test_composite_subtasks_must_match_the_row() -> None:
    with pytest.raises(ScoringError, match="differ"):
        check(spec("separator", **VALID["separator"]), "hi|happy", ["SER", "ASR"])
    # An empty subtask list means "as the params say".
    assert check(spec("separator", **VALID["separator"]), "hi|happy", []).answers == {
        "ASR": "hi",
        "SER": "happy",
    }


def test_answers_are_keyed_by_the_row_subtask() -> None:
    result = run("upper_case", " HELLO ", subtasks=("AAC",))
    assert result == CheckResult(True, {"AAC": "HELLO"})


def test_non_compliant_answers_are_empty_for_every_subtask() -> None:
    result = check(spec("separator", **VALID["separator"]), "no separator here", ["ASR", "SER"])
    assert result.compliant is False
    assert dict(result.answers) == {"ASR": "", "SER": ""}


def test_missing_response_is_not_compliant() -> None:
    assert check(spec("text", forbidden=[]), None, ["ASR"]) == CheckResult(False, {"ASR": ""})


def test_result_is_frozen() -> None:
    result = run("lower_case", "hello")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.compliant = False  # type: ignore[misc]
    with pytest.raises(TypeError):
        result.answers["ASR"] = "x"  # type: ignore[index]


def test_compiled_checkers_are_cached_by_content() -> None:
    first = compile_checker(spec("prefix", text="Answer:"))
    second = compile_checker(spec("prefix", text="Answer:"))
    assert first is second
    assert compile_checker(spec("prefix", text="Answer:", case_sensitive=True)) is not first
