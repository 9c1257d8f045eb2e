"""CIDEr-D of captions, with the corpus-level definitions of the COCO caption evaluation release.

Inputs are already PTB-tokenised texts (see `ptb_tokenizer`): tokens separated by spaces. The
definitions, including the release's quirks, are kept on purpose so the numbers equal the official ones:

* n-grams of orders 1..4 are counted per sentence (`str.split`, any whitespace);
* document frequency df(g) counts the *items* (one hypothesis with its references) whose references
  contain g, over the scored corpus only (so a subset of rows has its own idf);
  idf weight = log(N) - log(max(1, df)), N the number of items;
* per order, the tf-idf vectors of the hypothesis and of each reference are compared by a "clipped"
  cosine: sum over the hypothesis' n-grams of min(h, r) * r, divided by |h| |r| (left undivided when
  either norm is 0), times the Gaussian length penalty exp(-(lh - lr)^2 / (2 sigma^2)), sigma = 6;
* the "length" in that penalty is the sentence's number of *bigrams* (the release counts the n-grams
  of index 1, i.e. order 2; for a sentence of w > 0 words that is w - 1);
* an item's score is the mean over the 4 orders of the per-reference sum, divided by the number of
  references, times 10; the corpus score is the plain mean over items.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

NGRAM_ORDER = 4
SIGMA = 6.0

Ngram = tuple[str, ...]


def ngram_counts(sentence: str, order: int = NGRAM_ORDER) -> Counter[Ngram]:
    """Counts of every n-gram of orders 1..`order` of a tokenised sentence."""
    words = sentence.split()
    counts: Counter[Ngram] = Counter()
    for size in range(1, order + 1):
        for start in range(len(words) - size + 1):
            counts[tuple(words[start : start + size])] += 1
    return counts


def _vector(
    counts: Counter[Ngram], df: Counter[Ngram], log_items: float, order: int
) -> tuple[list[dict[Ngram, float]], list[float], int]:
    """Per order: tf-idf weights, their Euclidean norm; and the sentence's bigram count (its 'length')."""
    weights: list[dict[Ngram, float]] = [{} for _ in range(order)]
    squares = [0.0] * order
    length = 0
    for ngram, tf in counts.items():
        size = len(ngram) - 1
        weight = float(tf) * (log_items - math.log(max(1.0, df.get(ngram, 0))))
        weights[size][ngram] = weight
        squares[size] += weight**2
        if size == 1:  # the release's length: bigram occurrences (see the module docstring)
            length += tf
    return weights, [math.sqrt(square) for square in squares], length


def _similarity(
    hyp: tuple[list[dict[Ngram, float]], list[float], int],
    ref: tuple[list[dict[Ngram, float]], list[float], int],
    order: int,
    sigma: float,
) -> list[float]:
    hyp_weights, hyp_norms, hyp_length = hyp
    ref_weights, ref_norms, ref_length = ref
    penalty = math.e ** (-(float(hyp_length - ref_length) ** 2) / (2 * sigma**2))
    values = []
    for size in range(order):
        value = 0.0
        for ngram, weight in hyp_weights[size].items():
            other = ref_weights[size].get(ngram, 0.0)
            value += min(weight, other) * other
        if hyp_norms[size] != 0 and ref_norms[size] != 0:
            value /= hyp_norms[size] * ref_norms[size]
        values.append(value * penalty)
    return values


def cider_d_scores(
    hypotheses: Sequence[str],
    references: Sequence[Sequence[str]],
    *,
    order: int = NGRAM_ORDER,
    sigma: float = SIGMA,
) -> list[float]:
    """CIDEr-D of each item (hypothesis i against `references[i]`, at least one) over this corpus."""
    if len(hypotheses) != len(references):
        raise ValueError(f"{len(hypotheses)} hypotheses but {len(references)} reference lists")
    if any(len(refs) == 0 for refs in references):
        raise ValueError("every hypothesis needs at least one reference")
    ref_counts = [[ngram_counts(ref, order) for ref in refs] for refs in references]
    df: Counter[Ngram] = Counter()
    for counts in ref_counts:
        df.update({ngram for one in counts for ngram in one})
    log_items = math.log(float(len(hypotheses))) if hypotheses else 0.0
    scores = []
    for hypothesis, counts in zip(hypotheses, ref_counts, strict=True):
        hyp = _vector(ngram_counts(hypothesis, order), df, log_items, order)
        total = [0.0] * order
        for ref in counts:
            for size, value in enumerate(_similarity(hyp, _vector(ref, df, log_items, order), order, sigma)):
                total[size] += value
        scores.append(sum(total) / order / len(counts) * 10.0)
    return scores


def corpus_cider_d(hypotheses: Sequence[str], references: Sequence[Sequence[str]]) -> float:
    """The corpus CIDEr-D: the mean item score (0.0 for an empty corpus)."""
    scores = cider_d_scores(hypotheses, references)
    return sum(scores) / len(scores) if scores else 0.0
