"""The mitigation loop end to end on the mini corpus, CPU only (`make sft-demo`).

compile the test set -> build the SFT corpus (checked disjoint) -> build the tiny random Qwen2-Audio ->
exec it on the test rows (F formats and the D1 default rows, one per item, so forgetting shows) ->
fine-tune it -> exec the fine-tuned model -> score both into OUT/scores.duckdb as `before` and `after`
-> the shared paired comparison (IFR and task metric per task, class and variant) ->
OUT/what-fine-tuning-changed.md and .json.

Usage: python -m isac.runtime.sft.demo [--out sft-demo-output] [--steps 300] [--size 1500]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from isac.compiler.commands.compile import compile_to, load_indexes
from isac.compiler.spec import load_spec
from isac.compiler.training.corpus import plan_build, read_corpus, write_corpus
from isac.compiler.training.disjoint import check_disjoint, manifest_rows
from isac.compiler.training.plan import CorpusError, Mix
from isac.compiler.training.view import training_view
from isac.runtime.adapters.base import AdapterOptions
from isac.runtime.demo import default_spec_dir
from isac.runtime.execution.runner import ExecConfig, execute
from isac.runtime.execution.selection import RowFilter
from isac.runtime.sft.compare import Comparison, compare_runs
from isac.runtime.sft.train import TrainConfig, train

SCORES = "scores.duckdb"


@dataclass(frozen=True)
class SftDemoConfig:
    """Options of the demo; the defaults fit a few CPU minutes."""

    out: Path = Path("sft-demo-output")
    spec_dir: Path | None = None
    data_root: Path | None = None
    size: int = 1000
    steps: int = 400
    batch_size: int = 8
    # a 32-wide random model needs a large step size to pick up the formats in a few hundred steps
    learning_rate: float = 1e-2
    lora: bool = False
    mix: str = "F=1"  # the corpus: F formats only (what the demo measures)
    # test rows executed before and after: the F formats (what the corpus teaches) and the D1 default
    # rows (one per item: cheap), where forgetting of the task itself would show
    classes: tuple[str, ...] = ("D1", "F1", "F2", "F3", "F4")
    tasks: tuple[str, ...] = ()  # empty: every task
    max_new_tokens: int = 48
    threads: int | None = 1
    seed: int = 0


def run_sft_demo(config: SftDemoConfig, log: Callable[[str], None] = print) -> Comparison:
    """Run every stage into `config.out` (its stage folders are replaced) and return the comparison."""
    spec_dir = config.spec_dir or default_spec_dir()
    data_root = config.data_root or spec_dir.resolve().parent / "data" / "mini"
    out = config.out
    for stage in ("test", "sft", "base", "tuned", "runs"):
        shutil.rmtree(out / stage, ignore_errors=True)
    (out / SCORES).unlink(missing_ok=True)  # the demo's own database, rebuilt from the runs below
    out.mkdir(parents=True, exist_ok=True)

    log("1/6 compile the test set")
    spec = load_spec(spec_dir)
    compile_to(spec, load_indexes(spec, data_root, check_audio=True, skip_missing_audio=False), out / "test")

    log("2/6 build the SFT corpus from training pools and splits, check it against the test set")
    view = training_view(spec)
    mix = Mix.parse(config.mix)
    build = plan_build(
        view,
        load_indexes(view, data_root, check_audio=True, skip_missing_audio=False),
        config.size,
        mix,
        spec.seed,
    )
    write_corpus(build, out / "sft", spec_sha256=spec.sha256, mix=mix)
    report = check_disjoint(read_corpus(out / "sft"), manifest_rows(out / "test"), data_root)
    for line in report.lines():
        log(f"    {line}")
    if not report.ok:
        raise CorpusError("the SFT corpus overlaps the test set; refusing to train on it")

    log("3/6 build the tiny random Qwen2-Audio")
    from isac.runtime.tiny_models import build_tiny_qwen2_audio

    build_tiny_qwen2_audio(out / "base", seed=config.seed)

    def run(model_dir: Path, name: str) -> None:
        summary = execute(
            ExecConfig(
                manifests=(str(out / "test"),),
                model=f"hf:{model_dir}",
                out=out / "runs" / name,
                data_root=data_root,
                batch_size=16,
                row_filter=RowFilter(classes=config.classes, tasks=config.tasks),
                options=AdapterOptions(device="cpu", dtype="float32", max_new_tokens=config.max_new_tokens),
                progress=False,
            )
        )
        log(f"    {name}: {summary.executed} rows answered")

    if config.threads is not None:
        import torch

        torch.set_num_threads(config.threads)
    log("4/6 exec the base model on the test rows")
    run(out / "base", "before")
    log(f"5/6 fine-tune it for {config.steps} steps")
    result = train(
        TrainConfig(
            model=f"hf:{out / 'base'}",
            corpus=out / "sft",
            out=out / "tuned",
            data_root=data_root,
            steps=config.steps,
            batch_size=config.batch_size,
            learning_rate=config.learning_rate,
            lora=config.lora,
            seed=config.seed,
            threads=config.threads,
        )
    )
    log("    loss by step: " + ", ".join(f"{step}: {loss:.2f}" for step, loss in result.losses))
    log("6/6 exec the fine-tuned model, score both runs and compare them")
    run(out / "tuned", "after")
    comparison = compare_runs(out / "runs" / "before", out / "runs" / "after", out / SCORES, seed=config.seed)
    (out / "what-fine-tuning-changed.md").write_text(comparison.markdown(), encoding="utf-8")
    (out / "what-fine-tuning-changed.json").write_text(
        json.dumps(comparison.to_json(), indent=2) + "\n", encoding="utf-8"
    )
    return comparison


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point (see module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=SftDemoConfig.out)
    parser.add_argument("--steps", type=int, default=SftDemoConfig.steps)
    parser.add_argument("--size", type=int, default=SftDemoConfig.size)
    parser.add_argument("--lora", action="store_true")
    args = parser.parse_args(argv)
    comparison = run_sft_demo(SftDemoConfig(out=args.out, steps=args.steps, size=args.size, lora=args.lora))
    print(comparison.markdown())
    return 0


if __name__ == "__main__":
    sys.exit(main())
