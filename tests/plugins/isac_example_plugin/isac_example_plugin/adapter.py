"""`echo-upper:<label>`: answers each row with the oracle's response in upper case; reads no audio.

Deterministic: the response depends only on the row. The label after the colon only names the model.
"""

from __future__ import annotations

from typing import Any

from isac.runtime.adapters.base import AdapterOptions, Generation, GenerationRequest
from isac.runtime.adapters.oracle import oracle_response

SCHEME = "echo-upper"


class EchoUpperAdapter:
    """The oracle's answers, shouted."""

    needs_audio = False

    def __init__(self, model_id: str) -> None:
        self.model_id = model_id

    def fingerprint(self) -> dict[str, Any]:
        """The adapter and its label are the whole model."""
        return {
            "model_id": self.model_id,
            "adapter": SCHEME,
            "weights": None,
            "revision": None,
            "generation": {},
            "libraries": {"isac_example_plugin": "0.1.0"},
        }

    def generate(self, requests: list[GenerationRequest]) -> list[Generation]:
        """One upper-cased oracle response per request (an error record where the oracle has none)."""
        results: list[Generation] = []
        for request in requests:
            try:
                results.append(Generation(response=oracle_response(request.row).upper()))
            except (ValueError, KeyError, TypeError) as error:
                results.append(Generation(response=None, error=f"{SCHEME}: {error}"))
        return results

    def close(self) -> None:
        """Nothing to release."""


def create_adapter(model_id: str, options: AdapterOptions) -> EchoUpperAdapter:
    """Adapter factory for `echo-upper:<label>` (the label may be empty)."""
    return EchoUpperAdapter(model_id)
