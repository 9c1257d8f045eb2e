"""Qwen2.5-Omni (e.g. Qwen/Qwen2.5-Omni-7B), text output only.

The full checkpoint holds a thinker (audio/vision encoders + language model), a talker and a vocoder.
Only the thinker produces text, so `Qwen2_5OmniThinkerForConditionalGeneration` is loaded from the
full checkpoint (its weights sit under `thinker.`); the talker and vocoder are never materialised.
The model card's default system prompt is used, as Qwen recommends for this model.

Its processor bundles image and video processors, which need torchvision even for audio-only input.
"""

from __future__ import annotations

from typing import Any

from isac.runtime.adapters.hf.generation import HFAdapter
from isac.runtime.adapters.hf.prompts import chat_prompt, suppress_placeholders

MODEL_TYPES = ("qwen2_5_omni",)
PLACEHOLDERS = (
    "<|AUDIO|>",
    "<|audio_bos|>",
    "<|audio_eos|>",
    "<|IMAGE|>",
    "<|VIDEO|>",
    "<|vision_bos|>",
    "<|vision_eos|>",
)
DEFAULT_SYSTEM_PROMPT = (
    "You are Qwen, a virtual human developed by the Qwen Team, Alibaba Group, capable of perceiving "
    "auditory and visual inputs, as well as generating text and speech."
)


class Qwen25OmniAdapter(HFAdapter):
    """The Qwen2.5-Omni thinker with the checkpoint's processor."""

    family = "hf-qwen2.5-omni"

    def load_model(self) -> tuple[Any, Any]:
        from transformers import Qwen2_5OmniThinkerForConditionalGeneration

        processor = self.load_processor()
        model = Qwen2_5OmniThinkerForConditionalGeneration.from_pretrained(
            self.checkpoint.source, dtype=self.dtype, device_map=self.device, **self.model_kwargs
        )
        suppress_placeholders(self.generation_config, processor.tokenizer, PLACEHOLDERS)
        return model, processor

    def build_prompt(self, instruction: str) -> str:
        system = self.extra.get("system_prompt") or DEFAULT_SYSTEM_PROMPT
        return chat_prompt(
            self.processor,
            instruction,
            audio_part={"type": "audio", "audio_url": "audio"},
            system_prompt=system,
            fallback=lambda: _chatml(instruction, system),
        )


def _chatml(instruction: str, system_prompt: str) -> str:
    """The Qwen2.5-Omni layout (audio markers inline, no "Audio 1:" label), for template-less folders."""
    return (
        f"<|im_start|>system\n{system_prompt}<|im_end|>\n"
        f"<|im_start|>user\n<|audio_bos|><|AUDIO|><|audio_eos|>{instruction}<|im_end|>\n"
        "<|im_start|>assistant\n"
    )
