"""`oracle`: a calibration model that answers every row with its reference, in exactly the asked format.

Run over any manifest it must score IFR 100 and perfect metrics; anything less points at a bug in the
compiler (a checker that cannot be satisfied) or in the scorer. It reads no audio.
"""

from __future__ import annotations

import json
import time
from typing import Any

from isac.compiler import __version__
from isac.compiler.errors import RunError
from isac.compiler.rows import ManifestRow
from isac.runtime.adapters.base import AdapterOptions, Generation, GenerationRequest

# Quote characters a checker strips in pairs from an extracted answer (see scoring/checkers/textutil).
_QUOTES = {'"': '"', "'": "'", "`": "`", "\u201c": "\u201d", "\u2018": "\u2019", "\u00ab": "\u00bb"}
_QUOTES.update({"\u300c": "\u300d", "\u300e": "\u300f"})


def reference_answer(row: ManifestRow, subtask: str) -> str:
    """The answer the oracle gives for one subtask: its first reference (a label, a transcript...)."""
    references = row.references.get(subtask)
    if not references:
        raise ValueError(f"row {row.id}: no reference for subtask {subtask}")
    return references[0].strip()


def oracle_response(row: ManifestRow) -> str:
    """The exact response that satisfies `row.checker` and carries the reference answer(s)."""
    params: dict[str, Any] = row.checker.params
    kind = row.checker.kind
    if kind in ("separator", "json_keys"):
        subtasks = list(params.get("subtasks") or row.subtasks)
        answers = [reference_answer(row, subtask) for subtask in subtasks]
        if kind == "separator":
            return str(params["separator"]).join(answers)
        return json.dumps(dict(zip(params["keys"], answers, strict=True)), ensure_ascii=False)

    answer = reference_answer(row, row.subtasks[0])
    if kind == "prefix":
        text = str(params["text"])
        return text + ("" if text[-1:].isspace() else " ") + _quote_safe(answer)
    if kind == "suffix":
        text = str(params["text"])
        return answer + ("" if text[:1].isspace() else " ") + text
    if kind == "wrap":
        return f"{params['left']}{answer}{params['right']}"
    if kind == "json_key":
        return json.dumps({params["key"]: answer}, ensure_ascii=False)
    if kind == "upper_case":
        return answer.upper()
    if kind == "lower_case":
        return answer.lower()
    if kind in ("label", "text"):
        # `text` forbids phrases such as "the transcription is"; the reference is the answer even in the
        # unlikely case it contains one (the checker then measures the reference, not the oracle).
        return answer
    raise ValueError(f"row {row.id}: unknown checker kind {kind!r}")


def _quote_safe(answer: str) -> str:
    """Protect an answer that is itself quoted from the checker's outer-quote stripping."""
    if len(answer) >= 2 and _QUOTES.get(answer[0]) == answer[-1]:
        return f'"{answer}"'
    return answer


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
