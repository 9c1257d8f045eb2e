"""Corpus BLEU for S2TT answers, exactly as `sacrebleu.corpus_bleu(hyps, refs, tokenize="zh")`.

BLEU is a function of summed n-gram statistics, so each row keeps its sufficient statistics
(hypothesis and closest reference length, matched and total n-grams for n = 1..4) and any group's BLEU
is sacrebleu's own score of the summed statistics. Settings are sacrebleu's defaults: exponential
smoothing, no lowercasing, effective order off.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, partial
from importlib.metadata import version as package_version
from typing import Any, ClassVar

from sacrebleu.metrics.bleu import _TOKENIZERS, BLEU
from sacrebleu.tokenizers.tokenizer_re import TokenizerRegexp
from sacrebleu.tokenizers.tokenizer_zh import _UCODE_RANGES as _ZH_RANGES

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

ORDER = 4
TOKENIZE = "zh"
SMOOTH_METHOD = "exp"


@dataclass(frozen=True, slots=True)
class BleuStats:
    """Sufficient statistics of one hypothesis (or, summed, of a corpus)."""

    sys_len: int
    ref_len: int
    matches: tuple[int, int, int, int]
    totals: tuple[int, int, int, int]

    COLUMNS: ClassVar[tuple[tuple[str, str], ...]] = (
        ("sys_len", "INTEGER"),
        ("ref_len", "INTEGER"),
        *((f"matches_{n}", "INTEGER") for n in range(1, ORDER + 1)),
        *((f"totals_{n}", "INTEGER") for n in range(1, ORDER + 1)),
    )

    def as_row(self) -> tuple[int, ...]:
        """The values in the order of `COLUMNS`, for bulk inserts."""
        return (self.sys_len, self.ref_len, *self.matches, *self.totals)

    @classmethod
    def from_row(cls, row: Sequence[int]) -> BleuStats:
        """Inverse of `as_row` (e.g. for summed columns read back from SQL)."""
        if len(row) != 2 + 2 * ORDER:
            raise ScoringError(f"BLEU statistics need {2 + 2 * ORDER} values, got {len(row)}")
        values = [int(v) for v in row]
        return cls(values[0], values[1], tuple(values[2:6]), tuple(values[6:10]))  # type: ignore[arg-type]


@dataclass(frozen=True)
class BleuScore:
    """Corpus BLEU and its parts, as sacrebleu reports them."""

    score: float
    precisions: tuple[float, ...]
    bp: float
    sys_len: int
    ref_len: int

    @property
    def len_ratio(self) -> float:
        """Hypothesis length over reference length (0 when there is no reference)."""
        return self.sys_len / self.ref_len if self.ref_len else 0.0


@cache
def _metric(tokenize: str = TOKENIZE) -> BLEU:
    # force=True only silences sacrebleu's "looks tokenized" log warning; it changes no number.
    return BLEU(tokenize=tokenize, smooth_method=SMOOTH_METHOD, force=True)


def zh_code_point_ranges() -> list[tuple[int, int]]:
    """The code points TokenizerZh treats as Chinese, as inclusive (first, last) ranges.

    sacrebleu tests `start <= char <= end` on strings, and a few of its bounds are two characters
    long (e.g. "\\u20000" is "\\u2000" followed by "0"), so the comparisons are lexicographic: a bound
    longer than one character excludes its first character as a start and includes it as an end.
    """
    ranges = []
    for start, end in _ZH_RANGES:
        first = ord(start[0]) + (1 if len(start) > 1 else 0)
        ranges.append((first, ord(end[0])))
    return ranges


@cache
def _han_spacing() -> dict[int, str]:
    # A str.translate table putting spaces around each of those code points: exactly what
    # TokenizerZh's character loop does, in C (a regex substitution expands its template in Python
    # for every match).
    return {
        code: f" {chr(code)} " for first, last in zh_code_point_ranges() for code in range(first, last + 1)
    }


# Every character the 13a-style post-tokenizer's rules can act on, except the space: its first rule
# also pads spaces, which the final split/join undoes. Without any of these characters in a line, the
# post-tokenizer only collapses whitespace.
_POST_TOKENIZER_TRIGGERS = re.compile(r"[{-~\[-`!-&(-+:-@/.,\-]")


def zh_tokenize(text: str) -> str:
    """sacrebleu's zh tokenization of one segment (`BLEU(tokenize="zh")._preprocess_segment`), faster.

    The per-character loop becomes one `str.translate` over the same code points; the
    13a-style post-tokenizer is sacrebleu's own, skipped (whitespace collapsed only) for a line holding
    no character its rules act on, which is most Chinese text.
    """
    spaced = text.strip().translate(_han_spacing())
    if _POST_TOKENIZER_TRIGGERS.search(spaced) is None:
        return " ".join(spaced.split())
    return _post_tokenizer()(spaced)


@cache
def _post_tokenizer() -> TokenizerRegexp:
    return TokenizerRegexp()


def _segment_stats(tokenized: str, ref_ngrams: Counter[tuple[str, ...]], ref_lens: list[int]) -> BleuStats:
    """sacrebleu's `_compute_segment_statistics` of a tokenized hypothesis: the same numbers.

    Totals are the n-gram counts of each order (len - n + 1, not below 0); matches are the hypothesis
    n-gram counts clipped by the references' maximum counts (n-grams as tuples, built by zip); the
    reference length is the closest one, the shorter on a tie. When no n-gram of an order repeats,
    each shared n-gram matches exactly once (reference counts are at least 1), so the clipped sum is
    the size of the intersection, computed in C.
    """
    tokens = tokenized.split()
    length = len(tokens)
    matches = [0] * ORDER
    totals = [0] * ORDER
    for n in range(1, ORDER + 1):
        total = length - n + 1
        if total <= 0:
            break
        totals[n - 1] = total
        grams = list(zip(*(tokens[i:] for i in range(n)), strict=False))
        distinct = set(grams)
        if len(distinct) == total:
            matches[n - 1] = len(distinct.intersection(ref_ngrams.keys()))
        else:
            counts = Counter(grams)
            matches[n - 1] = sum(
                min(counts[gram], ref_ngrams[gram]) for gram in counts.keys() & ref_ngrams.keys()
            )
    closest = min(ref_lens, key=lambda ref_len: (abs(length - ref_len), ref_len))
    return BleuStats(length, closest, tuple(matches), tuple(totals))  # type: ignore[arg-type]


def bleu_row_stats(
    hypotheses: Sequence[str], references: Sequence[Sequence[str]], tokenize: str = TOKENIZE
) -> list[BleuStats]:
    """Per-row BLEU statistics. `references[i]` holds the reference translations of row i (one or more).

    Rows may have different numbers of references; each row's statistics use the references it has,
    which is what sacrebleu does with `None`-padded reference streams.
    """
    if len(hypotheses) != len(references):
        raise ScoringError(
            f"BLEU needs references for every hypothesis; got {len(hypotheses)} hypotheses "
            f"and {len(references)} reference lists"
        )
    metric = _metric(tokenize)
    # The same reference recurs once per instruction variant and many answers repeat (empty ones
    # above all), so tokenization and reference n-grams are computed once per distinct text and each
    # distinct (hypothesis, references) pair once. The zh tokenizer and the segment statistics are
    # exact re-implementations of sacrebleu's (see zh_tokenize and _segment_stats); other tokenizers
    # use sacrebleu's own steps, in the order its corpus_score applies them.
    fast = tokenize == TOKENIZE
    preprocess = zh_tokenize if fast else metric._preprocess_segment
    tokenized: dict[str, str] = {}
    ref_info: dict[tuple[str, ...], dict[str, Any]] = {}
    done: dict[tuple[str, tuple[str, ...]], BleuStats] = {}

    def tokens_of(text: str) -> str:
        found = tokenized.get(text)
        if found is None:
            found = tokenized[text] = preprocess(text)
        return found

    stats: list[BleuStats] = []
    for index, (hyp, refs) in enumerate(zip(hypotheses, references, strict=True)):
        if isinstance(refs, str) or not refs:
            raise ScoringError(f"BLEU row {index}: expected a non-empty list of reference strings")
        key = tuple(refs)
        row = done.get((hyp, key))
        if row is None:
            info = ref_info.get(key)
            if info is None:
                info = ref_info[key] = metric._extract_reference_info([tokens_of(ref) for ref in key])
            if fast:
                row = _segment_stats(tokens_of(hyp), info["ref_ngrams"], info["ref_lens"])
            else:
                raw = metric._compute_segment_statistics(tokens_of(hyp), info)
                row = BleuStats(raw[0], raw[1], tuple(raw[2:6]), tuple(raw[6:10]))  # type: ignore[arg-type]
            done[(hyp, key)] = row
        stats.append(row)
    return stats


def sum_bleu_stats(stats: Iterable[BleuStats]) -> tuple[BleuStats, int]:
    """Field-wise sum of row statistics and the number of rows summed."""
    sys_len = ref_len = rows = 0
    matches = [0] * ORDER
    totals = [0] * ORDER
    for row in stats:
        sys_len += row.sys_len
        ref_len += row.ref_len
        for n in range(ORDER):
            matches[n] += row.matches[n]
            totals[n] += row.totals[n]
        rows += 1
    return BleuStats(sys_len, ref_len, tuple(matches), tuple(totals)), rows  # type: ignore[arg-type]


def bleu_from_totals(total: BleuStats) -> BleuScore:
    """sacrebleu's BLEU of summed statistics (its own `compute_bleu`, exp smoothing)."""
    # compute_bleu may modify its list arguments, so hand it fresh lists.
    result = BLEU.compute_bleu(
        list(total.matches),
        list(total.totals),
        total.sys_len,
        total.ref_len,
        smooth_method=SMOOTH_METHOD,
    )
    return BleuScore(result.score, tuple(result.precisions), result.bp, result.sys_len, result.ref_len)


