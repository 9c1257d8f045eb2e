"""BLEU from summed per-row statistics equals sacrebleu's corpus BLEU with the zh tokenizer."""

from __future__ import annotations

import pytest
import sacrebleu
from hypothesis import given, settings
from hypothesis import strategies as st

from isac.compiler.errors import ScoringError
from isac.runtime.scoring.metrics.bleu import (
    BleuStats,
    bleu_from_totals,
    bleu_row_stats,
    corpus_bleu,
    sum_bleu_stats,
)

# Chinese characters, Latin words, digits and punctuation: what S2TT answers look like.
PIECES = [
    "我",
    "们",
    "今天",
    "去",
    "学校",
    "猫",
    "狗",
    "。",
    "，",
    "the",
    "cat",
    "AI",
    "2024",
    "!",
    " ",
    "“",
    "”",
    "年",
]
texts = st.lists(st.sampled_from(PIECES), max_size=25).map("".join)
rows = st.lists(st.tuples(texts, texts, texts), min_size=1, max_size=25)


def _official(hyps: list[str], ref_streams: list[list[str]]) -> float:
    return sacrebleu.corpus_bleu(hyps, ref_streams, tokenize="zh").score


def test_known_sentence_pair() -> None:
    stats = bleu_row_stats(["我们今天去学校。"], [["我们今天去学校。"]])
    assert stats[0].sys_len == stats[0].ref_len == 8
    assert corpus_bleu(stats).value == pytest.approx(100.0)
    assert corpus_bleu(stats).backend == "sacrebleu-zh"


@settings(max_examples=60, deadline=None)
@given(rows)
def test_single_reference_aggregation_equals_corpus_bleu(batch: list[tuple[str, str, str]]) -> None:
    hyps = [h for h, _, _ in batch]
    refs = [r for _, r, _ in batch]
    stats = bleu_row_stats(hyps, [[r] for r in refs])
    assert corpus_bleu(stats).value == _official(hyps, [refs])


@settings(max_examples=40, deadline=None)
@given(rows)
def test_two_references_per_row(batch: list[tuple[str, str, str]]) -> None:
    hyps = [h for h, _, _ in batch]
    first = [r for _, r, _ in batch]
    second = [r for _, _, r in batch]
    stats = bleu_row_stats(hyps, [[a, b] for a, b in zip(first, second, strict=True)])
    assert corpus_bleu(stats).value == _official(hyps, [first, second])


@settings(max_examples=40, deadline=None)
@given(rows, st.data())
def test_any_subset_of_rows_scores_like_a_corpus_of_those_rows(
    batch: list[tuple[str, str, str]], data: st.DataObject
) -> None:
    stats = bleu_row_stats([h for h, _, _ in batch], [[r] for _, r, _ in batch])
    chosen = data.draw(st.lists(st.integers(0, len(batch) - 1), min_size=1, unique=True))
    expected = _official([batch[i][0] for i in chosen], [[batch[i][1] for i in chosen]])
    assert corpus_bleu(stats[i] for i in chosen).value == expected


def test_empty_hypotheses() -> None:
    hyps = ["", "", "猫在睡觉"]
    refs = ["我们今天去学校。", "狗", "猫在睡觉。"]
    stats = bleu_row_stats(hyps, [[r] for r in refs])
    assert stats[0] == BleuStats(0, 8, (0, 0, 0, 0), (0, 0, 0, 0))
    assert corpus_bleu(stats).value == _official(hyps, [refs])
    assert corpus_bleu(stats[:2]).value == 0.0 == _official(hyps[:2], [refs[:2]])


def test_breakdown_matches_sacrebleu() -> None:
    hyps = ["我们今天去学校", "the cat 在 睡觉"]
    refs = ["我们明天去学校。", "the cat is sleeping 在睡觉"]
    official = sacrebleu.corpus_bleu(hyps, [refs], tokenize="zh")
    total, rows_summed = sum_bleu_stats(bleu_row_stats(hyps, [[r] for r in refs]))
    score = bleu_from_totals(total)
    assert rows_summed == 2
    assert (score.score, list(score.precisions), score.bp) == (
        official.score,
        official.precisions,
        official.bp,
    )
    assert (score.sys_len, score.ref_len) == (official.sys_len, official.ref_len)
    assert score.len_ratio == pytest.approx(official.sys_len / official.ref_len)


def test_row_tuple_round_trip() -> None:
    stats = BleuStats(5, 6, (4, 2, 1, 0), (5, 4, 3, 2))
    assert BleuStats.from_row(stats.as_row()) == stats
    assert len(BleuStats.COLUMNS) == len(stats.as_row()) == 10


def test_bad_inputs_name_the_problem() -> None:
    with pytest.raises(ScoringError, match="row 1"):
        bleu_row_stats(["a", "b"], [["a"], []])
    with pytest.raises(ScoringError, match="row 0"):
        bleu_row_stats(["a"], ["a"])  # a bare string is not a list of references
    with pytest.raises(ScoringError, match="hypotheses"):
        bleu_row_stats(["a"], [])
    with pytest.raises(ScoringError, match="at least one row"):
        corpus_bleu([])


def test_rows_with_different_reference_counts_match_none_padded_streams() -> None:
    hyps = ["我们今天去学校", "猫在睡觉", "狗"]
    refs = [["我们今天去学校。"], ["猫在睡觉。", "一只猫在睡觉"], ["狗在叫"]]
    padded = [[r[0] for r in refs], [r[1] if len(r) > 1 else None for r in refs]]
    assert corpus_bleu(bleu_row_stats(hyps, refs)).value == _official(hyps, padded)  # type: ignore[arg-type]
