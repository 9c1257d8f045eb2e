"""GPU throughput of `isac exec hf:` against a bare batched `generate` loop over the same rows.

On a GPU: a *full-size* Qwen2-Audio-7B configuration (transformers' Qwen2AudioConfig defaults: a
Whisper-large-v3-sized audio encoder and a 7B Qwen2 decoder) with random weights built directly on the
GPU in bfloat16, no download; the tokenizer and processor are the tiny checkpoint's (ids stay inside the
full vocabulary). On the CPU (or with --tiny) the tiny random Qwen2-Audio checkpoint, so CI keeps the
script working. Both paths answer the same rows with a fixed number of new tokens (min = max, so every
row generates exactly that many): isac through its engine and Qwen2-Audio adapter (audio loading,
prompting, batching, records written to a real results log), bare through processor + generate +
batch_decode in a plain loop. Printed per batch size: rows/s, new tokens/s, peak GPU memory, isac/bare.

    .venv/bin/python benchmarks/bench_gpu_throughput.py [--rows 64] [--batch-sizes 1,8,32]
        [--new-tokens 32] [--tiny]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "runtime"))

from exec_helpers import row, write_tone  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=64)
    parser.add_argument("--batch-sizes", default="1,8,32")
    parser.add_argument("--new-tokens", type=int, default=32)
    parser.add_argument("--tiny", action="store_true", help="the tiny config even on a GPU")
    args = parser.parse_args()

    import torch

    from isac.runtime.adapters.base import AdapterOptions, GenerationRequest
    from isac.runtime.adapters.hf.checkpoint import CheckpointRef
    from isac.runtime.adapters.hf.qwen2_audio import Qwen2AudioAdapter
    from isac.runtime.audio import load_audio
    from isac.runtime.execution.engine import WorkItem, run_engine
    from isac.runtime.execution.selection import SelectedRow
    from isac.runtime.results import ResultLog
    from isac.runtime.tiny_models import build_tiny_qwen2_audio

    gpu = torch.cuda.is_available() and not args.tiny
    device = "cuda" if gpu else "cpu"
    with tempfile.TemporaryDirectory(prefix="isac-bench-gpu-") as scratch:
        root = Path(scratch)
        checkpoint = build_tiny_qwen2_audio(root / "tiny", seed=0)
        rows = [row(i, instruction=f"Transcribe the audio, please ({i}).") for i in range(args.rows)]
        for index, item in enumerate(rows):  # 2 to 8 s of audio, like LibriSpeech utterances
            write_tone(root / "data" / item.audio, seconds=2.0 + (index % 7))
        options = AdapterOptions(device=device, dtype="bfloat16" if gpu else "float32",
                                 max_new_tokens=args.new_tokens)  # fmt: skip
        adapter = Qwen2AudioAdapter(f"hf:{checkpoint}", CheckpointRef(str(checkpoint), checkpoint), options)
        if gpu:
            _load_full_size_random(adapter)
        adapter.load()
        adapter.generation_config.min_new_tokens = args.new_tokens  # every row generates exactly N tokens
        model, processor = adapter.model, adapter.processor
        params = sum(parameter.numel() for parameter in model.parameters())
        what = "full-size Qwen2-Audio-7B config, random bf16 weights" if gpu else "tiny Qwen2-Audio (CPU)"
        print(f"{what}: {params / 1e9:.2f} B parameters on {device}; {args.rows} rows, "
              f"{args.new_tokens} new tokens each")  # fmt: skip
        header = ("batch", "isac r/s", "bare r/s", "isac tok/s", "bare tok/s", "peak GiB", "isac/bare")
        print("  ".join(f"{name:>10}" for name in header))
        items = [WorkItem(SelectedRow(item, "0" * 64)) for item in rows]
        for batch_size in [int(value) for value in args.batch_sizes.split(",")]:
            _warm(adapter, root, rows[:batch_size])
            if gpu:
                torch.cuda.reset_peak_memory_stats()
            with ResultLog.open(root / f"results-{batch_size}.jsonl") as log:
                started = time.perf_counter()
                counts = run_engine(items, adapter, log, data_root=root / "data", batch_size=batch_size)
                isac_s = time.perf_counter() - started
            if counts.errors:
                print(f"isac: {counts.errors} error records", file=sys.stderr)
                return 1
            started = time.perf_counter()
            generated = _bare(adapter, model, processor, root, rows, batch_size, load_audio, torch)
            bare_s = time.perf_counter() - started
            peak = torch.cuda.max_memory_allocated() / 2**30 if gpu else float("nan")
            tokens = args.rows * args.new_tokens
            figures = (args.rows / isac_s, args.rows / bare_s, tokens / isac_s, generated / bare_s, peak)
            print(f"{batch_size:>10}  " + "  ".join(f"{value:>10.2f}" for value in figures)
                  + f"  {isac_s / bare_s:>10.2f}")  # fmt: skip
        del GenerationRequest
    return 0


def _load_full_size_random(adapter: object) -> None:
    """Make the adapter load a full-size Qwen2-Audio-7B with random weights built on the GPU."""
    import torch
    from transformers import Qwen2AudioConfig, Qwen2AudioForConditionalGeneration

    base_load = adapter.load_model  # type: ignore[attr-defined]

    def load_model() -> tuple[object, object]:
        _tiny, processor = base_load()
        config = Qwen2AudioConfig()  # the 7B layout
        config.audio_token_index = _tiny.config.audio_token_index
        with torch.device("cuda"):
            torch.set_default_dtype(torch.bfloat16)
            model = Qwen2AudioForConditionalGeneration(config)
            torch.set_default_dtype(torch.float32)
        del _tiny
        return model, processor

    adapter.load_model = load_model  # type: ignore[attr-defined]


def _warm(adapter: object, root: Path, rows: list) -> None:
    from isac.runtime.adapters.base import GenerationRequest

    adapter.generate([GenerationRequest(row=item, audio_path=root / "data" / item.audio) for item in rows])  # type: ignore[attr-defined]


def _bare(adapter, model, processor, root, rows, batch_size, load_audio, torch) -> int:  # type: ignore[no-untyped-def]
    """The loop a researcher would write by hand; returns the number of new tokens generated."""
    rate = processor.feature_extractor.sampling_rate
    generated = 0
    for start in range(0, len(rows), batch_size):
        batch = rows[start : start + batch_size]
        prompts = [adapter.build_prompt(item.instruction) for item in batch]
        audios = [load_audio(root / "data" / item.audio, rate) for item in batch]
        inputs = processor(text=prompts, audio=audios, sampling_rate=rate, return_tensors="pt", padding=True)
        inputs = inputs.to(adapter.device, dtype=adapter.dtype)
        with torch.inference_mode():
            output = model.generate(**inputs, generation_config=adapter.generation_config)
        new = output[:, inputs["input_ids"].shape[1] :]
        processor.batch_decode(new, skip_special_tokens=True)
        generated += new.numel()
    return generated


if __name__ == "__main__":
    sys.exit(main())
