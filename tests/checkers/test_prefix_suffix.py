"""`prefix` and `suffix`: loose whitespace, optional case, answer extraction."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from .helpers import OPEN_ANSWERS, SPACES, run

PHRASES = st.sampled_from(
    [
        "The transcription is:",
        "The audio caption is:",
        "Transcript -",
        "Audio-based caption: ",
        "Final answer",
        "<result>",
        "翻译结果：",
        "[ASR] output =>",
    ]
)
GENERATED_PHRASES = st.text(alphabet="ABCXYZabcxyz :-=>", min_size=1, max_size=20).filter(lambda t: t.strip())


def loosen(phrase: str, space: str, space_before_colon: bool) -> str:
    """The phrase as a model may write it: other whitespace runs, maybe a space before its colon."""
    text = space.join(phrase.split())
    return text.replace(":", " :") if space_before_colon else text


@given(
    phrase=st.one_of(PHRASES, GENERATED_PHRASES), answer=OPEN_ANSWERS, space=SPACES, loose_colon=st.booleans()
)
def test_prefix_accepts_any_answer_after_the_phrase(
    phrase: str, answer: str, space: str, loose_colon: bool
) -> None:
    response = f"  {loosen(phrase, space, loose_colon)} {answer}\n"
    result = run("prefix", response, text=phrase, case_sensitive=True)
    assert result.compliant
    assert result.answers["ASR"] == answer


@given(phrase=PHRASES, answer=OPEN_ANSWERS, quote=st.sampled_from(['"', "'", "\u201c"]))
def test_prefix_strips_one_pair_of_outer_quotes(phrase: str, answer: str, quote: str) -> None:
    closing = "\u201d" if quote == "\u201c" else quote
    result = run("prefix", f"{phrase} {quote}{answer}{closing}", text=phrase)
    assert result.answers["ASR"] == answer


@given(phrase=PHRASES, answer=OPEN_ANSWERS)
def test_prefix_case_insensitive_by_default(phrase: str, answer: str) -> None:
    response = f"{phrase.swapcase()} {answer}"
    assert run("prefix", response, text=phrase).answers["ASR"] == answer
    if phrase.swapcase() != phrase:
        assert not run("prefix", response, text=phrase, case_sensitive=True).compliant


@given(phrase=PHRASES, answer=OPEN_ANSWERS, chatter=st.sampled_from(["Sure! ", "Here you go: ", "ok\n"]))
def test_prefix_rejects_commentary_before_the_phrase(phrase: str, answer: str, chatter: str) -> None:
    assert not run("prefix", f"{chatter}{phrase} {answer}", text=phrase).compliant


@given(phrase=PHRASES, answer=OPEN_ANSWERS)
def test_prefix_rejects_a_missing_phrase(phrase: str, answer: str) -> None:
    assume(not answer.casefold().startswith(phrase.split()[0].casefold()[:1]))
    assert not run("prefix", answer, text=phrase).compliant


@given(
    phrase=st.one_of(PHRASES, GENERATED_PHRASES), answer=OPEN_ANSWERS, space=SPACES, loose_colon=st.booleans()
)
def test_suffix_accepts_any_answer_before_the_phrase(
    phrase: str, answer: str, space: str, loose_colon: bool
) -> None:
    response = f"\n{answer} {loosen(phrase, space, loose_colon)}  "
    result = run("suffix", response, text=phrase, case_sensitive=True)
    assert result.compliant
    assert result.answers["ASR"] == answer


@given(
    phrase=PHRASES, answer=OPEN_ANSWERS, chatter=st.sampled_from([" Hope this helps!", "\nThanks.", " ok"])
)
def test_suffix_rejects_commentary_after_the_phrase(phrase: str, answer: str, chatter: str) -> None:
    assert not run("suffix", f"{answer} {phrase}{chatter}", text=phrase).compliant


@given(phrase=PHRASES, answer=OPEN_ANSWERS)
def test_suffix_case_sensitivity(phrase: str, answer: str) -> None:
    response = f"{answer} {phrase.swapcase()}"
    assert run("suffix", response, text=phrase).compliant
    if phrase.swapcase() != phrase:
        assert not run("suffix", response, text=phrase, case_sensitive=True).compliant


@pytest.mark.parametrize(
    ("response", "answer"),
    [
        ("The transcription is: hello world", "hello world"),
        ("the transcription is:hello", "hello"),
        ("The  transcription\tis :  hello", "hello"),
        ("The transcription is: 'it''s'", "it''s"),
        ('The transcription is: "hello" world', '"hello" world'),
        ("The transcription is:", ""),
        ("   The transcription is:\n\nline one\nline two  ", "line one\nline two"),
    ],
)
def test_prefix_examples(response: str, answer: str) -> None:
    result = run("prefix", response, text="The transcription is:")
    assert result.compliant
    assert result.answers["ASR"] == answer


@pytest.mark.parametrize(
    "response",
    [
        "Transcription is: hello",
        "The transcription: hello",
        "The transcriptionis: hello",
        "I think the transcription is: hello",
        "",
        "The transcription",
    ],
)
def test_prefix_rejections(response: str) -> None:
    assert not run("prefix", response, text="The transcription is:").compliant


def test_prefix_ending_in_a_word_must_not_continue_that_word() -> None:
    assert not run("prefix", "Transcription: hello", text="Transcript").compliant
    assert run("prefix", "Transcript: hello", text="Transcript").answers["ASR"] == ": hello"
    # Chinese has no spaces, so a CJK phrase may run straight into the answer.
    assert run("prefix", "翻译结果：你好", text="翻译结果：").answers["ASR"] == "你好"


@pytest.mark.parametrize(
    ("response", "compliant", "answer"),
    [
        ("hello world is the caption.", True, "hello world"),
        ("hello world is  the caption .", False, ""),
        ("hello world IS THE CAPTION.", True, "hello world"),
        ("hello world is the caption. ", True, "hello world"),
        ("hello world is the caption", False, ""),
        ("hello world this is the caption.", True, "hello world this"),
        ("hello world xis the caption.", False, ""),
    ],
)
def test_suffix_examples(response: str, compliant: bool, answer: str) -> None:
    result = run("suffix", response, text="is the caption.")
    assert (result.compliant, result.answers["ASR"]) == (compliant, answer)
