"""`isac demo`: compile, run, score and report on the bundled mini corpus in one command."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console

from isac.runtime.demo import DEFAULT_CONSTANT, DemoConfig, DemoResult, run_demo
from isac.runtime.reporting.terminal import rich_table

HELP = "Run the whole pipeline on the bundled mini corpus (oracle, constant and a tiny model) and report."

_EPILOG = """\
Outputs in --out: manifests/, runs/<model>/, scores.duckdb and report/ (report.html, report.md, charts).
A rerun starts clean (the demo's earlier outputs in --out are removed); --keep resumes them instead.
The tiny model is a randomly initialised Qwen2-Audio built locally (no download); it needs torch and
transformers and is skipped with a message when they are missing.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Output folder, inputs and the knobs that trade demo time for coverage."""
    parser.epilog = _EPILOG
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument(
        "--out", type=Path, default=Path("demo-output"), help="output folder (default demo-output)"
    )
    parser.add_argument(
        "--data-root", type=Path, default=None, help="datasets folder (default: bundled data/mini)"
    )
    parser.add_argument("--spec", type=Path, default=None, help="spec folder (default: the checkout's spec/)")
    parser.add_argument("--keep", action="store_true", help="resume the outputs of an earlier demo in --out")
    parser.add_argument("--no-tiny", action="store_true", help="skip the tiny transformers model")
    parser.add_argument(
        "--tiny-shards",
        type=int,
        default=1,
        metavar="N",
        help="the tiny model answers 1 row in N (a hash shard of the rows; default 1 = every row)",
    )
    parser.add_argument("--max-new-tokens", type=int, default=16, help="tiny model generation length (16)")
    parser.add_argument(
        "--constant", default=DEFAULT_CONSTANT, metavar="TEXT", help="the constant model's answer"
    )
    parser.add_argument("--no-meteor", action="store_true", help="leave AAC METEOR empty (no Java)")


def config_from_args(args: argparse.Namespace) -> DemoConfig:
    """Parsed flags -> DemoConfig."""
    return DemoConfig(
        out=args.out,
        data_root=args.data_root,
        spec_dir=args.spec,
        keep=args.keep,
        tiny=not args.no_tiny,
        tiny_shards=args.tiny_shards,
        max_new_tokens=args.max_new_tokens,
        constant_text=args.constant,
        meteor=not args.no_meteor,
    )


def print_result(result: DemoResult, console: Console) -> None:
    """Headline table, timings and where the report is."""
    console.print(rich_table(result.report.document.headline))
    timings = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in result.stage_seconds)
    # markup off: paths and messages may hold brackets (e.g. "isac[models]") that rich would swallow;
    # soft wrap: long paths stay on one line, ready to copy
    plain = {"markup": False, "highlight": False, "soft_wrap": True}
    console.print(f"total {result.total_seconds:.1f} s ({timings})", **plain)
    for reason in result.skipped:
        console.print(reason, style="yellow", **plain)
    console.print(f"report: {result.report.html}", **plain)
    console.print(f"markdown: {result.report.markdown}", **plain)
    database = result.out / "scores.duckdb"
    console.print(f'database: {database}  (try: isac query {database} "SELECT * FROM area_ratios")', **plain)


def run(args: argparse.Namespace) -> int:
    """Run the demo and print its summary."""
    console = Console()
    result = run_demo(
        config_from_args(args),
        log=lambda message: console.print(message, markup=False, highlight=False, soft_wrap=True),
    )
    print_result(result, console)
    return 0
