"""Throughput of the format checkers through `check()` (prints figures; asserts nothing).

    .venv/bin/python benchmarks/bench_checkers.py [--count 400000]

Responses cycle over every kind with realistic compliant and non-compliant texts, the way a scoring run
meets them (one `check(row.checker, response, row.subtasks)` call per result, specs repeating).
"""

from __future__ import annotations

import argparse
import json
import resource
import time

from isac.compiler.rows import CheckerSpec
from isac.runtime.scoring.checkers import check

SER = ["happy", "sad", "angry", "neutral"]
SENTENCE = "he hoped there would be stew for dinner turnips and carrots and bruised potatoes"
CASES: list[tuple[CheckerSpec, str, tuple[str, ...]]] = [
    (
        CheckerSpec(kind="prefix", params={"text": "The transcription is:"}),
        f"The transcription is: {SENTENCE}",
        ("ASR",),
    ),
    (CheckerSpec(kind="prefix", params={"text": "The transcription is:"}), f"Sure! {SENTENCE}", ("ASR",)),
    (CheckerSpec(kind="suffix", params={"text": "is the caption."}), f"{SENTENCE} is the caption.", ("AAC",)),
    (
        CheckerSpec(kind="wrap", params={"left": "<answer>", "right": "</answer>"}),
        f"<answer>{SENTENCE}</answer>",
        ("ASR",),
    ),
    (
        CheckerSpec(kind="json_key", params={"key": "transcription"}),
        json.dumps({"transcription": SENTENCE}),
        ("ASR",),
    ),
    (CheckerSpec(kind="json_key", params={"key": "transcription"}), f"Here: {SENTENCE}", ("ASR",)),
    (CheckerSpec(kind="upper_case", params={}), SENTENCE.upper(), ("ASR",)),
    (CheckerSpec(kind="lower_case", params={}), SENTENCE, ("ASR",)),
    (CheckerSpec(kind="label", params={"labels": SER}), "Happy.", ("SER",)),
    (
        CheckerSpec(kind="text", params={"forbidden": ["the audio", "the speaker", "transcription"]}),
        SENTENCE,
        ("ASR",),
    ),
    (
        CheckerSpec(
            kind="separator", params={"separator": "|", "subtasks": ["ASR", "SER"], "labels": {"SER": SER}}
        ),
        f"{SENTENCE} | sad",
        ("ASR", "SER"),
    ),
    (
        CheckerSpec(
            kind="json_keys",
            params={
                "keys": ["asr_output", "emotion_output"],
                "subtasks": ["ASR", "SER"],
                "labels": {"SER": SER},
            },
        ),
        json.dumps({"asr_output": SENTENCE, "emotion_output": "Sad"}),
        ("ASR", "SER"),
    ),
]


def measure(label: str, specs: list[CheckerSpec]) -> None:
    """Check one response per spec (cycling over CASES) and print the rate."""
    start = time.perf_counter()
    compliant = 0
    for index, spec in enumerate(specs):
        _, response, subtasks = CASES[index % len(CASES)]
        compliant += check(spec, response, subtasks).compliant
    elapsed = time.perf_counter() - start
    rate = len(specs) / elapsed
    print(
        f"{label}: {len(specs):,} checks in {elapsed:.2f} s = {rate:,.0f} checks/s ({compliant:,} compliant)"
    )


def main() -> None:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=400_000)
    args = parser.parse_args()
    shared = [CASES[index % len(CASES)][0] for index in range(args.count)]
    # Rows loaded from a manifest each carry their own spec object (equal content, new identity).
    distinct = [spec.model_copy(deep=True) for spec in shared]
    measure("first pass, one spec object per row", distinct)
    measure("again, same spec objects          ", distinct)
    measure("specs shared between rows         ", shared)
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
