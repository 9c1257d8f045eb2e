"""Paired comparison of two models: differences with bootstrap CIs, p-values and a multiple-comparison
correction, per variant, class, axis and area.

Both models are resampled with the same item weights over the items both scored (a paired bootstrap),
so item difficulty cancels out of the difference. The p-value is two-sided, a Wald test with the
bootstrap standard error of the difference (see `p_value`).
Each family of tests (one level and quantity, e.g. "class value") is corrected on its own, with Holm
(family-wise error) or Benjamini-Hochberg (false discovery rate). RPS and areas use the two models as
their pool (the best of the two is the reference), which the output states.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import duckdb
import numpy as np

from isac.compiler.errors import ScoringError
from isac.runtime.scoring.bootstrap import BootstrapOptions, Level, compute_replicates, interval

CORRECTIONS = ("holm", "bh")
_QUANTITIES: dict[str, tuple[str, ...]] = {
    "variant": ("ifr", "value"),
    "class": ("ifr", "value", "rps"),
    "axis": ("ifr", "rps"),
    "area": ("ifr_area", "rps_area"),
}


@dataclass(frozen=True)
class Difference:
    """One cell's difference B - A with its interval and (raw, adjusted) p-values."""

    level: str
    cell: str
    task: str
    quantity: str
    a: float | None
    b: float | None
    difference: float | None
    low: float | None
    high: float | None
    p: float | None
    p_adjusted: float | None
    significant: bool
    better: str  # "b", "a" or "" (direction-aware: lower WER is better)
    items: int

    def as_json(self) -> dict[str, object]:
        """The difference as a JSON-ready dict."""
        return asdict(self)


@dataclass(frozen=True)
class Comparison:
    """Every compared cell plus how they were computed."""

    model_a: str
    model_b: str
    options: BootstrapOptions
    correction: str
    alpha: float
    differences: tuple[Difference, ...]

    def significant(self) -> list[Difference]:
        """The cells whose adjusted p-value is below alpha."""
        return [d for d in self.differences if d.significant]


def p_value(replicates: np.ndarray) -> float | None:
    """Two-sided p-value of a difference (`replicates[0]` observed, the rest bootstrap draws).

    A Wald test with the bootstrap standard error: p = erfc(|d| / (se * sqrt 2)). Counting draws beyond
    |d| cannot go below 1 / (B + 1), which no correction over dozens of cells would ever call
    significant; the normal tail can, and matches the count where the count is informative.
    """
    observed = float(replicates[0])
    draws = replicates[1:][~np.isnan(replicates[1:])]
    if np.isnan(observed) or len(draws) < 2:
        return None
    se = float(np.std(draws, ddof=1))
    if se == 0.0:
        return 1.0 if observed == 0.0 else 0.0
    return float(math.erfc(abs(observed) / (se * math.sqrt(2.0))))


def adjust(p_values: Sequence[float | None], method: str) -> list[float | None]:
    """Holm or Benjamini-Hochberg adjusted p-values (None stays None, others are capped at 1)."""
    if method not in CORRECTIONS:
        raise ScoringError(f"--correction {method!r}: expected one of {', '.join(CORRECTIONS)}")
    present = [(i, p) for i, p in enumerate(p_values) if p is not None]
    adjusted: list[float | None] = [None] * len(p_values)
    m = len(present)
    ordered = sorted(present, key=lambda pair: pair[1])
    if method == "holm":
        running = 0.0
        for rank, (i, p) in enumerate(ordered):
            running = max(running, min(1.0, (m - rank) * p))
            adjusted[i] = running
    else:
        running = 1.0
        for rank in range(m - 1, -1, -1):
            i, p = ordered[rank]
            running = min(running, min(1.0, p * m / (rank + 1)))
            adjusted[i] = running
    return adjusted


def _float(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


def _pairs(level: Level, model_a: str, model_b: str) -> list[tuple[tuple[object, ...], int, int]]:
    """(key without the model, column of A, column of B) for the cells both models have."""
    by_key: dict[tuple[object, ...], dict[str, int]] = {}
    for column, key in enumerate(level.key_tuples()):
        by_key.setdefault(key[1:], {})[str(key[0])] = column
    return [
        (key, found[model_a], found[model_b])
        for key, found in sorted(by_key.items(), key=lambda kv: tuple(map(str, kv[0])))
        if model_a in found and model_b in found
    ]


def compare(
    connection: duckdb.DuckDBPyConnection,
    model_a: str,
    model_b: str,
    *,
    resamples: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
    two_way: bool = False,
    correction: str = "holm",
    alpha: float = 0.05,
) -> Comparison:
    """Compare model B against model A on their shared items (see the module docstring)."""
    known = {m for (m,) in connection.execute("SELECT DISTINCT model FROM runs").fetchall()}
    for model in (model_a, model_b):
        if model not in known:
            raise ScoringError(f"model {model!r} is not in the database; it has {', '.join(sorted(known))}")
    if model_a == model_b:
        raise ScoringError("compare needs two different models")
    options = BootstrapOptions(
        resamples=resamples,
        seed=seed,
        confidence=confidence,
        two_way=two_way,
        models=(model_a, model_b),
        shared_items=True,
    )
    replicates = compute_replicates(connection, options)
    higher = dict(connection.execute("SELECT task, higher_is_better FROM tasks").fetchall())
    levels = {
        "variant": replicates.variants,
        "class": replicates.classes,
        "axis": replicates.axes,
        "area": replicates.areas,
    }
    differences: list[Difference] = []
    for level_name, level in levels.items():
        pairs = _pairs(level, model_a, model_b)
        for quantity in _QUANTITIES[level_name]:
            family: list[Difference] = []
            raw: list[float | None] = []
            for key, column_a, column_b in pairs:
                series = level.values[quantity][:, column_b] - level.values[quantity][:, column_a]
                low, high = interval(series[:, None], confidence)
                task = str(key[-1]) if level_name in ("variant", "class") else ""
                cell = "/".join(str(part) for part in (key[1:] if level_name != "area" else key))
                raw.append(p_value(series))
                lower_better = quantity == "value" and not higher.get(task, True)
                family.append(
                    Difference(
                        level=level_name,
                        cell=cell or "all",
                        task=task,
                        quantity=quantity,
                        a=_float(level.values[quantity][0, column_a]),
                        b=_float(level.values[quantity][0, column_b]),
                        difference=_float(series[0]),
                        low=_float(low[0]),
                        high=_float(high[0]),
                        p=raw[-1],
                        p_adjusted=None,
                        significant=False,
                        better=_better(series[0], lower_better),
                        items=int(
                            level.counts.get("items", np.zeros(level.values[quantity].shape[1]))[column_a]
                        )
                        if "items" in level.counts
                        else 0,
                    )
                )
            for difference, adjusted in zip(family, adjust(raw, correction), strict=True):
                differences.append(
                    Difference(
                        **{
                            **asdict(difference),
                            "p_adjusted": adjusted,
                            "significant": adjusted is not None and adjusted < alpha,
                        }
                    )
                )
    return Comparison(model_a, model_b, options, correction, alpha, tuple(differences))


def _better(difference: float, lower_is_better: bool) -> str:
    if np.isnan(difference) or difference == 0:
        return ""
    improved = difference < 0 if lower_is_better else difference > 0
    return "b" if improved else "a"
