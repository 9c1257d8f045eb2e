"""Compile the real spec over synthetic dataset indexes of the paper's sizes; print time, rows/s, peak RSS.

    .venv/bin/python benchmarks/bench_compile.py [--out DIR]

No audio or dataset files are needed: the indexes are built in memory (LibriSpeech 2620, CoVoST2 15531,
IEMOCAP 1241 of which about 791 have transcripts of more than five words, AudioCaps 964). The goal is
under 30 s and under 500 MB peak on 2 cores. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

from isac.compiler.commands.compile import compile_to
from isac.compiler.datasets.base import DatasetIndex, DatasetItem
from isac.compiler.spec import load_spec

REPO = Path(__file__).resolve().parents[1]
WORDS = (
    "he",
    "hoped",
    "there",
    "would",
    "be",
    "stew",
    "for",
    "dinner",
    "turnips",
    "and",
    "carrots",
    "and",
    "bruised",
    "potatoes",
    "and",
    "fat",
    "mutton",
    "pieces",
    "to",
    "be",
    "ladled",
    "out",
    "in",
    "thick",
    "peppered",
    "flour",
    "fattened",
    "sauce",
)
EMOTIONS = ("happy", "sad", "angry", "neutral")


def text(index: int, words: int) -> str:
    return " ".join(WORDS[(index * 7 + k * 5) % len(WORDS)] for k in range(words))


def synthetic_indexes() -> dict[str, DatasetIndex]:
    """Indexes with the paper's item counts and realistic reference lengths."""
    libri = tuple(
        DatasetItem(
            f"{1000 + i // 100}-{i % 100:06d}-{i:04d}",
            f"LibriSpeech/test-clean/{1000 + i // 100}/{i % 100}/{i:04d}.flac",
            {"ASR": (text(i, 8 + i % 25).upper(),), "GR": ("male" if i % 2 else "female",)},
        )
        for i in range(2620)
    )
    covost = tuple(
        DatasetItem(
            f"common_voice_en_{i:08d}",
            f"CoVoST2/clips/common_voice_en_{i:08d}.mp3",
            {"S2TT": ("他希望晚餐有炖菜，还有萝卜和胡萝卜。" * (1 + i % 2),), "ASR": (text(i, 10),)},
        )
        for i in range(15531)
    )
    # 791 of 1241 items have more than five words (the paper's N subset)
    iemocap = tuple(
        DatasetItem(
            f"Ses05F_impro{i // 100:02d}_F{i:04d}",
            f"IEMOCAP_full_release/Session5/sentences/wav/Ses05F_impro{i // 100:02d}/Ses05F_{i:04d}.wav",
            {
                "SER": (EMOTIONS[i % 4],),
                "GR": ("female" if i % 3 else "male",),
                "ASR": (text(i, 6 + i % 12 if i < 791 else 1 + i % 5),),
            },
        )
        for i in range(1241)
    )
    audiocaps = tuple(
        DatasetItem(
            f"yt{i:09d}",
            f"AudioCaps/audio/test/Yyt{i:09d}.wav",
            {"AAC": tuple(text(i + k, 8 + k) for k in range(5))},
        )
        for i in range(964)
    )
    return {
        "librispeech": DatasetIndex("librispeech", "librispeech", libri, "synthetic"),
        "covost2": DatasetIndex("covost2", "covost2", covost, "synthetic"),
        "iemocap": DatasetIndex("iemocap", "iemocap", iemocap, "synthetic"),
        "audiocaps": DatasetIndex("audiocaps", "audiocaps", audiocaps, "synthetic"),
    }


def peak_rss_mb() -> float:
    """Peak resident set size of this process in MiB (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: a temporary one)")
    args = parser.parse_args()

    started = time.perf_counter()
    cpu_started = time.process_time()
    spec = load_spec(REPO / "spec")
    indexes = synthetic_indexes()
    prepared = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp) / "manifests"
        lock = compile_to(spec, indexes, out, progress=False)
        finished = time.perf_counter()
        size = sum(path.stat().st_size for path in out.glob("*.jsonl"))
    rows = sum(entry.rows for entry in lock.manifests.values())
    compile_s = finished - prepared
    print(f"items: {sum(len(index.items) for index in indexes.values())}, rows: {rows}")
    for name, entry in lock.manifests.items():
        print(f"  {name:<18} {entry.rows:>8}")
    print(f"spec load + synthetic indexes: {prepared - started:.2f} s")
    print(
        f"compile + write: {compile_s:.2f} s ({rows / compile_s:,.0f} rows/s), output {size / 2**20:.1f} MiB"
    )
    cpu = time.process_time() - cpu_started
    print(
        f"total wall time: {finished - started:.2f} s, CPU time: {cpu:.2f} s, "
        f"peak RSS: {peak_rss_mb():.0f} MiB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
