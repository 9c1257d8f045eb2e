"""Adapters for transformers checkpoints, chosen by the model string `hf:<folder or hub id>`.

`build_hf_adapter` reads the checkpoint's config and hands it to the family module registered for its
`model_type`. Family modules import torch and transformers, so this package is imported only when an
`hf:` model is asked for.
"""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass
from pathlib import Path

from isac.compiler.errors import RunError
from isac.runtime.adapters.base import AdapterOptions, ModelAdapter
from isac.runtime.adapters.hf.checkpoint import resolve_checkpoint


@dataclass(frozen=True)
class Family:
    """A supported model family: its adapter class and the config model_types it answers to."""

    name: str
    module: str
    adapter_class: str
    model_types: tuple[str, ...]


FAMILIES: tuple[Family, ...] = (
    Family("Qwen2-Audio", "isac.runtime.adapters.hf.qwen2_audio", "Qwen2AudioAdapter", ("qwen2_audio",)),
    Family("Qwen2.5-Omni", "isac.runtime.adapters.hf.qwen2_5_omni", "Qwen25OmniAdapter", ("qwen2_5_omni",)),
    Family(
        "Phi-4-multimodal",
        "isac.runtime.adapters.hf.phi4_multimodal",
        "Phi4MultimodalAdapter",
        ("phi4_multimodal",),
    ),
)

# model_types of checkpoints that need a conversion before transformers' own classes can load them.
_NEEDS_CONVERSION = {
    "phi4mm": "this is the remote-code Phi-4-multimodal layout; use a checkpoint converted to "
    "transformers' phi4_multimodal format (model_type 'phi4_multimodal')",
}


def supported_families() -> str:
    """A one-line list of families and their model_types, for error messages and help."""
    return "; ".join(f"{family.name} ({', '.join(family.model_types)})" for family in FAMILIES)


def family_for(model_type: str) -> Family | None:
    """The family registered for a config's model_type, if any."""
    return next((family for family in FAMILIES if model_type in family.model_types), None)


def _raw_model_type(local_dir: Path | None) -> str | None:
    """model_type straight from config.json, for configs transformers cannot parse."""
    if local_dir is None:
        return None
    try:
        value = json.loads((local_dir / "config.json").read_text(encoding="utf-8")).get("model_type")
    except (OSError, ValueError, AttributeError):
        return None
    return value if isinstance(value, str) else None


def build_hf_adapter(model_path: str, options: AdapterOptions) -> ModelAdapter:
    """Build the adapter for `hf:<model_path>`; weights load lazily on the first batch (or `load()`).

    Raises RunError when the checkpoint cannot be found or its model_type is not supported.
    """
    try:
        from transformers import AutoConfig
    except ImportError as error:
        raise RunError(
            f"hf:{model_path}: transformers checkpoints need torch and transformers; "
            "install them with `pip install 'isac[models]'`"
        ) from error

    checkpoint = resolve_checkpoint(model_path)
    try:
        model_type = getattr(AutoConfig.from_pretrained(checkpoint.source), "model_type", "") or ""
    except (OSError, ValueError, KeyError) as error:
        # transformers refuses configs of model types it does not know; name the type if we can read it.
        model_type = _raw_model_type(checkpoint.local_dir)
        if model_type is None:
            raise RunError(f"hf:{model_path}: cannot read the checkpoint's config ({error})") from error
    family = family_for(model_type)
    if family is None:
        hint = _NEEDS_CONVERSION.get(model_type, "")
        raise RunError(
            f"hf:{model_path}: model_type {model_type!r} is not supported"
            + (f" ({hint})" if hint else "")
            + f"; supported families: {supported_families()}"
        )
    adapter_class = getattr(importlib.import_module(family.module), family.adapter_class)
    return adapter_class(model_path, checkpoint, options)
