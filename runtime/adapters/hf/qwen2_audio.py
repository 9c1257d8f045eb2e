"""Qwen2-Audio (e.g. Qwen/Qwen2-Audio-7B-Instruct): ChatML turns with the audio first, then the
instruction, as the model card's audio-analysis examples do.

The processor expands the single `<|AUDIO|>` placeholder into one token per encoder frame; the
checkpoint's own chat template (or the same layout written out here, when it has none) puts the audio
on an `Audio 1:` line wrapped in `<|audio_bos|>`/`<|audio_eos|>`.
"""

from __future__ import annotations

from typing import Any

from isac.runtime.adapters.hf.generation import HFAdapter
from isac.runtime.adapters.hf.prompts import chat_prompt, suppress_placeholders

MODEL_TYPES = ("qwen2_audio",)
PLACEHOLDERS = ("<|AUDIO|>", "<|audio_bos|>", "<|audio_eos|>")
DEFAULT_SYSTEM_PROMPT = "You are a helpful assistant."


class Qwen2AudioAdapter(HFAdapter):
    """Qwen2AudioForConditionalGeneration with its processor."""

    family = "hf-qwen2-audio"

    def load_model(self) -> tuple[Any, Any]:
        from transformers import Qwen2AudioForConditionalGeneration

        processor = self.load_processor()
        model = Qwen2AudioForConditionalGeneration.from_pretrained(
            self.checkpoint.source, dtype=self.dtype, device_map=self.device, **self.model_kwargs
        )
        suppress_placeholders(self.generation_config, processor.tokenizer, PLACEHOLDERS)
        return model, processor

    def build_prompt(self, instruction: str) -> str:
        system = self.extra.get("system_prompt")
        return chat_prompt(
            self.processor,
            instruction,
            audio_part={"type": "audio", "audio_url": "audio"},
            system_prompt=system,
            fallback=lambda: _chatml(instruction, system or DEFAULT_SYSTEM_PROMPT),
        )


def _chatml(instruction: str, system_prompt: str) -> str:
    """The Qwen2-Audio-Instruct layout, for checkpoints saved without a chat template."""
    return (
        f"<|im_start|>system\n{system_prompt}<|im_end|>\n"
        f"<|im_start|>user\nAudio 1: <|audio_bos|><|AUDIO|><|audio_eos|>\n{instruction}<|im_end|>\n"
        "<|im_start|>assistant\n"
    )
