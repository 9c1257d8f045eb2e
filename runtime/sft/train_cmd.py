"""`isac sft-train --model hf:PATH --corpus SFT_DIR --out DIR`: fine-tune a checkpoint on an SFT corpus.

Writes a plain checkpoint (LoRA merged) that `isac exec --model hf:DIR` runs. Needs the models extra
(torch, transformers, accelerate) and, for --lora, the sft extra (peft).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from isac.compiler.commands.compile import resolve_data_root

HELP = "Fine-tune an hf: checkpoint (Qwen2-Audio family) on an isac sft corpus, optionally with LoRA."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """--model, --corpus, --out, --data-root and the training knobs."""
    parser.add_argument("--model", required=True, help="hf:PATH of the base checkpoint")
    parser.add_argument("--corpus", type=Path, required=True, help="corpus folder written by isac sft")
    parser.add_argument("--out", type=Path, required=True, help="folder of the fine-tuned checkpoint")
    parser.add_argument("--data-root", type=Path, help="datasets folder (default: as for isac compile)")
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--learning-rate", type=float, default=1e-3)
    parser.add_argument("--lora", action="store_true", help="train LoRA adapters (merged before saving)")
    parser.add_argument("--lora-rank", type=int, default=8)
    parser.add_argument("--limit", type=int, help="use only the first N examples")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--device", default="cpu", help="cpu or cuda")
    parser.add_argument("--threads", type=int, help="torch CPU threads (1 is fastest for tiny models)")


def run(args: argparse.Namespace) -> int:
    """Train, then print the loss curve and where the checkpoint is."""
    from isac.runtime.demo import default_spec_dir
    from isac.runtime.sft.train import TrainConfig, train

    result = train(
        TrainConfig(
            model=args.model,
            corpus=args.corpus,
            out=args.out,
            data_root=resolve_data_root(args.data_root, default_spec_dir()),
            steps=args.steps,
            batch_size=args.batch_size,
            learning_rate=args.learning_rate,
            lora=args.lora,
            lora_rank=args.lora_rank,
            limit=args.limit,
            seed=args.seed,
            device=args.device,
            threads=args.threads,
        )
    )
    curve = ", ".join(f"{step}: {loss:.3f}" for step, loss in result.losses)
    trainable = result.trainable_parameters
    print(f"trained {result.steps} steps on {result.examples} examples ({trainable} trainable parameters)")
    print(f"loss by step: {curve}")
    print(f"wrote {result.out}; run it with: isac exec MANIFESTS --model hf:{result.out} --out RUN_DIR")
    return 0
