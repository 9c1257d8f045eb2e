"""Phi-4-multimodal-instruct in transformers' native `phi4_multimodal` format.

Prompts follow the model card: `<|user|><|audio|>{instruction}<|end|><|assistant|>` (the remote-code
release numbered its placeholders `<|audio_1|>`; the native processor uses one `<|audio|>` token,
expanded to the clip's embedding length). The checkpoint's chat template renders this when present.
The processor bundles an image processor that needs torchvision even for audio-only input.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from isac.runtime.adapters.hf.generation import HFAdapter
from isac.runtime.adapters.hf.prompts import chat_prompt, suppress_placeholders

MODEL_TYPES = ("phi4_multimodal",)


class Phi4MultimodalAdapter(HFAdapter):
    """Phi4MultimodalForCausalLM with its processor."""

    family = "hf-phi4-multimodal"

    def load_model(self) -> tuple[Any, Any]:
        from transformers import Phi4MultimodalForCausalLM

        processor = self.load_processor()
        model = Phi4MultimodalForCausalLM.from_pretrained(
            self.checkpoint.source, dtype=self.dtype, device_map=self.device, **self.model_kwargs
        )
        tokenizer = processor.tokenizer
        suppress_placeholders(
            self.generation_config, tokenizer, (tokenizer.audio_token, tokenizer.image_token)
        )
        return model, processor

    def build_prompt(self, instruction: str) -> str:
        system = self.extra.get("system_prompt")
        audio_token = self.processor.tokenizer.audio_token
        return chat_prompt(
            self.processor,
            instruction,
            audio_part={"type": "audio", "audio_url": "audio"},
            system_prompt=system,
            fallback=lambda: _phi_layout(instruction, audio_token, system),
        )

    @property
    def sampling_rate(self) -> int:
        return int(self.processor.audio_processor.sampling_rate)

    def encode(self, prompts: list[str], audios: list[np.ndarray]) -> Any:
        return self.processor(
            text=prompts, audio=audios, sampling_rate=self.sampling_rate, return_tensors="pt", padding=True
        )


def _phi_layout(instruction: str, audio_token: str, system_prompt: str | None) -> str:
    """The Phi-4-multimodal chat layout, for checkpoints saved without a chat template."""
    system = f"<|system|>{system_prompt}<|end|>" if system_prompt else ""
    return f"{system}<|user|>{audio_token}{instruction}<|end|><|assistant|>"
