"""`json_key`: one JSON object (optionally fenced) holding the answer under a key."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from .helpers import ANY_CHAR, OPEN_ANSWERS, run

KEYS = st.sampled_from(["transcription", "caption", "answer", "emotion_output", "译文", "a b"])
# JSON can carry any string, lone surrogates included (escaped).
JSON_ANSWERS = st.text(alphabet=ANY_CHAR, min_size=1, max_size=40).map(str.strip).filter(bool)
FENCES = st.sampled_from([("", ""), ("```json\n", "\n```"), ("```\n", "\n```"), ("```JSON ", "```")])


def render(value: object, ascii_only: bool, indent: int | None) -> str:
    return json.dumps(value, ensure_ascii=ascii_only, indent=indent)


@given(
    key=KEYS,
    answer=JSON_ANSWERS,
    fence=FENCES,
    ascii_only=st.booleans(),
    indent=st.sampled_from([None, 2]),
    extra=st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)
def test_json_key_accepts_the_answer_under_the_key(
    key: str, answer: str, fence: tuple[str, str], ascii_only: bool, indent: int | None, extra: dict[str, int]
) -> None:
    body = render({**extra, key: answer}, ascii_only, indent)
    result = run("json_key", f"\n{fence[0]}{body}{fence[1]} ", key=key)
    assert result.compliant
    assert result.answers["ASR"] == answer


@given(key=KEYS, answer=OPEN_ANSWERS)
def test_json_key_rejects_a_wrong_key(key: str, answer: str) -> None:
    assert not run("json_key", render({key + "_x": answer}, True, None), key=key).compliant
    assert not run("json_key", render({key.upper() + "X": answer}, True, None), key=key).compliant


@given(key=KEYS, answer=OPEN_ANSWERS, cut=st.integers(min_value=1, max_value=10))
def test_json_key_rejects_truncated_json(key: str, answer: str, cut: int) -> None:
    body = render({key: answer}, False, None)
    assert not run("json_key", body[: max(0, len(body) - cut)], key=key).compliant


@given(
    key=KEYS,
    answer=OPEN_ANSWERS,
    chatter=st.sampled_from(["Here is the JSON: ", "Sure!\n", "json"]),
    after=st.booleans(),
    fence=FENCES,
)
def test_json_key_rejects_commentary_around_the_object(
    key: str, answer: str, chatter: str, after: bool, fence: tuple[str, str]
) -> None:
    body = f"{fence[0]}{render({key: answer}, False, None)}{fence[1]}"
    response = f"{body}\n{chatter}" if after else f"{chatter}{body}"
    assert not run("json_key", response, key=key).compliant


@given(key=KEYS, value=st.one_of(st.integers(), st.none(), st.lists(st.text(max_size=3)), st.booleans()))
def test_json_key_rejects_non_string_values(key: str, value: object) -> None:
    assert not run("json_key", json.dumps({key: value}), key=key).compliant


@pytest.mark.parametrize(
    ("response", "compliant", "answer"),
    [
        ('{"k": "  padded  "}', True, "padded"),
        ('{"k": ""}', True, ""),
        ('{"k": "a", "k": "b"}', True, "b"),
        ('{"k": "\\ud800"}', True, "\ud800"),
        ('```json\n{"k": "fenced"}\n```', True, "fenced"),
        ('```json{"k": "tight"}```', True, "tight"),
        ('```python\n{"k": "x"}\n```', False, ""),
        ('```json\n{"k": "x"}\n```\n```json\n{"k": "y"}\n```', False, ""),
        ('{"k": NaN}', False, ""),
        ('{"k": "x", "n": Infinity}', False, ""),
        ('{"k": "x", "n": -Infinity}', False, ""),
        ('["k", "x"]', False, ""),
        ('"x"', False, ""),
        ("{'k': 'x'}", False, ""),
        ('{"k": "line\nbreak"}', False, ""),
        ('{"k": "x"} {"k": "y"}', False, ""),
        ('{"k": "x",}', False, ""),
        ("{}", False, ""),
        ("", False, ""),
        ("```", False, ""),
        ("``````", False, ""),
    ],
)
def test_json_key_examples(response: str, compliant: bool, answer: str) -> None:
    result = run("json_key", response, key="k")
    assert (result.compliant, result.answers["ASR"]) == (compliant, answer)


def test_json_key_survives_pathological_json() -> None:
    for response in (
        "{" * 100_000 + "}" * 100_000,
        '{"k": ' + "[" * 100_000 + "]" * 100_000 + "}",
        '{"k": "x", "n": ' + "9" * 10_000 + "}",
        '{"k": "' + "x" * 1_000_000 + '"}',
    ):
        result = run("json_key", response, key="k")
        assert result.compliant is (response.startswith('{"k": "x') and "9" not in response)
