"""`label`: answer-only classification (SER, GR): the response is exactly one of the labels.

Default profile: case-insensitive; surrounding whitespace, one pair of outer quotes and one trailing
period are tolerated (`"Happy."`, ` sad `); anything else (`I think happy`, `happy!`) is not compliant.
The answer is the label in lowercase.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .base import Answers, CheckerKind, no_fixed_subtasks
from .params import ParamReader
from .textutil import label_index, match_label

KIND = "label"


@dataclass(frozen=True)
class LabelParams:
    """Validated params: the labels and their casefolded index."""

    labels: tuple[str, ...]
    index: Mapping[str, str]


def parse_params(raw: Mapping[str, Any]) -> LabelParams:
    """Validate {labels}."""
    labels = ParamReader(KIND, raw, ("labels",)).text_list("labels", required=True, allow_empty=False)
    return LabelParams(labels, label_index(labels))


def extract(response: str, params: LabelParams) -> Answers | None:
    """The lowercase label, or None."""
    label = match_label(response, params.index)
    return None if label is None else (label,)


CHECKER = CheckerKind(KIND, parse_params, extract, no_fixed_subtasks)
