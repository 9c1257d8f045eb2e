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


def _wer_english(hypotheses: Sequence[str], references: Sequence[str]) -> list[WerStats]:
    return wer_row_stats(hypotheses, references)


def _wer_verbatim(hypotheses: Sequence[str], references: Sequence[str]) -> list[WerStats]:
    return wer_row_stats(hypotheses, references, normalizer=_identity)


def _row_stats(batch: MetricInput) -> Columns:
    # module-level functions, so that worker processes can unpickle them by name
    compute = _wer_verbatim if batch.options.get("normalizer") == "none" else _wer_english
    stats = parallel_rows(compute, batch.answers, batch.first_references())
    return {
        "wer_errors": integer_column([s.errors for s in stats]),
        "wer_ref_words": integer_column([s.ref_words for s in stats]),
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
