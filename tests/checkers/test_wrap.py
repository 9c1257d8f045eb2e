"""`wrap`: left and right markers around the answer."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from .helpers import OPEN_ANSWERS, run

MARKERS = st.sampled_from(
    [
        ("<answer>", "</answer>"),
        ("**", "**"),
        ("<BOS>", "<EOS>"),
        ("'", "'"),
        ("(", ")"),
        ("[[", "]]"),
        ("<s>", "</s>"),
    ]
)


@given(markers=MARKERS, answer=OPEN_ANSWERS, inner=st.sampled_from(["", " ", "\n"]))
def test_wrap_accepts_any_wrapped_answer(markers: tuple[str, str], answer: str, inner: str) -> None:
    left, right = markers
    result = run("wrap", f" {left}{inner}{answer}{inner}{right}\n", left=left, right=right)
    assert result.compliant
    assert result.answers["ASR"] == answer


@given(markers=MARKERS, answer=OPEN_ANSWERS, chatter=st.sampled_from(["Sure: ", "x"]))
def test_wrap_rejects_text_outside_the_markers(markers: tuple[str, str], answer: str, chatter: str) -> None:
    left, right = markers
    assert not run("wrap", f"{chatter}{left}{answer}{right}", left=left, right=right).compliant
    assert not run("wrap", f"{left}{answer}{right} {chatter}!", left=left, right=right).compliant


@given(markers=MARKERS, answer=OPEN_ANSWERS)
def test_wrap_rejects_a_missing_marker(markers: tuple[str, str], answer: str) -> None:
    left, right = markers
    no_left, no_right = f"{answer}{right}", f"{left}{answer}"
    assume(not no_left.strip().startswith(left) and not no_right.strip().endswith(right))
    assert not run("wrap", no_left, left=left, right=right).compliant
    assert not run("wrap", no_right, left=left, right=right).compliant


@pytest.mark.parametrize(
    ("response", "compliant", "answer"),
    [
        ("**", False, ""),
        ("***", False, ""),
        ("****", True, ""),
        ("** hi **", True, "hi"),
        ("**hi** there **", True, "hi** there"),
    ],
)
def test_wrap_markers_must_not_overlap(response: str, compliant: bool, answer: str) -> None:
    result = run("wrap", response, left="**", right="**")
    assert (result.compliant, result.answers["ASR"]) == (compliant, answer)


def test_wrap_is_case_sensitive_and_trims_marker_params() -> None:
    assert not run("wrap", "<bos>hi<eos>", left="<BOS>", right="<EOS>").compliant
    assert run("wrap", "<BOS>hi<EOS>", left=" <BOS> ", right="<EOS>\n").answers["ASR"] == "hi"
