"""Diversity statistics of fragment pools, for a maintainer to see what a round of authoring added.

Per pool: the number of fragments; length in words (min, mean, median, max); distinct word n-gram ratios
(distinct-n: distinct n-grams / all n-grams over the pool, n = 1, 2, 3; higher is more varied); pairwise
similarity (4-gram Jaccard of `similarity`, over every pair: mean, median, 90th percentile, max) and the
number of pairs at or above the near-duplicate threshold.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections.abc import Sequence
from typing import Any

from isac.compiler.authoring.pools import POOL_NAMES, pool_fragments
from isac.compiler.authoring.similarity import NEAR_DUPLICATE, jaccard, ngrams, normalise
from isac.compiler.spec.models import Spec

_WORD = re.compile(r"[a-z0-9']+")


def _quantile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def pool_diversity(fragments: Sequence[str]) -> dict[str, Any]:
    """The statistics of one pool (see module docstring); values rounded to 3 decimals."""
    tokens = [_WORD.findall(normalise(text)) for text in fragments]
    lengths = [len(words) for words in tokens]
    stats: dict[str, Any] = {"count": len(fragments)}
    stats["words"] = {
        "min": min(lengths, default=0),
        "mean": round(statistics.fmean(lengths), 3) if lengths else 0.0,
        "median": statistics.median(lengths) if lengths else 0,
        "max": max(lengths, default=0),
    }
    for n in (1, 2, 3):
        grams = [tuple(words[i : i + n]) for words in tokens for i in range(len(words) - n + 1)]
        stats[f"distinct_{n}"] = round(len(set(grams)) / len(grams), 3) if grams else 0.0
    grams_of = [ngrams(text) for text in fragments]
    pairs = [jaccard(a, b) for a, b in itertools.combinations(grams_of, 2)]
    stats["similarity"] = {
        "mean": round(statistics.fmean(pairs), 3) if pairs else 0.0,
        "median": round(statistics.median(pairs), 3) if pairs else 0.0,
        "p90": round(_quantile(pairs, 0.9), 3),
        "max": round(max(pairs, default=0.0), 3),
        "near_duplicate_pairs": sum(score >= NEAR_DUPLICATE for score in pairs),
    }
    return stats


def spec_diversity(spec: Spec, tasks: Sequence[str] = (), pools: Sequence[str] = ()) -> dict[str, Any]:
    """{task: {pool: statistics}} for the chosen tasks and pools (all when empty)."""
    report: dict[str, Any] = {}
    for name, task in spec.tasks.items():
        if tasks and name not in tasks:
            continue
        report[name] = {
            pool: pool_diversity(pool_fragments(task, pool))
            for pool in POOL_NAMES
            if not pools or pool in pools
        }
    return report


def format_report(report: dict[str, Any], before: dict[str, Any] | None = None) -> list[str]:
    """Terminal lines: one row per task and pool; with `before`, each number as `before -> after`."""

    def cell(task: str, pool: str, *path: str) -> str:
        def get(source: dict[str, Any] | None) -> Any:
            value: Any = (source or {}).get(task, {}).get(pool)
            for key in path:
                value = value.get(key) if isinstance(value, dict) else None
            return value

        now, then = get(report), get(before)
        text = f"{now:g}" if isinstance(now, int | float) else "-"
        if before is not None and then is not None and then != now:
            return f"{then:g}->{text}"
        return text

    header = f"{'task':<5} {'pool':<20} {'count':>10} {'words':>13} {'dist-1':>13} {'dist-2':>13} "
    header += f"{'dist-3':>13} {'sim mean':>13} {'sim p90':>13} {'sim max':>13} {'near-dup':>9}"
    lines = [header]
    for task, pools in report.items():
        for pool in pools:
            lines.append(
                f"{task:<5} {pool:<20} {cell(task, pool, 'count'):>10} "
                f"{cell(task, pool, 'words', 'mean'):>13} {cell(task, pool, 'distinct_1'):>13} "
                f"{cell(task, pool, 'distinct_2'):>13} {cell(task, pool, 'distinct_3'):>13} "
                f"{cell(task, pool, 'similarity', 'mean'):>13} {cell(task, pool, 'similarity', 'p90'):>13} "
                f"{cell(task, pool, 'similarity', 'max'):>13} "
                f"{cell(task, pool, 'similarity', 'near_duplicate_pairs'):>9}"
            )
    return lines
