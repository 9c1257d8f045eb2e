"""No response, however strange, makes a checker raise."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from isac.runtime.scoring.checkers import CheckResult, check

from .helpers import ANY_TEXT, BYTES_TEXT, spec
from .test_registry import VALID

SUBTASKS = {"separator": ("ASR", "SER"), "json_keys": ("ASR", "SER")}

PATHOLOGICAL = [
    "",
    "\x00" * 1000,
    "\ud800",
    "\udfff\ud800 The transcription is: \ud83d",
    "x" * 2_000_000,
    " " * 1_000_000 + ":",
    "\n" * 100_000,
    "[" * 100_000,
    "{" * 100_000,
    "{" * 100_000 + "}" * 100_000,
    '{"a":' * 50_000 + '"x"' + "}" * 50_000,
    "```json\n" + "[" * 100_000 + "\n```",
    '{"transcription": NaN}',
    '{"transcription": Infinity, "asr_output": -Infinity}',
    '{"transcription": 1' + "0" * 5000 + "}",
    "null",
    "[]",
    '"just a string"',
    "1e999",
    "|" * 100_000,
    "\\" * 100_000,
    "The transcription is:" * 100_000,
    "is the caption." * 100_000,
    "<answer>" * 100_000,
    "\u202e\u200b\ufeff",
]


def assert_well_formed(result: CheckResult, subtasks: tuple[str, ...]) -> None:
    assert isinstance(result.compliant, bool)
    assert tuple(result.answers) == subtasks
    assert all(isinstance(answer, str) for answer in result.answers.values())
    if not result.compliant:
        assert set(result.answers.values()) == {""}


def judge(kind: str, params: dict[str, Any], response: str) -> None:
    subtasks = SUBTASKS.get(kind, ("ASR",))
    assert_well_formed(check(spec(kind, **params), response, subtasks), subtasks)


@pytest.mark.parametrize("kind", sorted(VALID))
@pytest.mark.parametrize("response", PATHOLOGICAL, ids=range(len(PATHOLOGICAL)))
def test_pathological_responses(kind: str, response: str) -> None:
    judge(kind, VALID[kind], response)


@pytest.mark.parametrize("kind", sorted(VALID))
@settings(suppress_health_check=[HealthCheck.too_slow])
@given(response=st.one_of(ANY_TEXT, BYTES_TEXT))
def test_arbitrary_text(kind: str, response: str) -> None:
    judge(kind, VALID[kind], response)


@pytest.mark.parametrize("kind", sorted(VALID))
@given(
    response=st.recursive(
        st.one_of(st.none(), st.booleans(), st.floats(), st.text(max_size=5)),
        lambda children: (
            st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
        ),
        max_leaves=10,
    ).map(repr)
)
def test_json_like_text(kind: str, response: str) -> None:
    judge(kind, VALID[kind], response)
