"""The model adapter interface: build from a model string, fingerprint, generate a batch."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from isac.compiler.errors import RunError
from isac.compiler.rows import ManifestRow

# Defaults of the API adapters' fail-fast limits (here so the CLI can show them without importing adapters).
DEFAULT_MAX_ROW_TIME_S = 300.0
DEFAULT_MAX_CONNECTION_FAILURES = 10


class AbortRun(RunError):
    """Raised by an adapter when going on is pointless (e.g. the endpoint keeps refusing connections).

    The engine does not turn it into an error record: it stops the run, keeping the records written so
    far, and the rows not answered run on the next (resumed) invocation.
    """


@dataclass(frozen=True)
class GenerationRequest:
    """One row to answer, with its audio resolved against the data root."""

    row: ManifestRow
    audio_path: Path


@dataclass(frozen=True)
class Generation:
    """A model's answer to one request, or the error that prevented it."""

    response: str | None
    error: str | None = None
    latency_s: float = 0.0
    prompt_tokens: int | None = None
    completion_tokens: int | None = None


@dataclass(frozen=True)
class AdapterOptions:
    """Options common to every adapter; adapters ignore what does not apply to them."""

    device: str = "auto"  # "auto" picks CUDA when present
    dtype: str = "auto"
    max_new_tokens: int = 256
    temperature: float = 0.0  # 0 means greedy decoding
    base_url: str | None = None
    base_urls: tuple[str, ...] = ()  # several endpoints of one served model (openai:); base_url unused then
    api_key_env: str = "OPENAI_API_KEY"
    timeout_s: float = 120.0
    max_retries: int = 5
    extra: tuple[tuple[str, Any], ...] = ()
    # -M key=value (model loading) and -G key=value (generation), sorted by key; see adapters/arguments.py
    model_args: tuple[tuple[str, Any], ...] = ()
    generation_args: tuple[tuple[str, Any], ...] = ()


class ModelAdapter(Protocol):
    """What the execution engine needs from a model."""

    model_id: str  # the model string as the user gave it

    def fingerprint(self) -> dict[str, Any]:
        """Adapter, weights, revision, generation settings and library versions (see docs/contracts.md)."""
        ...

    def generate(self, requests: list[GenerationRequest]) -> list[Generation]:
        """Answer a batch; one Generation per request, in order. Per-row failures become errors."""
        ...

    def close(self) -> None:
        """Release processes, sessions or GPU memory."""
        ...
