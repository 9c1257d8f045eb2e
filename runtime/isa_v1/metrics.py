"""Corpus metrics exactly as the official scripts compute them (before their rounding).

WER: jiwer corpus WER x100 on whisper-normalised texts. BLEU: sacrebleu corpus BLEU, tokenize="zh",
every other option default. METEOR: METEOR 1.5 (Java) after PTB tokenisation, through
`isac.runtime.scoring.metrics`; None when that route is unavailable (written "N/A"). CIDEr-D and
ROUGE-L: the COCO caption scorers' definitions (`metrics.cider`, `metrics.rouge`) on PTB-tokenised texts,
each group scored as its own corpus; None without Java and the CoreNLP jar.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from isac.compiler.errors import ScoringError


@lru_cache(maxsize=1)
def _normalizer() -> Callable[[str], str]:
    """The whisper-compatible English normaliser, imported on first use."""
    try:
        module = importlib.import_module("isac.runtime.scoring.normalizers.english")
    except ModuleNotFoundError as error:  # pragma: no cover - depends on the install
        raise ScoringError(
            "ASR scoring needs isac.runtime.scoring.normalizers.english (EnglishTextNormalizer)"
        ) from error
    return module.EnglishTextNormalizer()


def normalize_english(text: str) -> str:
    """Whisper EnglishTextNormalizer, as applied to ASR references and hypotheses."""
    return _normalizer()(text)


def wer_rows(references: Sequence[str], hypotheses: Sequence[str]) -> np.ndarray:
    """Per-row (edits, reference words) over normalised pairs, shape (rows, 2): jiwer's counts.

    isac's WER core (`isac.runtime.scoring.metrics.wer.wer_counts`): each distinct text is normalised
    once and each distinct pair aligned once; summed over any group they give jiwer's corpus counts.
    """
    from isac.runtime.scoring.metrics.wer import wer_counts

    errors, ref_words = wer_counts(hypotheses, references, _normalizer())
    return np.stack([errors, ref_words], axis=1)


def wer_of_totals(totals: Sequence[int]) -> float:
    """Corpus WER x100 of summed (edits, reference words), exactly as `100 * jiwer.wer(...)` computes it."""
    from isac.runtime.scoring.metrics.wer import jiwer_corpus_wer

    return 100 * jiwer_corpus_wer(int(totals[0]), int(totals[1]))


def corpus_wer(references: Sequence[str], hypotheses: Sequence[str]) -> float:
    """jiwer corpus WER x100 over normalised pairs (empty references count hypothesis words as insertions)."""
    return wer_of_totals(wer_rows(references, hypotheses).sum(axis=0))


@dataclass(frozen=True)
class BleuFigures:
    """sacrebleu's corpus BLEU and the statistics the D S2TT script reports beside it."""

    bleu: float
    precisions: tuple[float, float, float, float]
    brevity_penalty: float
    length_ratio: float


def _padded(references: Sequence[Sequence[str]]) -> list[tuple[str, ...]]:
    # The official D script pads shorter reference lists with their first reference, to give sacrebleu
    # rectangular reference streams.
    width = max((len(refs) for refs in references), default=1)
    return [tuple(refs[k] if k < len(refs) else refs[0] for k in range(width)) for refs in references]


def bleu_rows(hypotheses: Sequence[str], references: Sequence[Sequence[str]]) -> np.ndarray:
    """Per-row zh BLEU statistics (sys_len, ref_len, matches 1-4, totals 1-4), shape (rows, 10).

    isac's BLEU core (`isac.runtime.scoring.metrics.bleu.bleu_row_stats`: sacrebleu's own segment
    statistics, each distinct reference set and pair computed once). sacrebleu's corpus BLEU is the
    score of their sums, so any group's figures follow from summing its rows.
    """
    from isac.runtime.scoring.metrics.bleu import bleu_row_stats
    from isac.runtime.scoring.workers import parallel_rows

    # Large tables are cut into slices scored by worker processes (identical statistics, both cores).
    stats = parallel_rows(bleu_row_stats, list(hypotheses), _padded(references))
    table = np.empty((len(stats), 10), dtype=np.int64)
    for index, row in enumerate(stats):
        table[index] = row.as_row()
    return table


