"""Records shared by every checker kind: the result, the compiled checker and the kind descriptor.

A kind module declares its params as a frozen pydantic model (`params.CheckerParams`), validated once
per distinct spec (`CheckerKind.parse_params`), and answers many responses with a pure
`extract(response, params)` that returns the answers in subtask order, or None when the response does
not follow the format. Turning that tuple into a `CheckResult` happens in one place
(`CompiledChecker.__call__`), so the rule "a non-compliant response answers the empty string for every
subtask" cannot drift between kinds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Generic

from isac.compiler.errors import ScoringError

from .params import P, validate_params

Answers = tuple[str, ...]
"""Extracted answers in subtask order."""


@dataclass(frozen=True)
class CheckResult:
    """Whether a response follows its format, and the answer extracted for each subtask.

    `answers` maps every subtask of the row to its answer text; all are "" when not compliant.
    """

    compliant: bool
    answers: Mapping[str, str]


def no_fixed_subtasks(_params: Any) -> None:
    """`fixed_subtasks` of single-task kinds."""
    return None


@dataclass(frozen=True)
class CheckerKind(Generic[P]):
    """A registered checker kind (each kind module exports one as `CHECKER`).

    `params` is the kind's params model; `extract` is the pure format test; `fixed_subtasks` returns the
    subtasks a composite kind's params name, or None for single-task kinds (which answer the one subtask
    of their row). `render` is the inverse of `extract`: the ideal response carrying the given answers
    (in subtask order) in this format. It is the one renderer of ideal answers: the oracle adapter and
    training targets use it, so both pass this very checker. `explain` (optional, pure) says in a few
    words why a response that `extract` rejects breaks the format ("missing prefix 'Answer:'"); kinds
    without one get a generic reason.
    """

    name: str
    params: type[P]
    extract: Callable[[str, P], Answers | None]
    fixed_subtasks: Callable[[P], tuple[str, ...] | None] = no_fixed_subtasks
    render: Callable[[Answers, P], str] | None = None
    explain: Callable[[str, P], str] | None = None

    def parse_params(self, raw: Mapping[str, Any]) -> P:
        """Validate raw manifest params; ScoringError names this kind, the param and what was expected."""
        return validate_params(self.name, self.params, raw)


@dataclass(frozen=True)
class CompiledChecker:
    """A kind with validated params, ready to judge many responses."""

    kind: CheckerKind[Any]
    params: Any

    def __call__(self, response: str | None, subtasks: Sequence[str]) -> CheckResult:
        """Judge one response for a row whose subtasks are `subtasks` (the row's `subtasks` field).

        A missing response (None, e.g. the model call failed) is simply not compliant.
        """
        names = self._subtask_names(subtasks)
        answers = self.kind.extract(response, self.params) if isinstance(response, str) else None
        if answers is None:
            return CheckResult(False, MappingProxyType(dict.fromkeys(names, "")))
        return CheckResult(True, MappingProxyType(dict(zip(names, answers, strict=True))))

    def explain(self, response: str | None) -> str:
        """Why `response` is not compliant with this checker, in a few words (for reports).

        Pure and never raising on a response; a compliant response gets "follows the format".
        """
        if response is None:
            return "no response: the model call failed"
        if self.kind.extract(response, self.params) is not None:
            return "follows the format"
        if not response.strip():
            return "empty response"
        if self.kind.explain is None:
            return f"does not follow the {self.kind.name} format"
        return self.kind.explain(response, self.params)

    def render(self, answers: Answers) -> str:
        """The ideal response carrying `answers` (in the order of `subtask_names`) in this format."""
        if self.kind.render is None:
            raise ScoringError(
                f"checker {self.kind.name!r} cannot render an ideal response (it has no render)"
            )
        return self.kind.render(answers, self.params)

    def subtask_names(self, subtasks: Sequence[str]) -> tuple[str, ...]:
        """The subtasks this checker answers for a row whose `subtasks` field is `subtasks`, in order."""
        return self._subtask_names(subtasks)

    def _subtask_names(self, subtasks: Sequence[str]) -> tuple[str, ...]:
        names = tuple(subtasks)
        fixed = self.kind.fixed_subtasks(self.params)
        if fixed is not None:
            if names and names != fixed:
                raise ScoringError(
                    f"checker {self.kind.name!r}: row subtasks {list(names)} differ from the checker's "
                    f"params.subtasks {list(fixed)}"
                )
            return fixed
        if len(names) != 1:
            raise ScoringError(
                f"checker {self.kind.name!r} answers exactly one subtask; got subtasks {list(names)}"
            )
        return names
