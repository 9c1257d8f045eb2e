"""Every built-in checker kind renders ideal responses that it then accepts with the same answers.

`CheckerKind.render` is the one renderer of ideal answers (the oracle and training targets use it), so
its output must pass the very checker that scores the test set, whatever the answer.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from isac.compiler.rows import CheckerSpec
from isac.runtime.scoring.checkers import KINDS, check, compile_checker

WORDS = st.sampled_from(["the", "cat", "sat", "on", "mat", "tea", "Paris", "forty-two", "it's", "I"])
ANSWER = st.lists(WORDS, min_size=1, max_size=8).map(" ".join)
LABELS = ("happy", "sad", "angry", "neutral")

SINGLE_SPECS = {
    "prefix": {"text": "The transcription is:"},
    "suffix": {"text": "is the transcription."},
    "wrap": {"left": "<answer>", "right": "</answer>"},
    "json_key": {"key": "text"},
    "upper_case": {},
    "lower_case": {},
    "text": {"forbidden": ["the transcription is"]},
}


@settings(max_examples=60, deadline=None)
@given(kind=st.sampled_from(sorted(SINGLE_SPECS)), answer=ANSWER)
def test_single_task_kinds_accept_their_rendering(kind: str, answer: str) -> None:
    spec = CheckerSpec(kind=kind, params=SINGLE_SPECS[kind])
    response = compile_checker(spec).render((answer,))
    result = check(spec, response, ("ASR",))
    assert result.compliant, (kind, response)
    expected = {"upper_case": answer.upper(), "lower_case": answer.lower()}.get(kind, answer)
    assert result.answers["ASR"] == expected


@settings(max_examples=30, deadline=None)
@given(label=st.sampled_from(LABELS))
def test_label_kind_accepts_its_rendering(label: str) -> None:
    spec = CheckerSpec(kind="label", params={"labels": list(LABELS)})
    result = check(spec, compile_checker(spec).render((label,)), ("SER",))
    assert result.compliant and result.answers["SER"] == label


@settings(max_examples=40, deadline=None)
@given(kind=st.sampled_from(["separator", "json_keys"]), text=ANSWER, label=st.sampled_from(LABELS))
def test_composite_kinds_accept_their_rendering(kind: str, text: str, label: str) -> None:
    params = {"subtasks": ["ASR", "SER"], "labels": {"SER": list(LABELS)}}
    params |= {"separator": " | "} if kind == "separator" else {"keys": ["transcript", "emotion"]}
    spec = CheckerSpec(kind=kind, params=params)
    response = compile_checker(spec).render((text, label))
    result = check(spec, response, ("ASR", "SER"))
    assert result.compliant, response
    assert dict(result.answers) == {"ASR": text, "SER": label}


HAN_WORDS = st.lists(st.sampled_from(["我", "喜欢", "猫", "北京"]), min_size=1, max_size=6).map("".join)


@settings(max_examples=30, deadline=None)
@given(han=HAN_WORDS, extra=st.sampled_from(["", "iPhone", "2019", "。", "，OK"]))
def test_text_with_a_target_script_accepts_its_rendering(han: str, extra: str) -> None:
    answer = han + extra  # Chinese, with at most one Latin word: at least half its words are Han
    spec = CheckerSpec(kind="text", params={"forbidden": ["翻译是"], "script": "Han", "script_share": 0.5})
    result = check(spec, compile_checker(spec).render((answer,)), ("S2TT",))
    assert result.compliant and result.answers["S2TT"] == answer


def test_every_built_in_kind_renders() -> None:
    missing = [name for name in KINDS.names() if KINDS.get(name).render is None]
    assert missing == []