def corpus_bleu(stats: Iterable[BleuStats]) -> MetricResult:
    """Corpus BLEU (0..100) over row statistics."""
    total, rows = sum_bleu_stats(stats)
    if rows == 0:
        raise ScoringError("BLEU needs at least one row to aggregate")
    return MetricResult("BLEU", bleu_from_totals(total).score, rows, f"sacrebleu-{TOKENIZE}")


# ------------------------------------------------------------------------------------ metric definition


def _row_stats(batch: MetricInput) -> Columns:
    tokenize = str(batch.options.get("tokenize", TOKENIZE))
    compute = bleu_row_stats if tokenize == TOKENIZE else partial(_bleu_with, tokenize)
    stats = parallel_rows(compute, batch.answers, batch.references)
    columns = {
        "bleu_sys_len": integer_column([s.sys_len for s in stats]),
        "bleu_ref_len": integer_column([s.ref_len for s in stats]),
    }
    for n in range(ORDER):
        columns[f"bleu_match_{n + 1}"] = integer_column([s.matches[n] for s in stats])
        columns[f"bleu_total_{n + 1}"] = integer_column([s.totals[n] for s in stats])
    return columns


def _bleu_with(
    tokenize: str, hypotheses: Sequence[str], references: Sequence[Sequence[str]]
) -> list[BleuStats]:
    return bleu_row_stats(hypotheses, references, tokenize)


_COLUMN_NAMES = (
    "bleu_sys_len",
    "bleu_ref_len",
    *(f"bleu_match_{n}" for n in range(1, ORDER + 1)),
    *(f"bleu_total_{n}" for n in range(1, ORDER + 1)),
)

METRIC = MetricDefinition(
    name="bleu",
    label="BLEU",
    higher_is_better=True,
    version=f"sacrebleu-{package_version('sacrebleu')}",
    description="corpus BLEU (sacrebleu, exp smoothing), from summed n-gram statistics",
    columns=tuple(StatColumn(name, "BIGINT") for name in _COLUMN_NAMES),
    row_stats=_row_stats,
    value_sql=(
        "bleu_score(CAST({bleu_sys_len} AS DOUBLE), CAST({bleu_ref_len} AS DOUBLE), "
        "{bleu_match_1}, {bleu_match_2}, {bleu_match_3}, {bleu_match_4}, "
        "{bleu_total_1}, {bleu_total_2}, {bleu_total_3}, {bleu_total_4})"
    ),
    options={"tokenize": tuple(sorted(_TOKENIZERS))},
)
