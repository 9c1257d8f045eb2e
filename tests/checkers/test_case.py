"""`upper_case` and `lower_case`."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from .helpers import run

# Letters of scripts with case, plus caseless characters (digits, punctuation, CJK, spaces).
CASED_TEXT = st.text(alphabet="abcxyzàéñøßαβγдж ABCÀÉ0129.,!?'-中文\n", min_size=0, max_size=40)


@given(text=CASED_TEXT, letter=st.sampled_from("abcéжα"))
def test_upper_case_accepts_upper_cased_text(text: str, letter: str) -> None:
    response = f" {text}{letter} ".upper()
    result = run("upper_case", response)
    assert result.compliant
    assert result.answers["ASR"] == response.strip()


@given(text=CASED_TEXT, letter=st.sampled_from("ABCÉЖΑ"))
def test_lower_case_accepts_lower_cased_text(text: str, letter: str) -> None:
    response = f"\n{letter}{text}".lower()
    result = run("lower_case", response)
    assert result.compliant
    assert result.answers["ASR"] == response.strip()


@given(text=CASED_TEXT, position=st.integers(min_value=0), letter=st.sampled_from("aéжα"))
def test_one_lowercase_letter_breaks_upper_case(text: str, position: int, letter: str) -> None:
    upper = text.upper()
    cut = position % (len(upper) + 1)
    assert not run("upper_case", upper[:cut] + letter + upper[cut:]).compliant


@given(text=CASED_TEXT, position=st.integers(min_value=0), letter=st.sampled_from("AÉЖΑ"))
def test_one_uppercase_letter_breaks_lower_case(text: str, position: int, letter: str) -> None:
    lower = text.lower()
    cut = position % (len(lower) + 1)
    assert not run("lower_case", lower[:cut] + letter + lower[cut:]).compliant


@pytest.mark.parametrize("response", ["", "   ", "123 !?", "中文", "\ud800"])
def test_case_kinds_need_a_cased_letter(response: str) -> None:
    assert not run("upper_case", response).compliant
    assert not run("lower_case", response).compliant


def test_case_examples() -> None:
    assert run("upper_case", "HELLO, WORLD 42!").answers["ASR"] == "HELLO, WORLD 42!"
    assert run("lower_case", "straße 中文").compliant
    assert not run("upper_case", "Hello").compliant
    assert not run("lower_case", "Hello").compliant
