"""Fine-tune an `hf:` checkpoint on an SFT corpus with transformers' Trainer (optional LoRA via peft).

The prompt of every example is built by the very adapter `isac exec --model hf:PATH` uses
(`HFAdapter.build_prompt`: chat template, audio placeholder, instruction), so the model is trained on
exactly what it will see at test time; the loss covers only the target response and its end-of-turn
token. With LoRA the adapters are merged into the weights before saving, so the output folder is a
plain checkpoint that `isac exec --model hf:OUT` runs without peft.

Supported families: Qwen2-Audio (the adapter family whose processor takes `text=` + `audio=` and
returns `input_features` + `feature_attention_mask`).
"""

from __future__ import annotations

import json
import math
import random
import shutil
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from isac.compiler.errors import RunError
from isac.compiler.training.corpus import SFT_LOCK, read_corpus

TRAIN_INFO = "isac-sft-train.json"
IGNORE = -100  # label id the loss skips


@dataclass(frozen=True)
class TrainConfig:
    """Options of one fine-tuning run (the command-line flags)."""

    model: str  # hf:PATH
    corpus: Path
    out: Path
    data_root: Path
    steps: int = 300
    batch_size: int = 8
    learning_rate: float = 1e-3
    lora: bool = False
    lora_rank: int = 8
    lora_alpha: int = 16
    lora_targets: tuple[str, ...] = ("q_proj", "k_proj", "v_proj", "o_proj")
    seed: int = 0
    limit: int | None = None  # use only the first N examples
    max_target_tokens: int = 96
    device: str = "cpu"
    log_every: int = 25
    threads: int | None = None  # torch CPU threads; 1 is fastest for tiny models on a busy machine


@dataclass
class TrainResult:
    """What a run did: steps, examples, the loss curve (every log_every steps) and where it wrote."""

    out: Path
    steps: int
    examples: int
    trainable_parameters: int
    losses: list[tuple[int, float]] = field(default_factory=list)


def _adapter(config: TrainConfig) -> Any:
    from isac.runtime.adapters.base import AdapterOptions
    from isac.runtime.adapters.hf import build_hf_adapter
    from isac.runtime.adapters.hf.qwen2_audio import Qwen2AudioAdapter

    if not config.model.startswith("hf:"):
        raise RunError(f"--model {config.model!r}: sft-train fine-tunes hf:PATH checkpoints only")
    adapter = build_hf_adapter(
        config.model.removeprefix("hf:"), AdapterOptions(device=config.device, dtype="float32")
    )
    if not isinstance(adapter, Qwen2AudioAdapter):
        raise RunError(
            f"--model {config.model!r}: sft-train supports the Qwen2-Audio family so far "
            f"(this checkpoint is {adapter.family})"
        )
    adapter.load()
    return adapter


class _Examples:
    """Tokenised examples: prompt (from the adapter) + audio features, then target tokens as labels."""

    def __init__(
        self, adapter: Any, examples: Sequence[dict[str, Any]], data_root: Path, max_target: int
    ) -> None:
        from isac.runtime.audio import load_audio

        self.items: list[dict[str, Any]] = []
        processor = adapter.processor
        tokenizer = processor.tokenizer
        end = tokenizer.convert_tokens_to_ids("<|im_end|>")
        for example in examples:
            samples = load_audio(data_root / example["audio"], adapter.sampling_rate)
            prompt = adapter.build_prompt(example["instruction"])
            encoded = processor(
                text=[prompt], audio=[samples], sampling_rate=adapter.sampling_rate, return_tensors="pt"
            )
            target = [*tokenizer(example["target"], add_special_tokens=False)["input_ids"][:max_target], end]
            prompt_ids = encoded["input_ids"][0].tolist()
            self.items.append(
                {
                    "input_ids": prompt_ids + target,
                    "labels": [IGNORE] * len(prompt_ids) + target,
                    "input_features": encoded["input_features"][0],
                    "feature_attention_mask": encoded["feature_attention_mask"][0],
                }
            )

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int) -> dict[str, Any]:
        return self.items[index]


