"""Small text helpers shared by several kinds: outer quotes and label matching.

Label matching (default profile): the candidate is trimmed, one trailing period is dropped, one pair of
outer quotes is dropped (the period may sit inside or outside the quotes), and the rest must equal a
label ignoring case. `"Happy".`, `'sad'`, ` Neutral. ` all match; `happy!`, `very happy` do not.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

# Opening quote -> closing quote. Curly and CJK quotes too: models often answer with typographic quotes.
QUOTE_PAIRS: Mapping[str, str] = {
    '"': '"',
    "'": "'",
    "`": "`",
    "\u201c": "\u201d",  # “ ”
    "\u2018": "\u2019",  # ‘ ’
    "\u00ab": "\u00bb",  # « »
    "\u300c": "\u300d",  # 「 」
    "\u300e": "\u300f",  # 『 』
}


def strip_outer_quotes(text: str) -> str:
    """Remove one pair of matching outer quotes (and the whitespace they enclosed), if present."""
    if len(text) >= 2:
        closing = QUOTE_PAIRS.get(text[0])
        if closing is not None and text[-1] == closing:
            return text[1:-1].strip()
    return text


def protect_quotes(answer: str) -> str:
    """An answer that is itself wrapped in a quote pair, quoted once more so `strip_outer_quotes` keeps it."""
    if len(answer) >= 2 and QUOTE_PAIRS.get(answer[0]) == answer[-1]:
        return f'"{answer}"'
    return answer


def _drop_period(text: str) -> tuple[str, bool]:
    if text.endswith("."):
        return text[:-1].rstrip(), True
    return text, False


def bare_label(text: str) -> str:
    """The candidate label text: trimmed, outer quotes and one trailing period removed, casefolded."""
    candidate, dropped = _drop_period(text.strip())
    candidate = strip_outer_quotes(candidate)
    if not dropped:
        candidate, _ = _drop_period(candidate)
    return candidate.casefold()


def label_index(labels: Iterable[str]) -> dict[str, str]:
    """Casefolded label -> the label as answered (lowercase)."""
    return {label.strip().casefold(): label.strip().lower() for label in labels}


def match_label(text: str, index: Mapping[str, str]) -> str | None:
    """The lowercase label `text` names, or None."""
    # A label is one short phrase; a long text cannot be one, so skip the casefold of huge inputs.
    if len(text) > 200:
        return None
    return index.get(bare_label(text))


def shown(text: str, limit: int = 40) -> str:
    """`text` quoted for a reason message, cut to `limit` characters, control characters escaped."""
    visible = "".join(ch if ch.isprintable() or ch == " " else f"\\x{ord(ch):02x}" for ch in text)
    if len(visible) > limit:
        visible = visible[: limit - 1] + "…"
    return f"'{visible}'"


def label_list(labels: Iterable[str]) -> str:
    """`happy, sad, angry` for a reason message."""
    return ", ".join(labels)
