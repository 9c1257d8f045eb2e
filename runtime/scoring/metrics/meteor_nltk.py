"""Approximate METEOR with nltk, for machines without Java. Never the official number.

nltk's METEOR is run with METEOR 1.5's English parameters (alpha 0.85, beta 0.2, gamma 0.6), on text
tokenized by nltk's Treebank tokenizer (a pure-Python stand-in for the CoreNLP PTB tokenizer), and a
corpus value is the mean of segment scores, not METEOR 1.5's aggregation. Results carry the backend
name `nltk-approx`. WordNet must be installed for nltk (scripts/setup_wordnet.sh).
"""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType
from typing import Any

from isac.compiler.errors import ScoringError
from isac.runtime.scoring.metrics.meteor_stats import NLTK_BACKEND, MeteorStats, sum_meteor_stats
from isac.runtime.scoring.metrics.ptb_tokenizer import PUNCTUATION_TOKENS

ALPHA, BETA, GAMMA = 0.85, 0.2, 0.6


def _load_wordnet() -> Any:
    try:
        from nltk.corpus import wordnet
    except ImportError as exc:
        raise ScoringError("the nltk-approx METEOR backend needs the Python package nltk") from exc
    try:
        wordnet.ensure_loaded()
    except LookupError as exc:
        raise ScoringError(
            "the nltk-approx METEOR backend needs WordNet 3.0 for nltk, which was not found; run "
            "scripts/setup_wordnet.sh (Debian wordnet-base + wordnet-sense-index) or set NLTK_DATA"
        ) from exc
    return wordnet


def wordnet_available() -> bool:
    """True when nltk and its WordNet corpus load here (the nltk-approx backend can run)."""
    try:
        _load_wordnet()
    except ScoringError:
        return False
    return True


class NltkMeteorApprox:
    """nltk METEOR with METEOR 1.5 English parameters; same interface as `Meteor15`."""

    backend = NLTK_BACKEND

    def __init__(self) -> None:
        from nltk.tokenize import TreebankWordTokenizer
        from nltk.translate.meteor_score import meteor_score

        self._wordnet = _load_wordnet()
        self._tokenizer = TreebankWordTokenizer()
        self._meteor_score = meteor_score

    def __enter__(self) -> NltkMeteorApprox:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Nothing to release; present for interface parity with `Meteor15`."""

    def tokenize_one(self, text: str) -> list[str]:
        """Lowercased Treebank tokens without the punctuation tokens the official scorer drops."""
        tokens = self._tokenizer.tokenize(" ".join(text.lower().split()), convert_parentheses=True)
        return [token for token in tokens if token not in PUNCTUATION_TOKENS]

    def row_stats(self, hypotheses: Sequence[str], references: Sequence[Sequence[str]]) -> list[MeteorStats]:
        """Per-row segment scores (as one-value statistics)."""
        if len(hypotheses) != len(references):
            raise ScoringError(
                f"METEOR needs references for every hypothesis; got {len(hypotheses)} hypotheses "
                f"and {len(references)} reference lists"
            )
        stats: list[MeteorStats] = []
        for index, (hyp, refs) in enumerate(zip(hypotheses, references, strict=True)):
            if isinstance(refs, str) or not refs:
                raise ScoringError(f"METEOR row {index}: expected a non-empty list of reference strings")
            hyp_tokens = self.tokenize_one(hyp)
            ref_tokens = [tokens for tokens in (self.tokenize_one(ref) for ref in refs) if tokens]
            stats.append(MeteorStats(NLTK_BACKEND, (self._segment_score(hyp_tokens, ref_tokens),)))
        return stats

    def _segment_score(self, hyp_tokens: list[str], ref_tokens: list[list[str]]) -> float:
        # nltk divides by the token counts; an empty side scores 0 as in METEOR 1.5.
        if not hyp_tokens or not ref_tokens:
            return 0.0
        # METEOR 1.5 waives the fragmentation penalty for a segment matched whole in one chunk; nltk
        # does not, so an exact copy of a reference gets METEOR 1.5's 1.0 here.
        if any(hyp_tokens == tokens for tokens in ref_tokens):
            return 1.0
        score = self._meteor_score(
            ref_tokens, hyp_tokens, wordnet=self._wordnet, alpha=ALPHA, beta=BETA, gamma=GAMMA
        )
        return float(score)

    def score_from_totals(self, totals: Sequence[float]) -> float:
        """Mean segment score from summed `(score, 1)` pairs."""
        if len(totals) != 2 or totals[1] <= 0:
            raise ScoringError(
                f"nltk-approx METEOR totals must be (sum of scores, rows > 0), got {tuple(totals)}"
            )
        return totals[0] / totals[1]

    def corpus_score(self, stats: Sequence[MeteorStats]) -> float:
        """Mean of the segment scores."""
        backend, totals, _ = sum_meteor_stats(stats)
        if backend != self.backend:
            raise ScoringError(f"statistics from backend {backend!r} cannot be scored by {self.backend!r}")
        return self.score_from_totals(totals)
