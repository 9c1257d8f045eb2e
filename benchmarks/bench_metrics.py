"""Throughput of per-row metric statistics: WER (with English normalisation), BLEU (zh), METEOR 1.5.

Synthetic but realistically shaped data: LibriSpeech-like upper-case transcripts (2,620 distinct, each
reused across rows as variants reuse them), Chinese translations, five captions per audio clip; about
10% of answers are empty (non-compliant). Prints wall time, rows per second and peak RSS of this
process and of its children (the Java processes).

    .venv/bin/python benchmarks/bench_metrics.py [--asr 100000] [--bleu 50000] [--meteor 5000]
"""

from __future__ import annotations

import argparse
import random
import resource
import time
from collections.abc import Callable
from typing import TypeVar

from isac.runtime.scoring.metrics import (
    bleu_row_stats,
    corpus_bleu,
    corpus_meteor,
    corpus_wer,
    open_meteor,
    wer_row_stats,
)

T = TypeVar("T")

ENGLISH = [
    "the",
    "a",
    "of",
    "and",
    "to",
    "in",
    "he",
    "was",
    "that",
    "it",
    "his",
    "her",
    "with",
    "as",
    "had",
    "for",
    "you",
    "she",
    "at",
    "him",
    "but",
    "on",
    "mister",
    "said",
    "one",
    "they",
    "all",
    "there",
    "were",
    "be",
    "this",
    "which",
    "not",
    "when",
    "what",
    "so",
    "out",
    "up",
    "from",
    "my",
    "then",
    "old",
    "man",
    "house",
    "little",
    "2",
    "twenty",
    "colour",
    "honour",
    "o'clock",
    "doctor",
    "saint",
]
HANZI = list("我们你他她是的了在有这个人不一上中大来到说国和地也子时道出而要于就下得可过天去能对小多然")
CAPTION = [
    "a",
    "dog",
    "barks",
    "man",
    "speaks",
    "woman",
    "talks",
    "while",
    "car",
    "engine",
    "idles",
    "rain",
    "falls",
    "on",
    "roof",
    "birds",
    "chirp",
    "in",
    "the",
    "background",
    "people",
    "cheer",
    "crowd",
    "applauds",
    "music",
    "plays",
    "loudly",
    "softly",
    "water",
    "flows",
]


def _timed(label: str, rows: int, action: Callable[[], T]) -> T:
    # CPU time of this process next to wall time: on a busy machine the former is the steadier figure.
    start, cpu_start = time.perf_counter(), time.process_time()
    result = action()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    print(f"{label:<44} {seconds:8.2f} s wall {cpu:8.2f} s cpu  {rows / seconds:>10,.0f} rows/s")
    return result


def _edit(words: list[str], vocab: list[str], rng: random.Random, rate: float) -> list[str]:
    out = []
    for word in words:
        roll = rng.random()
        if roll < rate / 3:
            continue
        out.append(rng.choice(vocab) if roll < 2 * rate / 3 else word)
        if rng.random() < rate / 3:
            out.append(rng.choice(vocab))
    return out


def bench_wer(rows: int, rng: random.Random) -> None:
    refs_pool = [" ".join(rng.choices(ENGLISH, k=rng.randint(5, 35))).upper() for _ in range(2620)]
    refs = [refs_pool[i % len(refs_pool)] for i in range(rows)]
    hyps = [
        "" if rng.random() < 0.1 else " ".join(_edit(ref.lower().split(), ENGLISH, rng, 0.15)) + "."
        for ref in refs
    ]
    stats = _timed(f"WER row stats, {rows:,} pairs (normalised)", rows, lambda: wer_row_stats(hyps, refs))
    result = _timed("WER corpus aggregation", rows, lambda: corpus_wer(stats))
    print(f"{'':<44} WER = {result.value:.2f}%")


def bench_bleu(rows: int, rng: random.Random) -> None:
    refs_pool = ["".join(rng.choices(HANZI, k=rng.randint(8, 40))) + "。" for _ in range(15531)]
    refs = [refs_pool[i % len(refs_pool)] for i in range(rows)]
    hyps = ["" if rng.random() < 0.1 else "".join(_edit(list(ref), HANZI, rng, 0.3)) for ref in refs]
    stats = _timed(
        f"BLEU row stats, {rows:,} rows (zh)", rows, lambda: bleu_row_stats(hyps, [[r] for r in refs])
    )
    result = _timed("BLEU corpus aggregation", rows, lambda: corpus_bleu(stats))
    print(f"{'':<44} BLEU = {result.value:.2f}")


def bench_meteor(rows: int, rng: random.Random) -> None:
    clips = [[" ".join(rng.choices(CAPTION, k=rng.randint(6, 14))) for _ in range(5)] for _ in range(964)]
    refs = [clips[i % len(clips)] for i in range(rows)]
    hyps = [
        "" if rng.random() < 0.1 else " ".join(_edit(refs_[0].split(), CAPTION, rng, 0.4)).capitalize() + "."
        for refs_ in refs
    ]
    scorer = _timed("METEOR start (first answer)", 1, lambda: _started(open_meteor("auto")))
    with scorer:
        stats = _timed(
            f"METEOR row stats, {rows:,} rows ({scorer.backend})", rows, lambda: scorer.row_stats(hyps, refs)
        )
        result = _timed("METEOR corpus aggregation", rows, lambda: corpus_meteor(stats, scorer))
    print(f"{'':<44} METEOR = {result.value:.4f} ({result.backend})")


def _started(scorer: T) -> T:
    scorer.row_stats(["warm up"], [["warm up"]])  # type: ignore[attr-defined]
    return scorer


def _peak_rss() -> None:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak RSS: this process {own:,.0f} MiB, largest child process {children:,.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--asr", type=int, default=100_000)
    parser.add_argument("--bleu", type=int, default=50_000)
    parser.add_argument("--meteor", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    if args.asr:
        bench_wer(args.asr, rng)
    if args.bleu:
        bench_bleu(args.bleu, rng)
    if args.meteor:
        bench_meteor(args.meteor, rng)
    _peak_rss()


if __name__ == "__main__":
    main()
