"""Format checkers: decide whether a response follows the requested format and extract the answers.

Usage, for a manifest row and a response text:

    result = check(row.checker, response, row.subtasks)
    result.compliant            # bool
    result.answers[subtask]     # "" for every subtask when not compliant

`check` compiles (validates) each distinct checker spec once and caches it; hot loops over one spec
can also hold `compile_checker(spec)` and call it directly. A bad spec (unknown kind, missing or
ill-typed param) raises ScoringError; a response never does, whatever it contains. A `None` response
(a failed model call) is simply not compliant.

Kinds (one module each; each module's docstring states its default-profile rule): prefix, suffix,
wrap, json_key, upper_case, lower_case, label, text (single-task), separator, json_keys (composite).
They live in the `KINDS` registry (`isac.compiler.registry`): every module here defining `CHECKER`,
imported on first use; an installed package adds a kind through the `isac.checkers` entry point group,
naming a `CheckerKind` whose `params` is its pydantic params model.
"""

from __future__ import annotations

from collections.abc import Sequence

from isac.compiler.errors import ScoringError
from isac.compiler.registry import Registry
from isac.compiler.rows import CheckerSpec

from .base import CheckerKind, CheckResult, CompiledChecker

__all__ = ["KINDS", "CheckResult", "CheckerKind", "CompiledChecker", "check", "compile_checker"]

# Each built-in kind is the module of its name defining `CHECKER` (found without importing it); nothing
# is imported until a row uses it. A new kind is one module in this package.
KINDS: Registry[CheckerKind] = Registry(
    "checker kind", "isac.checkers", {}, error=ScoringError, convention=(__name__, "CHECKER")
)


# Distinct specs number in the thousands (one per rendered format variant), rows in the hundreds of
# thousands: compile each distinct (kind, params) once. `repr` of JSON data is an unambiguous key and
# several times cheaper than canonical JSON; equal params written in another key order merely get a
# second, equivalent entry.
_CACHE_LIMIT = 16384
_compiled: dict[tuple[str, str], CompiledChecker] = {}


def compile_checker(spec: CheckerSpec) -> CompiledChecker:
    """Validate a checker spec once; the result judges any number of responses."""
    key = (spec.kind, repr(spec.params))
    compiled = _compiled.get(key)
    if compiled is None:
        kind = KINDS.get(spec.kind)
        if not isinstance(kind, CheckerKind):
            raise ScoringError(f"checker kind {spec.kind!r}: {KINDS.origin(spec.kind)} is not a CheckerKind")
        compiled = CompiledChecker(kind, kind.parse_params(spec.params))
        if len(_compiled) >= _CACHE_LIMIT:
            _compiled.clear()
        _compiled[key] = compiled
    return compiled


def check(spec: CheckerSpec, response: str | None, subtasks: Sequence[str]) -> CheckResult:
    """Judge `response` against the row's checker; `subtasks` is the row's `subtasks` field."""
    return compile_checker(spec)(response, subtasks)