def _collate(pad_id: int) -> Any:
    import torch

    def collate(batch: list[dict[str, Any]]) -> dict[str, Any]:
        width = max(len(item["input_ids"]) for item in batch)
        ids, labels, mask = [], [], []
        for item in batch:
            pad = width - len(item["input_ids"])
            ids.append(item["input_ids"] + [pad_id] * pad)
            labels.append(item["labels"] + [IGNORE] * pad)
            mask.append([1] * len(item["input_ids"]) + [0] * pad)
        return {
            "input_ids": torch.tensor(ids),
            "labels": torch.tensor(labels),
            "attention_mask": torch.tensor(mask),
            "input_features": torch.stack([item["input_features"] for item in batch]),
            "feature_attention_mask": torch.stack([item["feature_attention_mask"] for item in batch]),
        }

    return collate


def train(config: TrainConfig) -> TrainResult:
    """Fine-tune and save a checkpoint under `config.out` (see the module docstring)."""
    import torch
    from transformers import Trainer, TrainerCallback, TrainingArguments

    examples = list(read_corpus(config.corpus))
    if config.limit is not None:
        examples = examples[: config.limit]
    if not examples:
        raise RunError(f"{config.corpus}: the corpus holds no examples")
    random.seed(config.seed)
    torch.manual_seed(config.seed)
    if config.threads is not None:
        torch.set_num_threads(config.threads)
    adapter = _adapter(config)
    model, processor = adapter.model, adapter.processor
    tokenizer = processor.tokenizer
    tokenizer.padding_side = "right"
    dataset = _Examples(adapter, examples, config.data_root, config.max_target_tokens)
    if config.lora:
        try:
            from peft import LoraConfig, get_peft_model
        except ImportError:
            raise RunError("--lora needs peft: pip install 'isac[sft]'") from None
        lora = LoraConfig(
            r=config.lora_rank,
            lora_alpha=config.lora_alpha,
            target_modules=list(config.lora_targets),
            lora_dropout=0.0,
            bias="none",
        )
        model = get_peft_model(model, lora)
    model.train()
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    losses: list[tuple[int, float]] = []

    class _Losses(TrainerCallback):
        def on_log(
            self, args: Any, state: Any, control: Any, logs: dict[str, float] | None = None, **_: Any
        ) -> None:
            if logs and "loss" in logs:
                losses.append((int(state.global_step), float(logs["loss"])))

    staging = config.out.with_name(f".{config.out.name}.training")
    shutil.rmtree(staging, ignore_errors=True)
    arguments = TrainingArguments(
        output_dir=str(staging),
        max_steps=config.steps,
        per_device_train_batch_size=config.batch_size,
        learning_rate=config.learning_rate,
        lr_scheduler_type="cosine",
        warmup_steps=max(1, config.steps // 20),
        weight_decay=0.0,
        logging_steps=config.log_every,
        save_strategy="no",
        report_to=[],
        seed=config.seed,
        data_seed=config.seed,
        use_cpu=config.device == "cpu",
        dataloader_num_workers=0,
        remove_unused_columns=False,
        disable_tqdm=True,
    )
    trainer = Trainer(
        model=model,
        args=arguments,
        train_dataset=dataset,
        data_collator=_collate(tokenizer.pad_token_id),
        callbacks=[_Losses()],
    )
    trainer.train()
    if config.lora:
        model = model.merge_and_unload()
    model.eval()
    shutil.rmtree(staging, ignore_errors=True)
    # written to a partial folder and renamed, so OUT is never a half checkpoint
    partial = config.out.with_name(f".{config.out.name}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    model.save_pretrained(partial)
    tokenizer.padding_side = "left"
    processor.save_pretrained(partial)
    adapter.generation_config.save_pretrained(partial)
    result = TrainResult(config.out, config.steps, len(examples), trainable, losses)
    info = {
        "base_model": config.model,
        "corpus": str(config.corpus),
        "corpus_lock": _corpus_lock(config.corpus),
        "config": {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(config).items()},
        "trainable_parameters": trainable,
        "losses": losses,
        "final_loss": losses[-1][1] if losses else math.nan,
    }
    (partial / TRAIN_INFO).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    shutil.rmtree(config.out, ignore_errors=True)
    partial.replace(config.out)
    adapter.close()
    return result


def _corpus_lock(corpus: Path) -> dict[str, Any] | None:
    path = corpus / SFT_LOCK
    if not path.is_file():
        return None
    lock = json.loads(path.read_text(encoding="utf-8"))
    return {key: lock.get(key) for key in ("corpus", "seed", "size", "spec_sha256", "disjoint")}
