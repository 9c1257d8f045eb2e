"""`label`: answer-only classification (SER, GR): the response is exactly one of the labels.

Default profile: case-insensitive; surrounding whitespace, one pair of outer quotes and one trailing
period are tolerated (`"Happy."`, ` sad `); anything else (`I think happy`, `happy!`) is not compliant.
The answer is the label in lowercase.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property

from .base import Answers, CheckerKind
from .params import CheckerParams, NonBlankTexts
from .textutil import label_index, label_list, match_label, shown

KIND = "label"


class LabelParams(CheckerParams):
    """{labels}: the labels; their casefolded index is built once."""

    labels: NonBlankTexts

    @cached_property
    def index(self) -> Mapping[str, str]:
        """Casefolded label -> lowercase answer (see `textutil.label_index`)."""
        return label_index(self.labels)


def extract(response: str, params: LabelParams) -> Answers | None:
    """The lowercase label, or None."""
    label = match_label(response, params.index)
    return None if label is None else (label,)


def render(answers: Answers, params: LabelParams) -> str:
    """The label alone."""
    return answers[0]


def explain(response: str, params: LabelParams) -> str:
    """`'I think sad' is not exactly one of happy, sad, ...`."""
    return f"{shown(response.strip())} is not exactly one of the labels {label_list(params.labels)}"


CHECKER = CheckerKind(KIND, LabelParams, extract, render=render, explain=explain)
