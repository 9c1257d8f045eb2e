"""`isac compare DB MODEL_A MODEL_B`: what changed significantly from A to B (paired bootstrap)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

HELP = "paired bootstrap comparison of two models: differences, CIs, corrected p-values"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `isac compare`."""
    parser.add_argument("db", type=Path, metavar="FILE", help="DuckDB file holding both models")
    parser.add_argument(
        "model_a", metavar="MODEL_A", help="the reference (e.g. the model before fine-tuning)"
    )
    parser.add_argument("model_b", metavar="MODEL_B", help="the model compared against it")
    parser.add_argument("--resamples", type=int, default=1000, help="bootstrap resamples (default 1000)")
    parser.add_argument("--seed", type=int, default=0, help="random seed")
    parser.add_argument("--two-way", action="store_true", help="also resample instruction fragments")
    parser.add_argument("--correction", choices=("holm", "bh"), default="holm", help="multiple comparisons")
    parser.add_argument("--alpha", type=float, default=0.05, help="significance level after correction")
    parser.add_argument("--all", action="store_true", help="list every cell, not only significant ones")
    parser.add_argument("--json", action="store_true", help="print every cell as JSON")


def run(args: argparse.Namespace) -> int:
    """Run the comparison and print it."""
    from rich.console import Console
    from rich.table import Table

    from isac.runtime.scoring.compare import compare
    from isac.runtime.scoring.db.schema import open_database

    connection = open_database(args.db, read_only=True)
    try:
        connection.execute("SET enable_progress_bar = false")
        result = compare(
            connection,
            args.model_a,
            args.model_b,
            resamples=args.resamples,
            seed=args.seed,
            two_way=args.two_way,
            correction=args.correction,
            alpha=args.alpha,
        )
    finally:
        connection.close()
    if args.json:
        payload = {
            "model_a": result.model_a,
            "model_b": result.model_b,
            "resamples": result.options.resamples,
            "seed": result.options.seed,
            "method": "items x fragments" if result.options.two_way else "items",
            "correction": result.correction,
            "alpha": result.alpha,
            "rps_pool": [result.model_a, result.model_b],
            "differences": [d.as_json() for d in result.differences],
        }
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return 0
    shown = list(result.differences) if args.all else result.significant()
    table = Table(
        title=f"{result.model_b} minus {result.model_a} (paired bootstrap, "
        f"{result.options.resamples} resamples, {result.correction}"
        f" per level and quantity, alpha {result.alpha})"
    )
    for name in ("level", "cell", "quantity", "A", "B", "B - A", "95 % CI", "p adj", "better", "items"):
        table.add_column(name, justify="right" if name in ("A", "B", "B - A", "p adj", "items") else "left")
    for d in shown:
        table.add_row(
            d.level,
            d.cell,
            d.quantity,
            _number(d.a),
            _number(d.b),
            _number(d.difference),
            f"[{_number(d.low)}, {_number(d.high)}]",
            "-" if d.p_adjusted is None else f"{d.p_adjusted:.3g}",
            {"a": result.model_a, "b": result.model_b}.get(d.better, "="),
            str(d.items),
        )
    console = Console()
    console.print(table)
    significant = result.significant()
    worse = sum(1 for d in significant if d.better == "a")
    console.print(
        f"{len(significant)} of {len(result.differences)} cells differ significantly; {worse} of them "
        f"are worse for {result.model_b}. RPS and areas use the two models as their pool; items are "
        "those both models scored."
    )
    return 0


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"
