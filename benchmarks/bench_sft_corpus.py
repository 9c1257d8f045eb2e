"""Plan and write a 1M-example SFT corpus at paper scale from synthetic training indexes.

    .venv/bin/python benchmarks/bench_sft_corpus.py [--size 1000000] [--render N]

Training indexes are built in memory (LibriSpeech train 281,241 utterances, CoVoST 2 train 289,430,
AudioCaps train 49,838, IEMOCAP Sessions 1-4 4,290). Phase 1 plans the corpus index (which cell, item
and repetition every example is: allocation, item draws, shuffle); phase 2 renders and writes the
examples (instruction, checker, target) as corpus.jsonl, by default all of them. Goal for the index:
under 2 minutes and under 1 GB peak. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from isac.compiler.build import Builder
from isac.compiler.datasets.base import DatasetIndex, DatasetItem
from isac.compiler.spec import load_spec
from isac.compiler.training.corpus import CorpusBuild, write_corpus
from isac.compiler.training.plan import Mix, plan_corpus
from isac.compiler.training.view import training_view

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

# the same synthetic reference text and memory probe as the compile benchmark
from bench_compile import peak_rss_mb, text  # noqa: E402

EMOTIONS = ("happy", "sad", "angry", "neutral")
SIZES = {"librispeech": 281_241, "covost2": 289_430, "audiocaps": 49_838, "iemocap": 4_290}


def synthetic_training_indexes() -> dict[str, DatasetIndex]:
    """Training indexes of the paper's training split sizes, references of realistic length."""
    libri = tuple(
        DatasetItem(
            f"{100 + i // 1000}-{i % 1000:06d}-{i:06d}",
            f"LibriSpeech/train-clean-100/{100 + i // 1000}/{i % 1000}/{i:06d}.flac",
            {"ASR": (text(i, 8 + i % 25).upper(),), "GR": ("male" if i % 2 else "female",)},
        )
        for i in range(SIZES["librispeech"])
    )
    covost = tuple(
        DatasetItem(
            f"common_voice_en_t{i:08d}",
            f"CoVoST2/clips/common_voice_en_t{i:08d}.mp3",
            {"S2TT": ("他希望晚餐有炖菜，还有萝卜和胡萝卜。",), "ASR": (text(i, 10),)},
        )
        for i in range(SIZES["covost2"])
    )
    audiocaps = tuple(
        DatasetItem(f"tr{i:09d}", f"AudioCaps/audio/train/Ytr{i:09d}.wav", {"AAC": (text(i, 9),)})
        for i in range(SIZES["audiocaps"])
    )
    iemocap = tuple(
        DatasetItem(
            f"Ses0{1 + i % 4}F_impro{i // 100:02d}_F{i:04d}",
            f"IEMOCAP_full_release/Session{1 + i % 4}/sentences/wav/x/{i:04d}.wav",
            {
                "SER": (EMOTIONS[i % 4],),
                "GR": ("female" if i % 3 else "male",),
                "ASR": (text(i, 3 + i % 12),),
            },
        )
        for i in range(SIZES["iemocap"])
    )
    return {
        "librispeech": DatasetIndex("librispeech", "librispeech", libri, "synthetic"),
        "covost2": DatasetIndex("covost2", "covost2", covost, "synthetic"),
        "audiocaps": DatasetIndex("audiocaps", "audiocaps", audiocaps, "synthetic"),
        "iemocap": DatasetIndex("iemocap", "iemocap", iemocap, "synthetic"),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--render", type=int, default=None, help="render and write only the first N examples")
    args = parser.parse_args()

    started = time.perf_counter()
    spec = load_spec(REPO / "spec")
    view = training_view(spec)
    indexes = synthetic_training_indexes()
    builder = Builder(view, indexes)
    prepared = time.perf_counter()
    print(
        f"spec, training view, indexes ({sum(SIZES.values()):,} items): {prepared - started:.2f} s, "
        f"peak RSS {peak_rss_mb():.0f} MiB"
    )
    mix = Mix()
    plan = plan_corpus(builder, args.size, mix, spec.seed)
    planned = time.perf_counter()
    print(
        f"plan (corpus index) of {len(plan.examples):,} examples over {len(plan.cells)} cells: "
        f"{planned - prepared:.2f} s, peak RSS {peak_rss_mb():.0f} MiB"
    )
    if args.render is not None:
        plan = type(plan)(plan.cells, plan.items, plan.examples[: args.render])
    with tempfile.TemporaryDirectory() as tmp:
        lock = write_corpus(
            CorpusBuild(builder, plan, spec.seed), Path(tmp), spec_sha256=spec.sha256, mix=mix
        )
        written = time.perf_counter()
        size = (Path(tmp) / "corpus.jsonl").stat().st_size
    rows = lock["size"]
    print(
        f"render + write {rows:,} examples: {written - planned:.2f} s "
        f"({rows / (written - planned):,.0f} ex/s), "
        f"{size / 2**20:.0f} MiB"
    )
    print(
        f"total wall time {written - started:.2f} s, CPU time {time.process_time():.2f} s, "
        f"peak RSS {peak_rss_mb():.0f} MiB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
