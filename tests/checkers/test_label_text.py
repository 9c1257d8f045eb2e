"""`label` (answer-only SER/GR) and `text` (answer-only ASR/S2TT/AAC)."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from isac.compiler.errors import ScoringError

from .helpers import GR_LABELS, OPEN_ANSWERS, SER_LABELS, label_variants, run

LABEL_SETS = st.sampled_from([SER_LABELS, GR_LABELS])


@given(data=st.data(), labels=LABEL_SETS)
def test_label_accepts_any_rendering_of_a_label(data: st.DataObject, labels: tuple[str, ...]) -> None:
    label = data.draw(st.sampled_from(labels))
    response = data.draw(label_variants(label))
    result = run("label", response, subtasks=("SER",), labels=list(labels))
    assert result.compliant
    assert result.answers["SER"] == label


@given(
    data=st.data(),
    chatter=st.sampled_from(["I think ", "The emotion is ", "Answer: ", "**"]),
    after=st.sampled_from(["", "!", " (confident)", "..", " and sad"]),
)
def test_label_rejects_anything_more_than_the_label(data: st.DataObject, chatter: str, after: str) -> None:
    label = data.draw(st.sampled_from(SER_LABELS))
    assert not run("label", f"{chatter}{label}{after}", labels=list(SER_LABELS)).compliant
    if after:
        assert not run("label", f"{label}{after}", labels=list(SER_LABELS)).compliant


@pytest.mark.parametrize(
    ("response", "answer"),
    [
        ("Happy", "happy"),
        ('"SAD".', "sad"),
        ("'angry.'", "angry"),
        (" neutral.\n", "neutral"),
        ("“Happy”", "happy"),
    ],
)
def test_label_examples(response: str, answer: str) -> None:
    result = run("label", response, labels=["Happy", "Sad", "Angry", "Neutral"])
    assert result.answers["ASR"] == answer


@pytest.mark.parametrize(
    "response", ["", "happy..", '"happy', "happy sad", "hap py", "unhappy", "x" * 10_000]
)
def test_label_rejections(response: str) -> None:
    assert not run("label", response, labels=list(SER_LABELS)).compliant


FORBIDDEN = ["the audio", "transcription", "the speaker"]


@given(answer=OPEN_ANSWERS)
def test_text_accepts_answers_without_forbidden_phrases(answer: str) -> None:
    assume(not any(phrase in answer.casefold() for phrase in FORBIDDEN))
    result = run("text", f"  {answer}\n", forbidden=FORBIDDEN)
    assert result.compliant
    assert result.answers["ASR"] == answer


@given(answer=OPEN_ANSWERS, phrase=st.sampled_from(FORBIDDEN), upper=st.booleans(), before=st.booleans())
def test_text_rejects_forbidden_phrases_in_any_case(
    answer: str, phrase: str, upper: bool, before: bool
) -> None:
    phrase = phrase.upper() if upper else phrase
    response = f"In {phrase}: {answer}" if before else f"{answer} ({phrase})"
    assert not run("text", response, forbidden=FORBIDDEN).compliant


@pytest.mark.parametrize("response", ["", " ", "\n\t"])
def test_text_rejects_empty_responses(response: str) -> None:
    assert not run("text", response).compliant


def test_text_without_forbidden_list_accepts_any_non_empty_text() -> None:
    assert run("text", " The audio says hi ").answers["ASR"] == "The audio says hi"


@pytest.mark.parametrize(
    ("response", "compliant"),
    [
        ("我喜欢猫。", True),
        ("他买了一部iPhone。", True),  # a Latin brand name among Chinese words
        ("2019", True),  # no letters: written in no script, not in the wrong one
        ("I like cats.", False),  # the untranslated English (the paper's scorer fails it too)
        ("Я люблю кошек", False),
        ("我喜欢 (I like cats very much)", False),  # more English words than Chinese characters
    ],
)
def test_text_with_a_target_script_requires_it(response: str, compliant: bool) -> None:
    result = run("text", response, subtasks=("S2TT",), forbidden=["翻译是"], script="Han", script_share=0.5)
    assert result.compliant is compliant
    if compliant:
        assert result.answers["S2TT"] == response


def test_text_script_share_and_unknown_scripts() -> None:
    assert run("text", "我喜欢 the cat", subtasks=("S2TT",), script="Han", script_share=0.5).compliant
    assert not run("text", "我喜欢 the cat", subtasks=("S2TT",), script="Han", script_share=0.9).compliant
    assert run("text", "I like cats", subtasks=("S2TT",), script="Latin").compliant
    with pytest.raises(ScoringError, match=r"param 'script' .*not a Unicode script name"):
        run("text", "x", script="Klingon")
    with pytest.raises(ScoringError, match="script_share"):
        run("text", "x", script="Han", script_share=0)
