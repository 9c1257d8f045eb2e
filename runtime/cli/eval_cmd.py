"""`isac eval`: compile (or reuse a compiled set), run one or several models, score and report."""

from __future__ import annotations

import argparse
import signal
from pathlib import Path
from types import FrameType
from typing import Any

from rich.console import Console

from isac.runtime.adapters.arguments import parse_assignments
from isac.runtime.evaluation.config import EvalConfig, build_config, merge, read_config_file

HELP = "Compile, run models, score and report in one command; rerunning it resumes. Config file or flags."

_EPILOG = """\
Everything can be written in a YAML or TOML file (isac eval --config eval.yaml); flags override it.
--model (repeatable) replaces the file's models; -M/-G apply to every model, on top of its own arguments.
Outputs in --out: manifests/ (when compiling), runs/<name>/, scores.duckdb, report/, eval.json.
Data root: --data-root, else $ISAC_DATA_ROOT, else the one recorded in the compiled set's lock.
-M key=value: model loading (hf: from_pretrained keywords, e.g. trust_remote_code=true,
attn_implementation=sdpa). -G key=value: generation (top_p=0.9, system_prompt="...", seed=1; for hf: any
GenerationConfig field). Both are recorded in each run's fingerprint. Config keys: the docstring of
isac.runtime.evaluation.config.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Config file, inputs, models, selection and the knobs shared with `isac exec`."""
    parser.epilog = _EPILOG
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("--config", type=Path, default=None, help="YAML (.yaml/.yml) or TOML (.toml) file")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--spec", type=Path, default=None, help="spec to compile (default: the bundled spec)")
    source.add_argument(
        "--manifests", type=Path, default=None, help="a compiled set or release to run as it is"
    )
    parser.add_argument("--data-root", type=Path, default=None, help="datasets and audio folder")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default eval-output)")
    parser.add_argument(
        "--model", action="append", default=[], help="model string (repeatable): oracle, hf:PATH, openai:NAME"
    )
    parser.add_argument("-M", dest="model_args", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("-G", dest="generation_args", action="append", default=[], metavar="KEY=VALUE")

    select = parser.add_argument_group("row selection")
    select.add_argument(
        "--sample", type=int, default=None, help="N rows spread over dimensions, classes, tasks"
    )
    select.add_argument("--limit", type=int, default=None, help="the first N rows")
    select.add_argument("--dimension", action="append", default=None, help="D, F or N (repeatable)")
    select.add_argument("--class", dest="classes", action="append", default=None, help="e.g. F3")
    select.add_argument("--task", action="append", default=None, help="e.g. ASR")

    run = parser.add_argument_group("execution, scoring, report")
    run.add_argument("--device", default=None, help="hf: cpu, cuda, cuda:1 or auto")
    run.add_argument("--dtype", default=None, help="hf: auto, float32, bfloat16, float16")
    run.add_argument("--batch-size", type=int, default=None)
    run.add_argument("--concurrency", type=int, default=None)
    run.add_argument("--max-new-tokens", type=int, default=None)
    run.add_argument("--temperature", type=float, default=None)
    run.add_argument("--base-url", default=None, help="openai: endpoint")
    run.add_argument("--retry-errors", action="store_true", default=None)
    run.add_argument("--profile", default=None, help="scoring profile: default or isa-v1")
    run.add_argument("--no-meteor", action="store_true", help="leave AAC METEOR empty (no Java)")


def _flag_overrides(args: argparse.Namespace) -> dict[str, Any]:
    """The settings the flags give, in the config file's shape (absent flags give nothing)."""
    overrides: dict[str, Any] = {}
    for key in ("spec", "manifests", "data_root", "out"):
        if getattr(args, key) is not None:
            overrides[key] = str(getattr(args, key))
    if args.model:
        overrides["models"] = list(args.model)
    if args.model_args:
        overrides["model_args"] = parse_assignments(args.model_args, "-M")
    if args.generation_args:
        overrides["generation_args"] = parse_assignments(args.generation_args, "-G")
    select = {
        "sample": args.sample,
        "limit": args.limit,
        "dimensions": args.dimension,
        "classes": args.classes,
        "tasks": args.task,
    }
    overrides["select"] = {key: value for key, value in select.items() if value is not None}
    run = {
        "device": args.device,
        "dtype": args.dtype,
        "batch_size": args.batch_size,
        "concurrency": args.concurrency,
        "max_new_tokens": args.max_new_tokens,
        "temperature": args.temperature,
        "base_url": args.base_url,
        "retry_errors": args.retry_errors,
    }
    overrides["exec"] = {key: value for key, value in run.items() if value is not None}
    score: dict[str, Any] = {}
    if args.profile is not None:
        score["profile"] = args.profile
    if args.no_meteor:
        score["meteor"] = False
    overrides["score"] = score
    if overrides["select"].get("sample") is not None:  # a flag's sample replaces the file's limit
        overrides["select"].setdefault("limit", None)
    elif overrides["select"].get("limit") is not None:
        overrides["select"].setdefault("sample", None)
    return overrides


def config_from_args(args: argparse.Namespace) -> EvalConfig:
    """The config file (if any) with the flags on top, validated."""
    base = read_config_file(args.config) if args.config is not None else {}
    source = str(args.config) if args.config is not None else "isac eval flags"
    if args.config is not None:
        source += " with the flags given"
    raw = merge(base, _flag_overrides(args))
    if "models" not in raw:
        raw["models"] = []
    return build_config(raw, source)


def _interrupt_on_sigterm(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def run(args: argparse.Namespace) -> int:
    """Run the eval and print the headline table and where everything is."""
    from isac.runtime.evaluation.pipeline import run_eval
    from isac.runtime.reporting.terminal import rich_table

    config = config_from_args(args)
    console = Console()
    plain = {"markup": False, "highlight": False, "soft_wrap": True}
    previous = signal.signal(signal.SIGTERM, _interrupt_on_sigterm)
    try:
        result = run_eval(config, log=lambda message: console.print(message, **plain))
    finally:
        signal.signal(signal.SIGTERM, previous)
    console.print(rich_table(result.report.document.headline))
    timings = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in result.stage_seconds)
    console.print(f"total {result.total_seconds:.1f} s ({timings})", **plain)
    console.print(f"report: {result.report.html}", **plain)
    console.print(f"markdown: {result.report.markdown}", **plain)
    database = result.out / "scores.duckdb"
    console.print(f'database: {database}  (try: isac query {database} "SELECT * FROM area_ratios")', **plain)
    return 0
