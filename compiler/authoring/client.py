"""Chat requests for `isac author`, through the `openai:` adapter's client.

`ChatClient` reuses `OpenAICompatAdapter` as it is: the same POST, retries with backoff on 429/5xx and
dropped connections, `Retry-After`, API key read from an environment variable into memory only and
scrubbed from error messages. It only replaces the request body: a text-only chat message instead of a
manifest row with audio. Nothing is sent unless the user passes an endpoint.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from isac.compiler.errors import IsacError
from isac.runtime.adapters.base import AdapterOptions
from isac.runtime.adapters.openai_compat import OpenAICompatAdapter, RetryPolicy


@dataclass(frozen=True)
class ChatRequest:
    """One text-only chat turn (stands where the adapter expects a GenerationRequest)."""

    prompt: str
    seed: int | None


class ChatClient(OpenAICompatAdapter):
    """A text-only chat client for one model on one endpoint."""

    needs_audio = False

    def __init__(
        self, endpoint: str, model: str, *, temperature: float, max_tokens: int, api_key_env: str,
        timeout_s: float, max_retries: int, backoff_s: float = 1.0,
    ) -> None:  # fmt: skip
        options = AdapterOptions(
            base_url=endpoint, api_key_env=api_key_env, temperature=temperature, max_new_tokens=max_tokens,
            timeout_s=timeout_s, max_retries=max_retries,
        )  # fmt: skip
        super().__init__(
            f"openai:{model}", model, options, retry=RetryPolicy(max_retries=max_retries, backoff_s=backoff_s)
        )

    def _body(self, request: ChatRequest) -> bytes:  # type: ignore[override]
        """A text-only chat request body (the adapter's own body carries a row's instruction and audio)."""
        payload: dict[str, object] = {
            "model": self.model_name,
            "messages": [{"role": "user", "content": [{"type": "text", "text": request.prompt}]}],
            "max_tokens": self.options.max_new_tokens,
            "temperature": self.options.temperature,
        }
        if request.seed is not None:
            payload["seed"] = request.seed
        return json.dumps(payload, ensure_ascii=False).encode("utf-8")

    def ask(self, prompt: str, seed: int | None) -> str:
        """The reply text; an `IsacError` naming the endpoint when the request fails for good."""
        generation = self._answer(ChatRequest(prompt, seed))  # type: ignore[arg-type]
        if generation.response is None:
            raise IsacError(f"{self.url}: {generation.error}")
        return generation.response
