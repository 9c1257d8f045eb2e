"""`separator` and `json_keys`: composite answers for N rows."""

from __future__ import annotations

import itertools
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from isac.runtime.scoring.checkers import check

from .helpers import LABELS, SENTENCES, label_variants, spec

ORDERS = [order for size in (2, 3) for order in itertools.permutations(("ASR", "SER", "GR"), size)]
SEPARATORS = st.sampled_from(["|", "\\", " | ", ";", "\n", "###", " / "])
KEY_NAMES = {"ASR": "asr_output", "SER": "emotion_output", "GR": "gender_output"}


def separator_spec(order: tuple[str, ...], separator: str) -> object:
    labels = {task: list(LABELS[task]) for task in order if task in LABELS}
    return spec("separator", separator=separator, subtasks=list(order), labels=labels)


def json_spec(order: tuple[str, ...]) -> object:
    labels = {task: list(LABELS[task]) for task in order if task in LABELS}
    return spec("json_keys", keys=[KEY_NAMES[t] for t in order], subtasks=list(order), labels=labels)


@st.composite
def composite_answers(
    draw: st.DrawFn, order: tuple[str, ...], pads: tuple[str, ...] = ("", " ")
) -> tuple[dict[str, str], dict[str, str]]:
    """(rendered part per subtask, expected answer per subtask); label parts padded with `pads`."""
    rendered: dict[str, str] = {}
    expected: dict[str, str] = {}
    for task in order:
        if task in LABELS:
            label = draw(st.sampled_from(LABELS[task]))
            rendered[task], expected[task] = draw(label_variants(label, pads)), label
        else:
            sentence = draw(SENTENCES)
            rendered[task], expected[task] = sentence, sentence
    return rendered, expected


@given(data=st.data(), order=st.sampled_from(ORDERS), separator=SEPARATORS, pad=st.sampled_from(["", " "]))
def test_separator_accepts_every_rendering(
    data: st.DataObject, order: tuple[str, ...], separator: str, pad: str
) -> None:
    rendered, expected = data.draw(composite_answers(order))
    glue = separator if separator.strip() == "" else f"{pad}{separator.strip()}{pad}"
    response = glue.join(rendered[task] for task in order)
    result = check(separator_spec(order, separator), response, order)
    assert result.compliant
    assert dict(result.answers) == expected


@given(data=st.data(), order=st.sampled_from(ORDERS), separator=SEPARATORS)
def test_separator_rejects_wrong_part_counts(
    data: st.DataObject, order: tuple[str, ...], separator: str
) -> None:
    rendered, _ = data.draw(composite_answers(order))
    parts = [rendered[task] for task in order]
    checker = separator_spec(order, separator)
    assert not check(checker, separator.join(parts[:-1]), order).compliant
    assert not check(checker, separator.join([*parts, "extra words"]), order).compliant
    assert not check(checker, separator.join(["", *parts[1:]]), order).compliant


@given(data=st.data(), order=st.sampled_from([o for o in ORDERS if "SER" in o]), separator=SEPARATORS)
def test_separator_rejects_a_non_label(data: st.DataObject, order: tuple[str, ...], separator: str) -> None:
    rendered, _ = data.draw(composite_answers(order))
    rendered["SER"] = data.draw(
        st.sampled_from(["joyful", "happy and sad", "The emotion is happy", "unknown"])
    )
    response = separator.join(rendered[task] for task in order)
    assert not check(separator_spec(order, separator), response, order).compliant


@given(data=st.data(), order=st.sampled_from(ORDERS), fenced=st.booleans(), indent=st.sampled_from([None, 2]))
def test_json_keys_accepts_every_rendering(
    data: st.DataObject, order: tuple[str, ...], fenced: bool, indent: int | None
) -> None:
    rendered, expected = data.draw(composite_answers(order))
    body = json.dumps({KEY_NAMES[task]: rendered[task] for task in order}, indent=indent, ensure_ascii=False)
    response = f"```json\n{body}\n```" if fenced else body
    result = check(json_spec(order), response, order)
    assert result.compliant
    assert dict(result.answers) == expected


@given(
    data=st.data(),
    order=st.sampled_from(ORDERS),
    mutation=st.sampled_from(["drop", "rename", "number", "cut", "chat"]),
)
def test_json_keys_rejects_broken_objects(data: st.DataObject, order: tuple[str, ...], mutation: str) -> None:
    rendered, _ = data.draw(composite_answers(order))
    value: dict[str, object] = {KEY_NAMES[task]: rendered[task] for task in order}
    victim = KEY_NAMES[data.draw(st.sampled_from(order))]
    if mutation == "drop":
        del value[victim]
    elif mutation == "rename":
        value[victim.upper()] = value.pop(victim)
    elif mutation == "number":
        value[victim] = 7
    body = json.dumps(value)
    if mutation == "cut":
        body = body[:-1]
    if mutation == "chat":
        body = "Here it is: " + body
    assert not check(json_spec(order), body, order).compliant


def test_json_keys_rejects_a_non_label_value() -> None:
    body = json.dumps({"asr_output": "hi", "emotion_output": "joyful"})
    assert not check(json_spec(("ASR", "SER")), body, ("ASR", "SER")).compliant


@pytest.mark.parametrize(
    ("response", "compliant", "answers"),
    [
        ("hello world|Happy", True, {"ASR": "hello world", "SER": "happy"}),
        ("hello world | happy.", True, {"ASR": "hello world", "SER": "happy"}),
        ('hello world|"sad"', True, {"ASR": "hello world", "SER": "sad"}),
        ("hello | world|happy", False, {"ASR": "", "SER": ""}),
        ("hello world|", False, {"ASR": "", "SER": ""}),
        ("|happy", False, {"ASR": "", "SER": ""}),
        ("hello world\\happy", False, {"ASR": "", "SER": ""}),
    ],
)
def test_separator_examples(response: str, compliant: bool, answers: dict[str, str]) -> None:
    result = check(separator_spec(("ASR", "SER"), "|"), response, ("ASR", "SER"))
    assert (result.compliant, dict(result.answers)) == (compliant, answers)


def test_separator_without_labels_treats_every_part_as_text() -> None:
    checker = spec("separator", separator="|", subtasks=["ASR", "SER"])
    assert dict(check(checker, "a|b", ["ASR", "SER"]).answers) == {"ASR": "a", "SER": "b"}


def test_json_keys_open_text_may_be_empty_and_is_trimmed() -> None:
    body = json.dumps({"asr_output": "  hi  ", "emotion_output": "Sad", "other": 1})
    assert dict(check(json_spec(("ASR", "SER")), body, ("ASR", "SER")).answers) == {"ASR": "hi", "SER": "sad"}
    body = json.dumps({"asr_output": "", "emotion_output": "sad"})
    assert check(json_spec(("ASR", "SER")), body, ("ASR", "SER")).compliant
