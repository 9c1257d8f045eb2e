"""`starts_with_word`: the response's first word is `word`; the answer is the rest of the response.

Params: `word` (a non-blank string, compared without surrounding whitespace), `case_sensitive`
(default false). A trailing colon or comma after the word is tolerated ("Answer: yes" for `answer`).
"""

from __future__ import annotations

from isac.runtime.scoring.checkers.base import Answers, CheckerKind
from isac.runtime.scoring.checkers.params import CheckerParams, Flag, NonBlankText

KIND = "starts_with_word"


class StartsWithWordParams(CheckerParams):
    """{word, case_sensitive?}."""

    word: NonBlankText
    case_sensitive: Flag = False


def extract(response: str, params: StartsWithWordParams) -> Answers | None:
    """The text after the first word, or None when the first word is not `params.word`."""
    first, _, rest = response.strip().partition(" ")
    first = first.rstrip(":,")
    expected = params.word.strip()
    if not params.case_sensitive:
        first, expected = first.casefold(), expected.casefold()
    return (rest.strip(),) if first == expected else None


def render(answers: Answers, params: StartsWithWordParams) -> str:
    """The ideal response (what the oracle answers): the word, then the answer."""
    return f"{params.word.strip()} {answers[0]}"


CHECKER = CheckerKind(KIND, StartsWithWordParams, extract, render=render)
