"""Reasons for non-compliance (`CompiledChecker.explain`): one per kind, worded for a report reader."""

from __future__ import annotations

from typing import Any

import pytest

from isac.compiler.rows import CheckerSpec
from isac.runtime.scoring.checkers import KINDS, compile_checker

EMOTIONS = ["happy", "sad"]
GENDERS = ["male", "female"]
WRAP = {"left": "<a>", "right": "</a>"}
TWO = {"separator": " | ", "subtasks": ["SER", "GR"], "labels": {"SER": EMOTIONS, "GR": GENDERS}}
KEYS = {"keys": ["e", "g"], "subtasks": ["SER", "GR"]}


def _explain(kind: str, params: dict[str, Any], response: str | None) -> str:
    return compile_checker(CheckerSpec(kind=kind, params=params)).explain(response)


@pytest.mark.parametrize(
    ("kind", "params", "response", "reason"),
    [
        ("prefix", {"text": "The transcription is:"}, "Transcript: hi",
         "missing prefix 'The transcription is:'; starts with 'Transcript: hi'"),
        ("suffix", {"text": "(end)"}, "hello world", "missing suffix '(end)'; ends with 'hello world'"),
        ("wrap", WRAP, "<a>hi", "does not end with '</a>'"),
        ("wrap", WRAP, "hi", "does not start with '<a>'; does not end with '</a>'"),
        ("json_key", {"key": "text"}, '{"caption": "x"}', "JSON key 'text' absent"),
        ("json_key", {"key": "text"}, '{"text": 3}', "JSON key 'text' holds int, not a string"),
        ("json_key", {"key": "text"}, '{"text": "x",}', "invalid JSON"),
        ("json_key", {"key": "text"}, 'Sure! {"text": "x"}',
         "not a JSON object (text outside the braces or no braces)"),
        ("json_keys", {"keys": ["e", "g"], "subtasks": ["SER", "GR"], "labels": {"SER": EMOTIONS}},
         '{"e": "joyful", "g": "male"}', "JSON key 'e' holds 'joyful', not one of happy, sad"),
        ("json_keys", KEYS, '{"e": "happy"}', "JSON key 'g' absent"),
        ("label", {"labels": EMOTIONS}, "I think sad",
         "'I think sad' is not exactly one of the labels happy, sad"),
        ("text", {"forbidden": ["the audio"]}, "The audio says hi",
         "contains the forbidden phrase 'the audio'"),
        ("separator", TWO,
         "sad, female", "expected 2 parts separated by '|', found 1"),
        ("separator", TWO,
         "sad | woman", "part 2 (GR) 'woman' is not one of male, female"),
        ("upper_case", {}, "HELLO world", "contains lower-case letters"),
        ("upper_case", {}, "123 !", "has no letters with case"),
        ("lower_case", {}, "hello World", "contains upper-case letters"),
    ],
)  # fmt: skip
def test_reason_per_kind(kind: str, params: dict[str, Any], response: str, reason: str) -> None:
    assert _explain(kind, params, response) == reason


def test_every_built_in_kind_explains_itself() -> None:
    for name in ("prefix", "suffix", "wrap", "json_key", "json_keys", "label", "text", "separator",
                 "upper_case", "lower_case"):  # fmt: skip
        assert KINDS.get(name).explain is not None, name


def test_common_cases_and_escapes() -> None:
    assert _explain("label", {"labels": EMOTIONS}, None) == "no response: the model call failed"
    assert _explain("label", {"labels": EMOTIONS}, "  \n") == "empty response"
    assert _explain("label", {"labels": EMOTIONS}, "happy") == "follows the format"
    # control characters are shown escaped, long texts cut
    reason = _explain("label", {"labels": EMOTIONS}, "sad\x00\x1b[31m" + "x" * 100)
    assert "\\x00\\x1b[31m" in reason and "\x00" not in reason and "…" in reason
