"""The verdict of an official rule on one response, and the official variation names of isac variants."""

from __future__ import annotations

from dataclasses import dataclass

F_VARIATIONS: tuple[str, ...] = ("constrain", "upper_case", "lower_case", "prefix", "suffix", "wrap", "json")

# isac variant -> official variation (D, F) or branch (N) name; unlisted variants are spelled the same.
D_VARIATION_NAMES: dict[str, str] = {
    "default": "default",
    "upper_case": "upper_case",
    "lower_case": "lower_case",
    "syntax_error": "grammar_robust",  # the official "grammar" variant reorders words
    "lexical_error": "syntax_robust",  # the official "syntax" variant misspells words
    "simple": "semantic_equal_simple",
    "neutral": "semantic_equal_neutral",
    "complex": "semantic_equal_complex",
    "punctuation": "alter_symbol",
}
F_VARIATION_NAMES: dict[str, str] = {"answer_only": "constrain"}
N_BRANCH_NAMES: dict[str, str] = {"separator": "separation", "json": "json"}


def variation_name(dimension: str, variant: str) -> str:
    """The official variation (D, F) or branch (N) name of an isac variant."""
    names = {"D": D_VARIATION_NAMES, "F": F_VARIATION_NAMES}.get(dimension, N_BRANCH_NAMES)
    return names.get(variant, variant)


@dataclass(frozen=True)
class Judgement:
    """Whether one response complies, and the hypothesis the official metric sees ("" if not).

    For ASR the hypothesis is the extracted text before whisper normalisation (the metric step
    normalises); for D SER/GR it is the normalised label.
    """

    compliant: bool
    hypothesis: str


NON_COMPLIANT = Judgement(compliant=False, hypothesis="")


def comply(hypothesis: str) -> Judgement:
    """A compliant verdict with its hypothesis."""
    return Judgement(compliant=True, hypothesis=hypothesis)
