"""Word error rate for ASR answers, as per-row sufficient statistics plus a corpus aggregation.

Corpus WER is jiwer's: the edits of all rows over the reference words of all rows. Both sides are
normalised first (whisper-style English normalisation, as the official scorer does). Per-row counts come
from jiwer's own alignment, so substitutions/deletions/insertions split exactly as jiwer splits them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version as package_version
from typing import ClassVar

import jiwer
import numpy as np
from rapidfuzz.distance import Levenshtein

from isac.compiler.errors import ScoringError
from isac.runtime.scoring.metrics.definition import (
    Columns,
    MetricDefinition,
    MetricInput,
    StatColumn,
    integer_column,
)
from isac.runtime.scoring.metrics.result import MetricResult
from isac.runtime.scoring.workers import parallel_rows

Normalizer = Callable[[str], str]

# jiwer builds one alignment object per edit run; chunking bounds memory on very large calls.
_JIWER_BATCH = 20_000
_JIWER_WORDS = jiwer.wer_default  # the transform jiwer applies to both sides before aligning words


@dataclass(frozen=True, slots=True)
class WerStats:
    """Sufficient statistics of one (hypothesis, reference) pair after normalisation.

    `errors` = substitutions + deletions + insertions; `ref_words` counts the normalised reference.
    """

    errors: int
    ref_words: int
    substitutions: int
    deletions: int
    insertions: int

    COLUMNS: ClassVar[tuple[tuple[str, str], ...]] = (
        ("errors", "INTEGER"),
        ("ref_words", "INTEGER"),
        ("substitutions", "INTEGER"),
        ("deletions", "INTEGER"),
        ("insertions", "INTEGER"),
    )

    @property
    def hits(self) -> int:
        """Reference words the hypothesis got right."""
        return self.ref_words - self.substitutions - self.deletions

    def as_row(self) -> tuple[int, int, int, int, int]:
        """The values in the order of `COLUMNS`, for bulk inserts."""
        return (self.errors, self.ref_words, self.substitutions, self.deletions, self.insertions)


@cache
def english_normalizer() -> Normalizer:
    """The whisper-style English normaliser the official scorer applies (imported on first use)."""
    try:
        from isac.runtime.scoring.normalizers.english import EnglishTextNormalizer
    except ImportError as exc:  # pragma: no cover - only while the normaliser package is missing
        raise ScoringError(
            "WER needs isac.runtime.scoring.normalizers.english.EnglishTextNormalizer, which could not be "
            f"imported ({exc}); pass an explicit normalizer"
        ) from exc
    return EnglishTextNormalizer()


def _normalize_all(texts: Sequence[str], normalizer: Normalizer) -> list[str]:
    # References repeat across variants (one transcript, many instructions): normalise each text once.
    memo: dict[str, str] = {}
    out: list[str] = []
    for text in texts:
        done = memo.get(text)
        if done is None:
            done = normalizer(text)
            memo[text] = done
        out.append(done)
    return out


def _stats_from_alignment(chunks: Sequence[jiwer.AlignmentChunk], ref_words: int) -> WerStats:
    subs = dels = ins = 0
    for chunk in chunks:
        kind = chunk.type
        if kind == "substitute":
            subs += chunk.ref_end_idx - chunk.ref_start_idx
        elif kind == "delete":
            dels += chunk.ref_end_idx - chunk.ref_start_idx
        elif kind == "insert":
            ins += chunk.hyp_end_idx - chunk.hyp_start_idx
    return WerStats(subs + dels + ins, ref_words, subs, dels, ins)


def wer_row_stats(
    hypotheses: Sequence[str],
    references: Sequence[str],
    normalizer: Normalizer | None = None,
) -> list[WerStats]:
    """Per-row WER statistics for aligned lists of hypotheses and references.

    Both sides go through `normalizer` (default: the English whisper-style normaliser). An empty
    hypothesis counts every reference word as a deletion; an empty reference counts every hypothesis
    word as an insertion. Pairs are sent to jiwer in large batches.
    """
    if len(hypotheses) != len(references):
        raise ScoringError(
            f"WER needs one reference per hypothesis; got {len(hypotheses)} hypotheses "
            f"and {len(references)} references"
        )
    normalize = normalizer if normalizer is not None else english_normalizer()
    hyps = _normalize_all(hypotheses, normalize)
    refs = _normalize_all(references, normalize)
    stats: list[WerStats] = []
    for start in range(0, len(refs), _JIWER_BATCH):
        out = jiwer.process_words(refs[start : start + _JIWER_BATCH], hyps[start : start + _JIWER_BATCH])
        stats.extend(
            _stats_from_alignment(chunks, len(ref_words))
            for chunks, ref_words in zip(out.alignments, out.references, strict=True)
        )
    return stats


def wer_counts(
    hypotheses: Sequence[str], references: Sequence[str], normalizer: Normalizer | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(edits, reference words) of every row, as int64 arrays: the fast path of `wer_row_stats`.

    The same numbers as jiwer's `process_words` (default transforms) on normalised texts, whose
    per-row S + D + I is the word-level Levenshtein distance of its alignment; only the distance is
    computed here. References repeat across variants and answers repeat too (empty ones above all), so
    normalisation, word splitting and whole (hypothesis, reference) pairs are each done once.
    """
    if len(hypotheses) != len(references):
        raise ScoringError(
            f"WER needs one reference per hypothesis; got {len(hypotheses)} hypotheses "
            f"and {len(references)} references"
        )
    normalize = normalizer if normalizer is not None else english_normalizer()
    words_of: dict[str, tuple[str, ...]] = {}
    done: dict[tuple[str, str], tuple[int, int]] = {}
    errors = np.empty(len(hypotheses), dtype=np.int64)
    ref_words = np.empty(len(hypotheses), dtype=np.int64)

    def words(text: str) -> tuple[str, ...]:
        found = words_of.get(text)
        if found is None:
            # jiwer's default transform (multiple spaces collapsed, stripped, split into words)
            found = words_of[text] = tuple(_JIWER_WORDS([normalize(text)])[0])
        return found

    for index, (hyp, ref) in enumerate(zip(hypotheses, references, strict=True)):
        pair = done.get((hyp, ref))
        if pair is None:
            ref_seq, hyp_seq = words(ref), words(hyp)
            pair = done[(hyp, ref)] = (Levenshtein.distance(ref_seq, hyp_seq), len(ref_seq))
        errors[index], ref_words[index] = pair
    return errors, ref_words


