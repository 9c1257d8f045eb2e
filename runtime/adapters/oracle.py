"""`oracle`: a calibration model that answers every row with its reference, in exactly the asked format.

Run over any manifest it must score IFR 100 and perfect metrics; anything less points at a bug in the
compiler (a checker that cannot be satisfied) or in the scorer. It reads no audio.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

from isac.compiler import __version__
from isac.compiler.errors import RunError, ScoringError
from isac.compiler.rows import CheckerSpec, ManifestRow
from isac.runtime.adapters.base import AdapterOptions, Generation, GenerationRequest
from isac.runtime.scoring.checkers import compile_checker


def reference_answer(row: ManifestRow, subtask: str) -> str:
    """The answer the oracle gives for one subtask: its first reference (a label, a transcript...)."""
    references = row.references.get(subtask)
    if not references:
        raise ValueError(f"row {row.id}: no reference for subtask {subtask}")
    return references[0].strip()


def oracle_response(row: ManifestRow) -> str:
    """The exact response that satisfies `row.checker` and carries the reference answer(s).

    The row's checker kind renders it (`CheckerKind.render`), so every registered kind, built in or from a
    plugin, gets its ideal answer from the same code that judges it.
    """
    try:
        return ideal_response(row.checker, row.references, row.subtasks)
    except (ScoringError, ValueError) as error:
        raise ValueError(f"row {row.id}: {error}") from None


def ideal_response(
    checker_spec: CheckerSpec, references: Mapping[str, Sequence[str]], subtasks: Sequence[str]
) -> str:
    """The response in `checker_spec`'s format carrying each subtask's first reference.

    Shared by the oracle and by training targets (`isac sft`), so both pass the checker that scores.
    Raises ScoringError when the kind cannot render, ValueError when a subtask has no reference.
    """
    checker = compile_checker(checker_spec)
    answers = []
    for subtask in checker.subtask_names(subtasks):
        found = references.get(subtask)
        if not found:
            raise ValueError(f"no reference for subtask {subtask}")
        answers.append(found[0].strip())
    return checker.render(tuple(answers))


class OracleAdapter:
    """The calibration adapter (see module docstring)."""

    needs_audio = False

    def __init__(self, model_id: str = "oracle") -> None:
        self.model_id = model_id

    def fingerprint(self) -> dict[str, Any]:
        """The oracle depends only on the isac version that wrote its answers."""
        return {
            "model_id": self.model_id,
            "adapter": "oracle",
            "weights": None,
            "revision": None,
            "generation": {},
            "libraries": {"isac": __version__},
        }

    def generate(self, requests: list[GenerationRequest]) -> list[Generation]:
        """Answer every request with its reference in the requested format."""
        results: list[Generation] = []
        for request in requests:
            started = time.perf_counter()
            try:
                response = oracle_response(request.row)
            except (ValueError, KeyError, TypeError) as error:
                results.append(Generation(response=None, error=f"oracle: {error}"))
                continue
            results.append(Generation(response=response, latency_s=time.perf_counter() - started))
        return results

    def close(self) -> None:
        """Nothing to release."""


def create_adapter(model_id: str, options: AdapterOptions) -> OracleAdapter:
    """Registry factory: `oracle` (no target)."""
    _scheme, _, target = model_id.partition(":")
    if target:
        raise RunError(f"--model {model_id!r}: the oracle takes no argument; use --model oracle")
    return OracleAdapter(model_id)
