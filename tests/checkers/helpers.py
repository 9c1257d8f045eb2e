"""Strategies and small builders shared by the checker tests."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from hypothesis import strategies as st

from isac.compiler.rows import CheckerSpec
from isac.runtime.scoring.checkers import CheckResult, check
from isac.runtime.scoring.checkers.textutil import QUOTE_PAIRS

SER_LABELS = ("happy", "sad", "angry", "neutral")
GR_LABELS = ("male", "female")
LABELS: Mapping[str, tuple[str, ...]] = {"SER": SER_LABELS, "GR": GR_LABELS}

# Every character a text may hold, lone surrogates included.
ANY_CHAR = st.characters(exclude_categories=())
ANY_TEXT = st.text(alphabet=ANY_CHAR, max_size=300)
# Bytes from a model that decoded them leniently.
BYTES_TEXT = st.binary(max_size=300).map(lambda raw: raw.decode("utf-8", errors="surrogateescape"))

# Printable text without control characters (answers a model could write).
_PRINTABLE = st.characters(exclude_categories=("Cc", "Cs", "Co", "Cn", "Zl", "Zp"))


def _no_outer_quotes(text: str) -> bool:
    return not (len(text) >= 2 and QUOTE_PAIRS.get(text[0]) == text[-1])


OPEN_ANSWERS = (
    st.text(alphabet=_PRINTABLE, min_size=1, max_size=60).map(str.strip).filter(bool).filter(_no_outer_quotes)
)
# Sentences built from words, for kinds whose answers must avoid a separator or format markers.
WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéü0123456789'", min_size=1, max_size=12)
SENTENCES = st.lists(WORDS, min_size=1, max_size=8).map(" ".join)
SPACES = st.sampled_from([" ", "  ", "\t", " \n ", "\u00a0"])


def spec(kind: str, **params: Any) -> CheckerSpec:
    """A checker spec."""
    return CheckerSpec(kind=kind, params=params)


def run(kind: str, response: str, subtasks: Sequence[str] = ("ASR",), **params: Any) -> CheckResult:
    """Check one response against a freshly built spec."""
    return check(spec(kind, **params), response, subtasks)


def label_variants(label: str, pads: Sequence[str] = ("", " ", "\n")) -> st.SearchStrategy[str]:
    """A label as a model may write it: any case, padded, quoted, with a trailing period."""
    cased = st.sampled_from([label, label.upper(), label.capitalize(), label.swapcase()])
    quote = st.sampled_from(["", '"', "'", "\u201c"])
    period = st.sampled_from(["", "."])
    pad = st.sampled_from(list(pads))

    def render(parts: tuple[str, str, str, str, bool]) -> str:
        text, opening, dot, space, dot_inside = parts
        closing = QUOTE_PAIRS.get(opening, "") if opening else ""
        inner = text + (dot if dot_inside else "")
        return f"{space}{opening}{inner}{closing}{'' if dot_inside else dot}{space}"

    return st.tuples(cased, quote, period, pad, st.booleans()).map(render)
