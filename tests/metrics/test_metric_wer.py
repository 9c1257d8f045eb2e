"""WER statistics agree with jiwer row by row and in aggregate, and survive empty texts."""

from __future__ import annotations

import re

import jiwer
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from isac.compiler.errors import ScoringError
from isac.runtime.scoring.metrics.wer import WerStats, corpus_wer, wer_from_totals, wer_row_stats


def simple_normalizer(text: str) -> str:
    """A small stand-in normaliser: lowercase, punctuation to spaces, whitespace collapsed."""
    return " ".join(re.sub(r"[^\w\s']", " ", text.lower()).split())


WORDS = ["the", "cat", "sat", "on", "a", "mat", "dog", "ran", "Home", "quickly"]
sentences = st.lists(st.sampled_from(WORDS), max_size=12).map(" ".join)
pairs = st.lists(st.tuples(sentences, sentences), min_size=1, max_size=30)


def _split(batch: list[tuple[str, str]]) -> tuple[list[str], list[str]]:
    return [h for h, _ in batch], [r for _, r in batch]


def test_known_example_counts() -> None:
    [stats] = wer_row_stats(["the cat sat on a mat"], ["The cat sat on the mat"], simple_normalizer)
    assert stats == WerStats(errors=1, ref_words=6, substitutions=1, deletions=0, insertions=0)
    assert stats.hits == 5
    [stats] = wer_row_stats(["cat sat on the mat today"], ["The cat sat on the mat."], simple_normalizer)
    assert stats == WerStats(errors=2, ref_words=6, substitutions=0, deletions=1, insertions=1)


def test_empty_hypothesis_is_all_deletions_and_empty_reference_all_insertions() -> None:
    stats = wer_row_stats(
        ["", "some words here", "", "  "], ["one two three", "", "", "..."], simple_normalizer
    )
    assert stats[0] == WerStats(3, 3, 0, 3, 0)
    assert stats[1] == WerStats(3, 0, 0, 0, 3)
    assert stats[2] == WerStats(0, 0, 0, 0, 0)
    assert stats[3] == WerStats(0, 0, 0, 0, 0)  # "..." normalises to nothing


def test_corpus_wer_is_total_edits_over_total_reference_words() -> None:
    hyps = ["a b c", "", "x y z w"]
    refs = ["a b d", "one two", "x y"]
    result = corpus_wer(wer_row_stats(hyps, refs, simple_normalizer))
    assert result.value == pytest.approx(100 * (1 + 2 + 2) / (3 + 2 + 2))
    assert result.value == pytest.approx(100 * jiwer.wer(refs, hyps))
    assert (result.metric, result.rows, result.backend) == ("WER", 3, "jiwer")


@settings(max_examples=80, deadline=None)
@given(pairs)
def test_matches_jiwer_per_row_and_corpus(batch: list[tuple[str, str]]) -> None:
    hyps, refs = _split(batch)
    stats = wer_row_stats(hyps, refs, simple_normalizer)
    norm_h = [simple_normalizer(h) for h in hyps]
    norm_r = [simple_normalizer(r) for r in refs]
    whole = jiwer.process_words(norm_r, norm_h)
    assert sum(s.substitutions for s in stats) == whole.substitutions
    assert sum(s.deletions for s in stats) == whole.deletions
    assert sum(s.insertions for s in stats) == whole.insertions
    assert sum(s.hits for s in stats) == whole.hits
    # jiwer's corpus WER, including its convention for an all-empty reference side
    assert corpus_wer(stats).value == pytest.approx(100 * jiwer.wer(norm_r, norm_h), rel=1e-12)
    for row, hyp, ref in zip(stats, norm_h, norm_r, strict=True):
        alone = jiwer.process_words(ref, hyp)
        assert (row.substitutions, row.deletions, row.insertions) == (
            alone.substitutions,
            alone.deletions,
            alone.insertions,
        )
        assert row.ref_words == len(ref.split())


@settings(max_examples=40, deadline=None)
@given(pairs, st.data())
def test_any_group_aggregates_like_jiwer_on_that_group(
    batch: list[tuple[str, str]], data: st.DataObject
) -> None:
    hyps, refs = _split(batch)
    stats = wer_row_stats(hyps, refs, simple_normalizer)
    chosen = data.draw(st.lists(st.integers(0, len(batch) - 1), min_size=1, unique=True))
    group_h = [simple_normalizer(hyps[i]) for i in chosen]
    group_r = [simple_normalizer(refs[i]) for i in chosen]
    assert corpus_wer(stats[i] for i in chosen).value == pytest.approx(
        100 * jiwer.wer(group_r, group_h), rel=1e-12
    )


def test_default_normaliser_is_the_english_one() -> None:
    [stats] = wer_row_stats(["Mister Smith, colour!"], ["MR. SMITH COLOR"])
    assert stats.errors == 0
    assert stats.ref_words == 3


def test_rejects_misaligned_inputs_and_empty_aggregation() -> None:
    with pytest.raises(ScoringError, match="one reference per hypothesis"):
        wer_row_stats(["a"], ["a", "b"], simple_normalizer)
    with pytest.raises(ScoringError, match="at least one row"):
        corpus_wer([])
    assert wer_row_stats([], [], simple_normalizer) == []


def test_totals_formula_and_row_tuple() -> None:
    assert wer_from_totals(3, 12) == 25.0
    assert wer_from_totals(2, 0) == 200.0  # jiwer reports the insertions when no reference word exists
    assert WerStats(2, 5, 1, 0, 1).as_row() == (2, 5, 1, 0, 1)
    assert [name for name, _ in WerStats.COLUMNS] == [
        "errors",
        "ref_words",
        "substitutions",
        "deletions",
        "insertions",
    ]
