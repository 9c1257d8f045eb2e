"""Overhead of `isac exec` with an `hf:` model over a bare transformers loop doing the same work.

Both sides run in this process on the same tiny random Qwen2-Audio checkpoint, the same rows, the same
batch size and max_new_tokens, with greedy decoding (so both generate exactly the same tokens), and
both have the model loaded before the clock starts:

* bare: for each batch, read the audio files (soundfile + the same resampling), render the chat
  template, run the processor, `model.generate`, decode the new tokens. Nothing is written.
* isac: `isac.runtime.execution.runner.execute` (what `isac exec` calls) with a pre-loaded adapter:
  manifest reading and validation, run directory + fingerprint, result records appended to
  results.jsonl, plus the adapter's own bookkeeping (token counts, per-row error isolation).

Rounds alternate bare/isac to share any drift in machine load; the best round of each is reported.
Usage: .venv/bin/python benchmarks/bench_exec_overhead.py [--rows 96] [--batch-size 8] [--max-new-tokens 48]
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

import numpy as np
import soundfile

from isac.compiler.manifests import write_rows_jsonl
from isac.compiler.rows import CheckerSpec, ManifestRow, make_row
from isac.runtime.adapters.base import AdapterOptions
from isac.runtime.audio import load_audio

INSTRUCTIONS = (
    "Transcribe the audio.",
    "What is the emotion of the speaker? Answer with one word: happy, sad, angry or neutral.",
    "Is the speaker male or female? Answer in lower case.",
    "Describe the sound in one sentence. Begin with 'The audio caption is:'.",
)


def write_rows(root: Path, count: int) -> list[ManifestRow]:
    """`count` rows over 0.5-1.5 s noise clips at 16 kHz, cycling through the instructions."""
    rng = np.random.default_rng(0)
    rows = []
    for index in range(count):
        name = f"audio/clip{index:04d}.wav"
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        seconds = 0.5 + (index % 5) * 0.25
        soundfile.write(
            root / name, (0.1 * rng.standard_normal(int(16_000 * seconds))).astype(np.float32), 16_000
        )
        rows.append(
            make_row(
                dimension="D",
                variation_class="D1",
                variant="default",
                task="ASR",
                subtasks=("ASR",),
                dataset="bench",
                item_id=f"clip{index:04d}",
                audio=name,
                instruction=INSTRUCTIONS[index % len(INSTRUCTIONS)],
                references={"ASR": ("x",)},
                checker=CheckerSpec(kind="text", params={"forbidden": []}),
            )
        )
    return rows


def bare_loop(
    model, processor, rows: list[ManifestRow], root: Path, batch_size: int, max_new_tokens: int
) -> int:
    """The minimal hand-written equivalent; returns the number of generated token positions."""
    import torch

    rate = processor.feature_extractor.sampling_rate
    generated = 0
    for start in range(0, len(rows), batch_size):
        batch = rows[start : start + batch_size]
        audios = [load_audio(root / row.audio, rate) for row in batch]
        prompts = [
            processor.apply_chat_template(
                [
                    {
                        "role": "user",
                        "content": [
                            {"type": "audio", "audio_url": "a"},
                            {"type": "text", "text": r.instruction},
                        ],
                    }
                ],
                add_generation_prompt=True,
                tokenize=False,
            )
            for r in batch
        ]
        inputs = processor(text=prompts, audio=audios, sampling_rate=rate, return_tensors="pt", padding=True)
        with torch.inference_mode():
            output = model.generate(**inputs, max_new_tokens=max_new_tokens, do_sample=False)
        new_tokens = output[:, inputs["input_ids"].shape[1] :]
        processor.batch_decode(new_tokens, skip_special_tokens=True)
        generated += new_tokens.numel()
    return generated


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=96)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--max-new-tokens", type=int, default=48)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--checkpoint", type=Path, default=None, help="an hf checkpoint (default: tiny)")
    args = parser.parse_args()

    import torch

    from isac.runtime.adapters.hf import build_hf_adapter
    from isac.runtime.execution.runner import ExecConfig, execute
    from isac.runtime.tiny_models import build_tiny_qwen2_audio

    with tempfile.TemporaryDirectory(prefix="isac-bench-") as scratch:
        work = Path(scratch)
        started = time.perf_counter()
        checkpoint = args.checkpoint or build_tiny_qwen2_audio(work / "tiny-qwen2-audio")
        print(f"checkpoint: {checkpoint} (built in {time.perf_counter() - started:.1f} s)")
        rows = write_rows(work / "data", args.rows)
        manifest = work / "d-asr.jsonl"
        write_rows_jsonl(manifest, rows)

        options = AdapterOptions(device="cpu", max_new_tokens=args.max_new_tokens)
        adapter = build_hf_adapter(str(checkpoint), options)
        load_started = time.perf_counter()
        adapter.load()  # model load is excluded from both timings
        print(f"model load: {time.perf_counter() - load_started:.2f} s (excluded)")
        model, processor = adapter.model, adapter.processor
        print(
            f"torch threads: {torch.get_num_threads()}  rows: {args.rows}  batch size: {args.batch_size}  "
            f"max_new_tokens: {args.max_new_tokens}"
        )

        # Warm-up: one batch each way, so allocator and kernel caches are hot for both.
        bare_loop(
            model, processor, rows[: args.batch_size], work / "data", args.batch_size, args.max_new_tokens
        )

        bare_times, isac_times = [], []
        generated = 0
        for round_index in range(args.rounds):
            t0 = time.perf_counter()
            generated = bare_loop(model, processor, rows, work / "data", args.batch_size, args.max_new_tokens)
            bare_times.append(time.perf_counter() - t0)

            config = ExecConfig(
                manifests=(str(manifest),),
                model=adapter.model_id,
                out=work / f"run{round_index}",
                data_root=work / "data",
                batch_size=args.batch_size,
                options=options,
                progress=False,
                verify=False,  # a hand-written manifest, not a compiled set with isac.lock.json
            )
            t0 = time.perf_counter()
            summary = execute(config, adapter=adapter, warn=lambda message: None)
            isac_times.append(time.perf_counter() - t0)
            assert summary.answered == args.rows, summary
            print(f"round {round_index + 1}: bare {bare_times[-1]:.2f} s  isac {isac_times[-1]:.2f} s")

        best_bare, best_isac = min(bare_times), min(isac_times)
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"generated token positions per pass: {generated}")
        print(f"bare loop  best {best_bare:.2f} s  ({args.rows / best_bare:.1f} rows/s)")
        print(f"isac exec  best {best_isac:.2f} s  ({args.rows / best_isac:.1f} rows/s)")
        print(f"overhead ratio isac/bare: {best_isac / best_bare:.3f}  (goal <= 1.05)")
        print(f"median ratio: {float(np.median(isac_times)) / float(np.median(bare_times)):.3f}")
        print(f"peak RSS: {peak_mib:.0f} MiB")


if __name__ == "__main__":
    main()
