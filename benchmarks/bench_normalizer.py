"""Throughput of the English normaliser on ASR-like strings (prints figures; asserts nothing).

    .venv/bin/python benchmarks/bench_normalizer.py [--count 300000] [--whisper-site-packages DIR]

With --whisper-site-packages (a site-packages holding openai-whisper, see
tests/normalizers/make_expected.py) the real Whisper normaliser is timed on the same strings too.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

from isac.runtime.scoring.normalizers import EnglishTextNormalizer

WORDS = [
    "the",
    "of",
    "and",
    "to",
    "a",
    "in",
    "he",
    "i",
    "that",
    "it",
    "was",
    "his",
    "you",
    "with",
    "had",
    "for",
    "as",
    "her",
    "she",
    "not",
    "at",
    "but",
    "him",
    "be",
    "is",
    "my",
    "on",
    "said",
    "they",
    "all",
    "so",
    "have",
    "were",
    "one",
    "me",
    "from",
    "by",
    "what",
    "we",
    "this",
    "no",
    "which",
    "there",
    "them",
    "an",
    "would",
    "when",
    "are",
    "been",
    "could",
    "man",
    "little",
    "mister",
    "colour",
    "favourite",
    "organised",
    "two",
    "three",
    "twenty",
    "hundred",
    "thousand",
    "first",
    "don't",
    "won't",
    "it's",
    "can't",
    "i'm",
    "dr",
    "st",
    "mrs",
    "gentlemen",
    "quilter",
    "apostle",
    "middle",
    "classes",
    "welcome",
    "gospel",
]
DECORATIONS = ["", ",", ".", "!", "?", ";", ":", " -", "'s"]


def make_corpus(count: int, seed: int) -> list[str]:
    """Half uppercase reference-like transcripts, half punctuated model-like hypotheses."""
    rng = random.Random(seed)
    corpus = []
    for index in range(count):
        words = [rng.choice(WORDS) for _ in range(rng.randint(5, 35))]
        if index % 2:
            words = [word + rng.choice(DECORATIONS) for word in words]
            words[0] = words[0].capitalize()
            if rng.random() < 0.2:
                words.insert(
                    rng.randrange(len(words)), rng.choice(["$5", "1,000", "3.14", "25%", "1999", "(laughs)"])
                )
            corpus.append(" ".join(words))
        else:
            corpus.append(" ".join(words).upper())
    return corpus


def measure(name: str, normalize: Callable[[str], str], corpus: list[str]) -> None:
    """Print strings per second for one normaliser over the corpus."""
    start = time.perf_counter()
    for text in corpus:
        normalize(text)
    elapsed = time.perf_counter() - start
    print(f"{name:>8}: {len(corpus):,} strings in {elapsed:.2f} s = {len(corpus) / elapsed:,.0f} strings/s")


def main() -> None:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300_000)
    parser.add_argument("--whisper-site-packages", type=Path)
    args = parser.parse_args()
    corpus = make_corpus(args.count, seed=0)
    print(f"corpus: {len(corpus):,} strings, mean {sum(map(len, corpus)) / len(corpus):.0f} characters")
    measure("isac", EnglishTextNormalizer(), corpus)
    if args.whisper_site_packages:
        sys.path.append(str(Path(__file__).resolve().parents[1] / "tests" / "normalizers"))
        sys.path.append(str(args.whisper_site_packages))
        from make_expected import load_whisper_normalizers

        whisper = load_whisper_normalizers(args.whisper_site_packages).EnglishTextNormalizer()
        measure("whisper", whisper, corpus)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak_mib:.0f} MiB")


if __name__ == "__main__":
    main()
