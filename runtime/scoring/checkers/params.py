"""Typed checker params: each kind declares a frozen pydantic model; raw manifest params are validated once.

`CheckerParams` is the base of every kind's params model (frozen, unknown params rejected). The
annotated types below state what a param must hold, and `validate_params` turns a pydantic failure into
a ScoringError naming the checker kind, the param (its key path, e.g. `labels.SER`), what was expected
and what was found, because a bad param set means the manifest (or the spec that compiled it) is wrong
and must be fixed there.

Derived data that the hot `extract` path needs (a compiled pattern, a casefolded label index) is kept as
`functools.cached_property` on the model: computed once per distinct spec, then a plain attribute read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, StrictStr, ValidationError

from isac.compiler.errors import ScoringError

__all__ = [
    "CheckerParams",
    "Flag",
    "NonBlankText",
    "NonBlankTexts",
    "NonEmptyText",
    "distinct",
    "validate_params",
]


class CheckerParams(BaseModel):
    """Base of every kind's params model: immutable, and a param the kind does not know is an error."""

    model_config = ConfigDict(frozen=True, extra="forbid")


def _non_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must be a non-empty string")
    return value


def _at_least_one(values: tuple[str, ...]) -> tuple[str, ...]:
    if not values:
        raise ValueError("must be a list of non-empty strings (at least one)")
    return values


def distinct(values: Sequence[str]) -> Sequence[str]:
    """Reject a list param that names the same item twice (an AfterValidator)."""
    if len(set(values)) != len(values):
        raise ValueError("must be a list without duplicates")
    return values


NonBlankText = Annotated[StrictStr, AfterValidator(_non_blank)]
"""A string with at least one non-whitespace character."""

NonEmptyText = Annotated[StrictStr, Field(min_length=1)]
"""A string of at least one character (whitespace allowed, e.g. a newline separator)."""

Flag = StrictBool
"""true or false (no "yes", no 1)."""

NonBlankTexts = Annotated[tuple[NonBlankText, ...], AfterValidator(_at_least_one)]
"""A list of at least one non-blank string."""

P = TypeVar("P", bound=CheckerParams)

# pydantic error types whose message already says what was expected, with the wording we give instead
_EXPECTED = {
    "string_type": "must be a string",
    "bool_type": "must be true or false",
    "tuple_type": "must be a list",
    "dict_type": "must be an object",
    "string_too_short": "must be a non-empty string",
}


def validate_params(kind: str, model: type[P], raw: Mapping[str, Any]) -> P:
    """Validate raw params of checker `kind` against its model; ScoringError on the first problem."""
    if not isinstance(raw, Mapping):
        raise ScoringError(f"checker {kind!r}: params must be an object, got {type(raw).__name__}")
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        raise ScoringError(_describe(kind, model, error)) from None


def _describe(kind: str, model: type[CheckerParams], error: ValidationError) -> str:
    problems = error.errors(include_url=False)
    # An unknown param usually means a misspelt one, which also shows up as "missing": name it first.
    unknown = [problem for problem in problems if problem["type"] == "extra_forbidden"]
    problem = (unknown or problems)[0]
    path = ".".join(str(part) for part in problem["loc"]) or "params"
    if unknown:
        return f"checker {kind!r}: unknown param {path!r}; expected only {sorted(model.model_fields)}"
    if problem["type"] == "missing":
        return f"checker {kind!r}: param {path!r} is required"
    expected = _EXPECTED.get(problem["type"]) or problem["msg"].removeprefix("Value error, ")
    return f"checker {kind!r}: param {path!r} {expected}; got {problem['input']!r}"
