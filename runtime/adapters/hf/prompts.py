"""Prompt helpers shared by the families: chat-template rendering and placeholder suppression."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any


def chat_prompt(
    processor: Any,
    instruction: str,
    audio_part: dict[str, str],
    system_prompt: str | None,
    fallback: Callable[[], str],
) -> str:
    """Render one user turn (the audio, then the instruction) with the checkpoint's chat template.

    `audio_part` is the content item the family's template recognises as audio; the text is only
    rendered (never tokenised here), so the audio itself is not loaded by the template. Checkpoints
    without a template get `fallback()`, the family's documented layout.
    """
    conversation: list[dict[str, Any]] = []
    if system_prompt:
        conversation.append({"role": "system", "content": [{"type": "text", "text": system_prompt}]})
    conversation.append({"role": "user", "content": [audio_part, {"type": "text", "text": instruction}]})
    # Some processors (Phi-4's) do not keep the template themselves; their tokenizer does.
    for owner in (processor, getattr(processor, "tokenizer", None)):
        if owner is not None and getattr(owner, "chat_template", None):
            return owner.apply_chat_template(conversation, add_generation_prompt=True, tokenize=False)
    return fallback()


def suppress_placeholders(generation_config: Any, tokenizer: Any, tokens: Sequence[str]) -> None:
    """Forbid generating multimodal placeholder tokens: `generate` would treat them as inputs."""
    unknown = tokenizer.unk_token_id
    ids = [tokenizer.convert_tokens_to_ids(token) for token in tokens]
    wanted = [token_id for token_id in ids if token_id is not None and token_id != unknown]
    current = list(generation_config.suppress_tokens or [])
    generation_config.suppress_tokens = current + [token_id for token_id in wanted if token_id not in current]
