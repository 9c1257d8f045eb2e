"""ROUGE-L of captions as the COCO caption evaluation release computes it.

Inputs are PTB-tokenised texts. Tokens are the pieces of `text.split(" ")` (single spaces, as the
release splits; an empty text is one empty token, kept so edge cases score as they do there). Per item,
the longest common subsequence with each reference gives a precision (LCS / hypothesis tokens) and a
recall (LCS / reference tokens); the maxima over references, P and R, give
F = (1 + beta^2) P R / (R + beta^2 P) with beta = 1.2 (0 when P or R is 0). The corpus score is the
plain mean over items.
"""

from __future__ import annotations

from collections.abc import Sequence

BETA = 1.2


def lcs_length(first: Sequence[str], second: Sequence[str]) -> int:
    """Length of the longest common subsequence of two token lists (one row of the DP table kept)."""
    if len(first) < len(second):
        first, second = second, first
    previous = [0] * (len(second) + 1)
    for token in first:
        current = [0]
        for index, other in enumerate(second, start=1):
            current.append(previous[index - 1] + 1 if token == other else max(previous[index], current[-1]))
        previous = current
    return previous[-1]


def rouge_l_score(hypothesis: str, references: Sequence[str], beta: float = BETA) -> float:
    """ROUGE-L F of one hypothesis against its references (at least one)."""
    if not references:
        raise ValueError("ROUGE-L needs at least one reference")
    hyp_tokens = hypothesis.split(" ")
    precisions, recalls = [], []
    for reference in references:
        ref_tokens = reference.split(" ")
        common = lcs_length(ref_tokens, hyp_tokens)
        precisions.append(common / float(len(hyp_tokens)))
        recalls.append(common / float(len(ref_tokens)))
    precision, recall = max(precisions), max(recalls)
    if precision == 0 or recall == 0:
        return 0.0
    return ((1 + beta**2) * precision * recall) / float(recall + beta**2 * precision)


def corpus_rouge_l(hypotheses: Sequence[str], references: Sequence[Sequence[str]]) -> float:
    """Mean ROUGE-L over items (0.0 for an empty corpus)."""
    if len(hypotheses) != len(references):
        raise ValueError(f"{len(hypotheses)} hypotheses but {len(references)} reference lists")
    scores = [rouge_l_score(hyp, refs) for hyp, refs in zip(hypotheses, references, strict=True)]
    return sum(scores) / len(scores) if scores else 0.0
