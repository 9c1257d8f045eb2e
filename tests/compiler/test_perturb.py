"""Perturbations are deterministic, bounded and never touch protected spans."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from isac.compiler.perturb import protected_spans, swap_words, typos
from isac.compiler.render import join_clauses, labels_text
from isac.compiler.sampling import HashRng

WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDE'", min_size=1, max_size=9)
SEPARATORS = st.sampled_from([" ", " ", " ", ", ", "; ", ": "])
PROTECTED = ["The transcription is:", "happy", "sad", "angry", "neutral"]


@st.composite
def instructions(draw: st.DrawFn) -> str:
    words = draw(st.lists(WORDS, min_size=1, max_size=25))
    parts: list[str] = []
    for word in words:
        parts += [word, draw(SEPARATORS)]
    insert = draw(st.integers(0, len(parts)))
    parts.insert(
        insert, draw(st.sampled_from([' "The transcription is:" ', " happy, sad, angry or neutral "]))
    )
    return "".join(parts).strip()


def _count(text: str, phrase: str) -> int:
    return text.lower().count(phrase.lower())


@settings(max_examples=150, deadline=None)
@given(
    text=instructions(), seed=st.integers(0, 2**32), rate=st.floats(0.05, 1.0), max_edits=st.integers(1, 6)
)
def test_perturbations_are_deterministic_bounded_and_respect_protected_spans(
    text: str, seed: int, rate: float, max_edits: int
) -> None:
    spans = protected_spans(text, PROTECTED)
    for make in (swap_words, typos):
        first = make(
            text, HashRng(seed, "item"), rate=rate, min_edits=1, max_edits=max_edits, protected=spans
        )
        again = make(
            text, HashRng(seed, "item"), rate=rate, min_edits=1, max_edits=max_edits, protected=spans
        )
        assert first == again
        assert len(first.edits) <= max_edits
        for start, end in spans:
            assert text[start:end].lower() in first.text.lower()
        for phrase in PROTECTED:
            assert _count(first.text, phrase) >= _count(text, phrase)
        if first.edits:
            assert first.text != text or make is swap_words


def test_typos_change_words_and_keep_their_first_letter() -> None:
    text = 'Please transcribe this recording carefully, begin with "The transcription is:"'
    result = typos(text, HashRng(1, "x"), rate=0.5, min_edits=1, max_edits=3,
                   protected=protected_spans(text, PROTECTED))  # fmt: skip
    assert result.text != text and 1 <= len(result.edits) <= 3
    assert "The transcription is:" in result.text
    for edit in result.edits:
        original, changed = edit.split(":", 1)[1].split(">")
        assert original != changed and original[0] == changed[0]


def test_word_swaps_move_the_capital_and_keep_punctuation() -> None:
    result = swap_words("Tell the mood.", HashRng(3, "y"), rate=1.0, min_edits=1, max_edits=1)
    assert result.text in ("The tell mood.", "Tell mood the.")


def test_different_seeds_give_different_edits() -> None:
    text = "Listen to the speech clip carefully and write down every single spoken word you hear"
    outputs = {typos(text, HashRng(seed, "z"), rate=0.2, min_edits=1, max_edits=3).text for seed in range(20)}
    assert len(outputs) > 10


def test_join_clauses_fixes_the_case_after_the_connector() -> None:
    assert join_clauses("Transcribe it", ". ", "begin with X") == "Transcribe it. Begin with X"
    assert join_clauses("Transcribe it", ", ", "Begin with X") == "Transcribe it, begin with X"
    assert join_clauses("Transcribe it", " & ", "JSON only") == "Transcribe it & JSON only"
    assert labels_text(["happy", "sad", "angry", "neutral"]) == "happy, sad, angry or neutral"


def test_hash_rng_is_stable() -> None:
    # pinned values: if these change, every compiled manifest changes, on every machine
    rng = HashRng(42, "a", "b")
    assert [rng.below(10**6) for _ in range(6)] == [35677, 644731, 496116, 960047, 982514, 784495]
    assert HashRng(42, "a", "b").child("c").below(10**6) == 810512
    assert HashRng(42, "ab", "c").below(10**9) != HashRng(42, "a", "bc").below(10**9)