def bleu_of_totals(totals: Sequence[int]) -> BleuFigures:
    """sacrebleu's corpus BLEU figures from summed `bleu_rows` (its own `compute_bleu`)."""
    from isac.runtime.scoring.metrics.bleu import BleuStats, bleu_from_totals

    score = bleu_from_totals(BleuStats.from_row([int(value) for value in totals]))
    p1, p2, p3, p4 = (float(value) for value in score.precisions)
    return BleuFigures(
        bleu=float(score.score),
        precisions=(p1, p2, p3, p4),
        brevity_penalty=float(score.bp),
        length_ratio=float(score.sys_len / score.ref_len) if score.ref_len else 0.0,
    )


def corpus_bleu_zh(hypotheses: Sequence[str], references: Sequence[Sequence[str]]) -> BleuFigures:
    """Corpus BLEU with the zh tokenizer, as `sacrebleu.corpus_bleu(hyps, streams, tokenize="zh")`.

    `references[i]` lists the references of hypothesis i; shorter lists are padded with their first
    reference, as the official D script does.
    """
    return bleu_of_totals(bleu_rows(hypotheses, references).sum(axis=0))


def accuracy(correct: int, total: int) -> float:
    """Correct share x100 (0 for an empty denominator)."""
    return 100 * correct / total if total else 0.0


@lru_cache(maxsize=1)
def _meteor_scorer() -> Any:
    """One METEOR 1.5 jar process for the whole run (it takes seconds to start), or None without Java."""
    try:
        from isac.runtime.scoring.metrics.java_tools import java_available
        from isac.runtime.scoring.metrics.meteor import open_meteor
    except ImportError:
        return None
    return open_meteor("java") if java_available() else None


def meteor_available() -> bool:
    """Whether exact METEOR 1.5 (Java, jars and isac's METEOR module) can run here."""
    return _meteor_scorer() is not None


def grouped_meteor(
    candidates: Sequence[str], references: Sequence[Sequence[str]], groups: Mapping[str, Sequence[int]]
) -> dict[str, float] | None:
    """Corpus METEOR 1.5 (PTB-tokenised, jar aggregate over summed statistics) per group of rows.

    Rows are scored once; each group's value aggregates its rows' statistics. None when METEOR cannot
    run here or fails (the official F script then writes "N/A").
    """
    scorer = _meteor_scorer()
    if scorer is None:
        return None
    from isac.runtime.scoring.metrics.meteor import corpus_meteor, meteor_row_stats

    try:
        stats = meteor_row_stats(list(candidates), [list(refs) for refs in references], scorer)
        return {name: corpus_meteor([stats[i] for i in rows], scorer).value for name, rows in groups.items()}
    except Exception:  # the official F script also reports "N/A" on any failure
        return None


@dataclass(frozen=True)
class CaptionFigures:
    """CIDEr-D and ROUGE-L of one group of captions."""

    cider_d: float
    rouge_l: float


def grouped_caption_metrics(
    candidates: Sequence[str], references: Sequence[Sequence[str]], groups: Mapping[str, Sequence[int]]
) -> dict[str, CaptionFigures] | None:
    """CIDEr-D and ROUGE-L per group of rows, each group a corpus of its own (its own idf), as the
    official scorer calls the COCO scorers once per group. Texts are PTB-tokenised once (one JVM);
    None when the tokenizer cannot run here."""
    from isac.runtime.scoring.metrics.cider import corpus_cider_d
    from isac.runtime.scoring.metrics.java_tools import find_java_tools
    from isac.runtime.scoring.metrics.ptb_tokenizer import ptb_tokenize
    from isac.runtime.scoring.metrics.rouge import corpus_rouge_l

    try:
        tools = find_java_tools()
        widths = [len(refs) for refs in references]
        flat = [*candidates, *(ref for refs in references for ref in refs)]
        tokens = ptb_tokenize(flat, tools.java, tools.corenlp_jar)
    except ScoringError:
        return None
    hyps = tokens[: len(candidates)]
    refs: list[list[str]] = []
    start = len(candidates)
    for width in widths:
        refs.append(tokens[start : start + width])
        start += width
    return {
        name: CaptionFigures(
            cider_d=corpus_cider_d([hyps[i] for i in rows], [refs[i] for i in rows]),
            rouge_l=corpus_rouge_l([hyps[i] for i in rows], [refs[i] for i in rows]),
        )
        for name, rows in groups.items()
    }
