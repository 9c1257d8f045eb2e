"""Export one model's scores in the official merged `collect_all_metrics` structure.

`{model: {"d": {task: {variation: entry}}, "f": {...}, "n": {"only": {"single-stage": {...}}}}}`, with
the official task keys (asr, s2tt, ser, gr, aac), variation names and metric fields, so a model scored
by isac can be ranked against the published ISA-Bench v1 leaderboard. Values are computed from the
summed row statistics of the database and rounded as the official per-task scripts round (2 decimals;
METEOR, S2TT bp and len_ratio 4). Pooling follows the official scripts: D `case` and `robust` pool
their two variants for ASR/SER/GR but stay split (upper_case/lower_case, grammar_robust/syntax_robust)
for S2TT/AAC; `all` pools every variant of a task; N pools the separator and JSON branches per subtask
count. CIDEr-D and ROUGE-L are not stored per row and are left out (score-official computes them).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from isac.compiler.errors import ScoringError
from isac.runtime.isa_v1.rules.judgement import (
    D_VARIATION_NAMES,
    F_VARIATION_NAMES,
    F_VARIATIONS,
    N_BRANCH_NAMES,
)
from isac.runtime.scoring.db.group_table import POOLED
from isac.runtime.scoring.db.schema import open_database
from isac.runtime.scoring.metrics.bleu import BleuScore, BleuStats, bleu_from_totals
from isac.runtime.scoring.metrics.wer import wer_from_totals

ALL = "all"
OFFICIAL_TASK: Mapping[str, str] = {"ASR": "asr", "S2TT": "s2tt", "SER": "ser", "GR": "gr", "AAC": "aac"}
# Order of the task tables in the published file.
TASK_ORDER: tuple[str, ...] = ("ASR", "GR", "SER", "S2TT", "AAC")
_POOLING_TASKS = frozenset({"ASR", "SER", "GR"})  # D case/robust pooled for these (official quirk)
_D_POOLED: Mapping[str, str] = {
    "upper_case": "case",
    "lower_case": "case",
    "syntax_error": "robust",
    "lexical_error": "robust",
}
_D_ORDER: tuple[str, ...] = (
    "default",
    "case",
    "upper_case",
    "lower_case",
    "robust",
    "grammar_robust",
    "syntax_robust",
    "semantic_equal_simple",
    "semantic_equal_neutral",
    "semantic_equal_complex",
    "alter_symbol",
)
_N_GROUPS: Mapping[str, str] = {"N1": "2-TASK", "N2": "3-TASK"}

_STAT_FIELDS: tuple[str, ...] = (
    "n",
    "compliant",
    "wer_errors",
    "wer_ref_words",
    "accuracy_correct",
    "bleu_sys_len",
    "bleu_ref_len",
    "bleu_match_1",
    "bleu_match_2",
    "bleu_match_3",
    "bleu_match_4",
    "bleu_total_1",
    "bleu_total_2",
    "bleu_total_3",
    "bleu_total_4",
)


@dataclass
class Sums:
    """Summed statistics of a group of (row, subtask) scores."""

    values: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_STAT_FIELDS, 0))

    def add(self, other: Mapping[str, Any]) -> None:
        """Add one variant's sums (NULL counts as 0)."""
        for name in _STAT_FIELDS:
            self.values[name] += int(other.get(name) or 0)

    def __getitem__(self, name: str) -> int:
        return self.values[name]

    @property
    def ifr(self) -> float:
        """Compliant share in percent."""
        return 100.0 * self["compliant"] / self["n"] if self["n"] else 0.0


def _entry_asr(sums: Sums, _meteor: float | None) -> dict[str, Any]:
    return {
        "ifr": round(sums.ifr, 2),
        "wer": round(wer_from_totals(sums["wer_errors"], sums["wer_ref_words"]), 2),
    }


def _entry_acc(sums: Sums, _meteor: float | None) -> dict[str, Any]:
    accuracy = 100.0 * sums["accuracy_correct"] / sums["n"] if sums["n"] else 0.0
    return {"ifr": round(sums.ifr, 2), "acc": round(accuracy, 2)}


def _bleu(sums: Sums) -> BleuScore:
    stats = BleuStats.from_row(
        [sums["bleu_sys_len"], sums["bleu_ref_len"]]
        + [sums[f"bleu_match_{n}"] for n in range(1, 5)]
        + [sums[f"bleu_total_{n}"] for n in range(1, 5)]
    )
    return bleu_from_totals(stats)


def _entry_d_bleu(sums: Sums, _meteor: float | None) -> dict[str, Any]:
    score = _bleu(sums)
    p1, p2, p3, p4 = score.precisions
    return {
        "ifr": round(sums.ifr, 2),
        "bleu": round(score.score, 2),
        "p1": round(p1, 2),
        "p2": round(p2, 2),
        "p3": round(p3, 2),
        "p4": round(p4, 2),
        "bp": round(score.bp, 4),
        "len_ratio": round(score.len_ratio, 4),
    }


def _entry_f_bleu(sums: Sums, _meteor: float | None) -> dict[str, Any]:
    return {"ifr": round(sums.ifr, 2), "bleu": round(_bleu(sums).score, 2)}


def _entry_aac(sums: Sums, meteor: float | None) -> dict[str, Any]:
    return {"ifr": round(sums.ifr, 2), "METEOR": round(meteor, 4) if meteor is not None else "N/A"}