def jiwer_corpus_wer(errors: int, ref_words: int) -> float:
    """`jiwer.wer` of a corpus from its summed edits and reference words, computed the way jiwer does.

    With no reference words jiwer reports the insertion count (then every edit is an insertion).
    """
    return float(errors) / float(ref_words) if ref_words else float(errors)


def wer_from_totals(errors: int, ref_words: int) -> float:
    """Corpus WER in percent from summed statistics.

    Equal to jiwer's corpus WER, including its convention when every reference is empty (then
    `errors` are all insertions and jiwer reports their count as the rate).
    """
    return 100.0 * errors / max(ref_words, 1)


def corpus_wer(stats: Iterable[WerStats]) -> MetricResult:
    """Corpus WER (percent) over row statistics: total edits / total reference words."""
    errors = ref_words = rows = 0
    for row in stats:
        errors += row.errors
        ref_words += row.ref_words
        rows += 1
    if rows == 0:
        raise ScoringError("WER needs at least one row to aggregate")
    return MetricResult("WER", wer_from_totals(errors, ref_words), rows, "jiwer")


# ------------------------------------------------------------------------------------ metric definition

_NORMALIZERS = ("whisper-english", "none")


def _identity(text: str) -> str:
    return text


def _counts_english(hypotheses: Sequence[str], references: Sequence[str]) -> list[tuple[int, int]]:
    errors, ref_words = wer_counts(hypotheses, references)
    return list(zip(errors.tolist(), ref_words.tolist(), strict=True))


def _counts_verbatim(hypotheses: Sequence[str], references: Sequence[str]) -> list[tuple[int, int]]:
    errors, ref_words = wer_counts(hypotheses, references, normalizer=_identity)
    return list(zip(errors.tolist(), ref_words.tolist(), strict=True))


def _row_stats(batch: MetricInput) -> Columns:
    # module-level functions, so that worker processes can unpickle them by name; the normaliser is
    # pure Python, so large batches are still spread over the workers
    compute = _counts_verbatim if batch.options.get("normalizer") == "none" else _counts_english
    pairs = parallel_rows(compute, batch.answers, batch.first_references())
    return {
        "wer_errors": integer_column([errors for errors, _ in pairs]),
        "wer_ref_words": integer_column([ref_words for _, ref_words in pairs]),
    }


METRIC = MetricDefinition(
    name="wer",
    label="WER",
    higher_is_better=False,
    version=f"jiwer-{package_version('jiwer')}",
    description="word error rate in percent (jiwer), both sides normalised like whisper's English normaliser",
    columns=(StatColumn("wer_errors", "BIGINT"), StatColumn("wer_ref_words", "BIGINT")),
    row_stats=_row_stats,
    value_sql="100.0 * CAST({wer_errors} AS DOUBLE) / nullif({wer_ref_words}, 0)",
    options={"normalizer": _NORMALIZERS},
)
