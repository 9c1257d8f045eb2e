"""`constant:<text>`: answers every row with the same text (a floor for metrics, a probe for checkers)."""

from __future__ import annotations

from typing import Any

from isac.compiler import __version__
from isac.compiler.errors import RunError
from isac.runtime.adapters.base import AdapterOptions, Generation, GenerationRequest


class ConstantAdapter:
    """Answers `text` to everything; reads no audio."""

    needs_audio = False

    def __init__(self, model_id: str, text: str) -> None:
        self.model_id = model_id
        self.text = text

    def fingerprint(self) -> dict[str, Any]:
        """The answer text is the whole model."""
        return {
            "model_id": self.model_id,
            "adapter": "constant",
            "weights": None,
            "revision": None,
            "generation": {"text": self.text},
            "libraries": {"isac": __version__},
        }

    def generate(self, requests: list[GenerationRequest]) -> list[Generation]:
        """The same response for every request."""
        return [Generation(response=self.text) for _ in requests]

    def close(self) -> None:
        """Nothing to release."""


def create_adapter(model_id: str, options: AdapterOptions) -> ConstantAdapter:
    """Registry factory: `constant:<text>` (the text may be empty: `constant:`)."""
    _scheme, colon, text = model_id.partition(":")
    if not colon:
        raise RunError(
            f"--model {model_id!r}: expected constant:TEXT, the answer given to every row "
            "(write `constant:` to answer the empty string on purpose)"
        )
    return ConstantAdapter(model_id, text)