Entry = Callable[[Sums, float | None], dict[str, Any]]
_ENTRIES: Mapping[tuple[str, str], Entry] = {
    **{(dim, "ASR"): _entry_asr for dim in ("D", "F")},
    **{(dim, task): _entry_acc for dim in ("D", "F") for task in ("SER", "GR")},
    ("D", "S2TT"): _entry_d_bleu,
    ("F", "S2TT"): _entry_f_bleu,
    **{(dim, "AAC"): _entry_aac for dim in ("D", "F")},
}


def export_official_metrics(db_path: Path | str, model: str) -> dict[str, Any]:
    """`{model: {"d": ..., "f": ..., "n": ...}}` for one model of the database (see module docstring).

    Raises ScoringError when the model has no scored rows. Dimensions and tasks the model was not run
    on are absent (N: `{}`), as in the published file.
    """
    connection = open_database(db_path, read_only=True)
    try:
        stats = _variant_stats(connection, model)
        if not stats:
            known = [name for (name,) in connection.execute("SELECT DISTINCT model FROM runs").fetchall()]
            raise ScoringError(f"{db_path}: no scored rows for model {model!r}; models here: {sorted(known)}")
        meteor = _meteor_scores(connection, model)
        branches = _branch_counts(connection, model)
    finally:
        connection.close()
    return {
        model: {
            "d": _dimension_tables("D", stats, meteor),
            "f": _dimension_tables("F", stats, meteor),
            "n": _n_block(stats, branches),
        }
    }


def _variant_stats(connection: duckdb.DuckDBPyConnection, model: str) -> list[dict[str, Any]]:
    result = connection.execute(
        f"SELECT dimension, variation_class, variant, task, {', '.join(_STAT_FIELDS)} "
        "FROM variant_stats WHERE model = ?",
        [model],
    )
    names = [column[0] for column in result.description or []]
    return [dict(zip(names, values, strict=True)) for values in result.fetchall()]


def _meteor_scores(connection: duckdb.DuckDBPyConnection, model: str) -> dict[tuple[str, str], float | None]:
    found = connection.execute(
        "SELECT dimension, variant, meteor FROM meteor_scores WHERE model = ? AND task = 'AAC'", [model]
    ).fetchall()
    return {(dimension, variant): value for dimension, variant, value in found}


def _branch_counts(connection: duckdb.DuckDBPyConnection, model: str) -> dict[str, tuple[int, int]]:
    found = connection.execute(
        """
        SELECT variant, count(*), count(*) FILTER (WHERE compliant)
        FROM (
            SELECT DISTINCT run_id, row_id, variant, compliant
            FROM scored WHERE model = ? AND dimension = 'N'
        )
        GROUP BY variant
        """,
        [model],
    ).fetchall()
    return {variant: (int(n), int(compliant)) for variant, n, compliant in found}


def _official_variation(dimension: str, variant: str, task: str) -> str:
    if dimension == "F":
        return F_VARIATION_NAMES.get(variant, variant)
    if task in _POOLING_TASKS and variant in _D_POOLED:
        return _D_POOLED[variant]
    return D_VARIATION_NAMES.get(variant, variant)


def _dimension_tables(
    dimension: str, stats: Sequence[Mapping[str, Any]], meteor: Mapping[tuple[str, str], float | None]
) -> dict[str, dict[str, Any]]:
    tables: dict[str, dict[str, Any]] = {}
    for task in TASK_ORDER:
        rows = [s for s in stats if s["dimension"] == dimension and s["task"] == task]
        if not rows:
            continue
        groups: dict[str, Sums] = {}
        pooled = Sums()
        meteor_of: dict[str, float | None] = {}
        for row in rows:
            name = _official_variation(dimension, row["variant"], task)
            groups.setdefault(name, Sums()).add(row)
            pooled.add(row)
            meteor_of[name] = meteor.get((dimension, row["variant"]))
        entry = _ENTRIES[(dimension, task)]
        table = {name: entry(groups[name], meteor_of[name]) for name in _ordered(dimension, task, groups)}
        total = entry(pooled, meteor.get((dimension, POOLED)))
        if dimension == "D" and task in ("SER", "GR"):
            table = {ALL: total, **table}
        else:
            table[ALL] = total
        tables[OFFICIAL_TASK[task]] = table
    return tables


def _ordered(dimension: str, task: str, groups: Mapping[str, Sums]) -> list[str]:
    if dimension == "D" and task in ("S2TT", "AAC"):
        return sorted(groups)
    order = _D_ORDER if dimension == "D" else F_VARIATIONS
    return sorted(groups, key=lambda name: (order.index(name) if name in order else len(order), name))


def _n_block(stats: Sequence[Mapping[str, Any]], branches: Mapping[str, tuple[int, int]]) -> dict[str, Any]:
    rows = [s for s in stats if s["dimension"] == "N"]
    if not rows:
        return {}
    stage: dict[str, Any] = {}
    for variation_class, label in _N_GROUPS.items():
        per_task: dict[str, Sums] = {}
        for row in rows:
            if row["variation_class"] == variation_class:
                per_task.setdefault(row["task"], Sums()).add(row)
        if not per_task:
            continue
        block: dict[str, Any] = {}
        for task in ("ASR", "SER", "GR"):
            if task in per_task:
                sums = per_task[task]
                entry = _entry_asr(sums, None) if task == "ASR" else _entry_acc(sums, None)
                block[task] = {**entry, "n": sums["n"]}
        stage[label] = block
    for variant, label in N_BRANCH_NAMES.items():
        if variant in branches:
            n, compliant = branches[variant]
            stage[label] = {"ifr": round(100.0 * compliant / n, 2) if n else 0.0, "n": n}
    return {"only": {"single-stage": stage}}
