"""`build_hf_adapter`: dispatch on the checkpoint's model_type and option validation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from isac.compiler.errors import RunError
from isac.runtime.adapters.base import AdapterOptions

pytest.importorskip("torch")
pytest.importorskip("transformers")

from isac.runtime.adapters.hf import FAMILIES, build_hf_adapter, family_for


def test_every_family_is_registered_for_its_model_type() -> None:
    assert family_for("qwen2_audio").name == "Qwen2-Audio"
    assert family_for("qwen2_5_omni").name == "Qwen2.5-Omni"
    assert family_for("phi4_multimodal").name == "Phi-4-multimodal"
    assert family_for("bert") is None
    assert len({family.module for family in FAMILIES}) == len(FAMILIES)


def test_unknown_model_type_lists_supported_families(tmp_path: Path) -> None:
    from transformers import BertConfig

    BertConfig(hidden_size=8, num_hidden_layers=1, num_attention_heads=2).save_pretrained(tmp_path)
    with pytest.raises(RunError, match="model_type 'bert' is not supported") as caught:
        build_hf_adapter(str(tmp_path), AdapterOptions())
    for name in ("Qwen2-Audio", "Qwen2.5-Omni", "Phi-4-multimodal"):
        assert name in str(caught.value)


def test_remote_code_phi4_layout_gets_a_conversion_hint(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "phi4mm"}), encoding="utf-8")
    with pytest.raises(RunError, match=r"'phi4mm' is not supported.*phi4_multimodal"):
        build_hf_adapter(str(tmp_path), AdapterOptions())


def test_unreadable_config_is_a_run_error(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(RunError, match="cannot read the checkpoint's config"):
        build_hf_adapter(str(tmp_path), AdapterOptions())


def test_uncached_hub_id_offline_is_a_run_error() -> None:
    with pytest.raises(RunError, match="isac-tests/no-such-model"):
        build_hf_adapter("isac-tests/no-such-model", AdapterOptions())


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (AdapterOptions(dtype="float8"), "--dtype 'float8'"),
        (AdapterOptions(device="tpu:0:1"), "--device 'tpu:0:1'"),
        (AdapterOptions(max_new_tokens=0), "max_new_tokens must be positive"),
    ],
)
def test_bad_options_are_run_errors(tiny_qwen2_audio: Path, options: AdapterOptions, message: str) -> None:
    with pytest.raises(RunError, match=message):
        build_hf_adapter(str(tiny_qwen2_audio), options)


def test_auto_device_and_dtype_on_this_machine(tiny_qwen2_audio: Path) -> None:
    import torch

    adapter = build_hf_adapter(str(tiny_qwen2_audio), AdapterOptions())
    expected_device = "cuda" if torch.cuda.is_available() else "cpu"
    assert adapter.device == expected_device
    if expected_device == "cpu":
        assert adapter.dtype == torch.float32
