"""Variation classes, radar axes, RPS and area ratios exactly as the official `calc_area` computes them.

Two rounding regimes are kept apart on purpose. Class values and the IFR side are plain Python floats
rounded with `round` (correct decimal rounding). The RPS side works on numpy float64, whose `round`
is numpy's: multiply by 10**d, round half to even in binary, divide; so a mean of 0.8250000000000001
rounds to 0.82 there, not 0.83. Reproducing the published areas bit for bit needs both.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from isac.runtime.isa_v1.merged import ModelMetrics

AXES: tuple[str, ...] = (
    "D-default",
    "D-case",
    "D-robust",
    "D-semantic_equal",
    "D-alter_symbol",
    "F-constrain",
    "F-case",
    "F-decoration",
    "F-json",
    "N-2-task",
    "N-3-task",
)
# The order the official RPS axis means visit the tasks in.
RPS_TASK_ORDER: tuple[str, ...] = ("asr", "gr", "ser", "s2tt", "aac")
N_TASKS: tuple[str, ...] = ("ASR", "SER", "GR")
N_AXIS_STAGES: dict[str, str] = {"N-2-task": "2-TASK", "N-3-task": "3-TASK"}

# The task metric each RPS score normalises, and whether lower is better.
RPS_METRIC: dict[str, str] = {"asr": "wer", "s2tt": "bleu", "aac": "METEOR", "ser": "acc", "gr": "acc"}
LOWER_IS_BETTER: frozenset[str] = frozenset({"wer"})
RPS_EPSILON = 1e-6

Entry = Mapping[str, Any]


# ------------------------------------------------------------------------------------ class values


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def mean_entry(entries: Sequence[Entry]) -> dict[str, Any]:
    """Field-wise mean rounded to 2 (Python), summing in the given order (float addition is order
    sensitive, so callers pass the official order); fields are those of the first entry, and a field
    missing or not numeric in any entry becomes "N/A" (the official script would crash there).
    """
    result: dict[str, Any] = {}
    for name in entries[0]:
        values = [entry.get(name) for entry in entries]
        if all(_is_number(value) for value in values):
            result[name] = round(sum(values) / len(values), 2)
        else:
            result[name] = "N/A"
    return result


def _pooled_or_mean(table: Mapping[str, Entry], pooled: str | None, parts: Sequence[str]) -> Entry | None:
    if pooled is not None and pooled in table:
        return table[pooled]
    if all(part in table for part in parts):
        return mean_entry([table[part] for part in parts])
    return None


# The official summation orders of the class means (they decide the last bit, hence some roundings).
CASE_PARTS = ("lower_case", "upper_case")
ROBUST_PARTS = ("grammar_robust", "syntax_robust")
SEMANTIC_PARTS = ("semantic_equal_complex", "semantic_equal_neutral", "semantic_equal_simple")
DECORATION_PARTS = ("prefix", "suffix", "wrap")


def d_class_entries(table: Mapping[str, Entry]) -> dict[str, Entry]:
    """D classes of one task table: case/robust pooled if present, else the rounded mean of the pair;
    semantic_equal always the rounded mean of the three."""
    found: dict[str, Entry | None] = {
        "default": table.get("default"),
        "case": _pooled_or_mean(table, "case", CASE_PARTS),
        "robust": _pooled_or_mean(table, "robust", ROBUST_PARTS),
        "semantic_equal": _pooled_or_mean(table, None, SEMANTIC_PARTS),
        "alter_symbol": table.get("alter_symbol"),
    }
    return {name: entry for name, entry in found.items() if entry is not None}


def f_class_entries(task: str, table: Mapping[str, Entry]) -> dict[str, Entry]:
    """F classes of one task table: case = mean(lower, upper) except S2TT; decoration = mean of three."""
    found: dict[str, Entry | None] = {
        "constrain": table.get("constrain"),
        "case": None if task == "s2tt" else _pooled_or_mean(table, None, CASE_PARTS),
        "decoration": _pooled_or_mean(table, None, DECORATION_PARTS),
        "json": table.get("json"),
    }
    return {name: entry for name, entry in found.items() if entry is not None}


def class_values(model: ModelMetrics) -> dict[str, dict[str, Entry]]:
    """{axis: {task: class entry}} for the D and F axes, tasks in the model's own key order.

    That order is the one the official IFR axis means sum in.
    """
    values: dict[str, dict[str, Entry]] = {axis: {} for axis in AXES[:9]}
    for task, table in model.d.items():
        for name, entry in d_class_entries(table).items():
            values[f"D-{name}"][task] = entry
    for task, table in model.f.items():
        for name, entry in f_class_entries(task, table).items():
            values[f"F-{name}"][task] = entry
    return values


def n_entry(model: ModelMetrics, stage_key: str, task: str) -> Entry | None:
    """single-stage N entry of a task for "2-TASK"/"3-TASK", or None."""
    block = model.single_stage().get(stage_key, {})
    entry = block.get(task) if isinstance(block, Mapping) else None
    return entry if isinstance(entry, Mapping) else None


# --------------------------------------------------------------------------------------- IFR axes


def ifr_axes(model: ModelMetrics) -> dict[str, float]:
    """Axis IFRs: D/F the mean class IFR over the tasks present; N the mean over the stored task entries."""
    axes: dict[str, float] = {}
    for axis, per_task in class_values(model).items():
        values = [entry["ifr"] for entry in per_task.values() if _is_number(entry.get("ifr"))]
        axes[axis] = round(sum(values) / len(values), 2) if values else 0.0
    for axis, stage_key in N_AXIS_STAGES.items():
        # Mean over the task entries present, in their stored order; 0 without N results.
        block = model.single_stage().get(stage_key, {})
        values = [entry["ifr"] for entry in block.values() if _is_number(entry.get("ifr"))]
        axes[axis] = round(sum(values) / len(values), 2) if values else 0.0
    return {axis: axes[axis] for axis in AXES}


# --------------------------------------------------------------------------------------------- RPS


def numpy_round(value: float, digits: int) -> float:
    """Python `round` on a numpy float64 (numpy's binary half-to-even rounding), as a Python float."""
    return float(round(np.float64(value), digits))


def relative_score(value: float, pool: Iterable[float], lower_is_better: bool) -> float:
    """value / (best + 1e-6), or best / (value + 1e-6) for WER; numpy float64, rounded to 2."""
    values = np.asarray(list(pool), dtype=np.float64)
    if lower_is_better:
        return numpy_round(values.min() / (np.float64(value) + RPS_EPSILON), 2)
    return numpy_round(np.float64(value) / (values.max() + RPS_EPSILON), 2)


def _metric_of(entry: Entry | None, metric: str) -> float | None:
    value = entry.get(metric) if entry is not None else None
    return float(value) if _is_number(value) else None


@dataclass(frozen=True)
class ReferencePool:
    """Every model's class values and N entries, computed once, from which the best values are taken."""

    classes: Mapping[str, Mapping[str, Mapping[str, Entry]]]  # model -> axis -> task -> entry
    models: Mapping[str, ModelMetrics]

    @classmethod
    def of(cls, models: Mapping[str, ModelMetrics]) -> ReferencePool:
        """Pool of the given models (the official pool: every model key loaded)."""
        return cls(classes={name: class_values(m) for name, m in models.items()}, models=models)

    def class_pool(self, axis: str, task: str) -> list[float]:
        """Values of the task metric of (axis, task) over every model that has one."""
        metric = RPS_METRIC[task]
        found = (_metric_of(per_axis[axis].get(task), metric) for per_axis in self.classes.values())
        return [value for value in found if value is not None]

    def n_pool(self, stage_key: str, task: str) -> list[float]:
        """Values of an N task metric over every model with N results."""
        metric = "wer" if task == "ASR" else "acc"
        found = (_metric_of(n_entry(model, stage_key, task), metric) for model in self.models.values())
        return [value for value in found if value is not None]


def rps_axes(model: ModelMetrics, pool: ReferencePool) -> dict[str, float]:
    """The 11 RPS axis scores of a model against the reference pool."""
    axes: dict[str, float] = {}
    for axis, per_task in class_values(model).items():
        scores = []
        for task in RPS_TASK_ORDER:
            metric = RPS_METRIC[task]
            value = _metric_of(per_task.get(task), metric)
            if value is None:
                continue
            scores.append(relative_score(value, pool.class_pool(axis, task), metric in LOWER_IS_BETTER))
        axes[axis] = numpy_round(np.float64(sum(scores)) / len(scores), 2) if scores else 0.0
    for axis, stage_key in N_AXIS_STAGES.items():
        total = np.float64(0.0)
        for task in N_TASKS:
            metric = "wer" if task == "ASR" else "acc"
            value = _metric_of(n_entry(model, stage_key, task), metric)
            if value is not None:
                total += relative_score(value, pool.n_pool(stage_key, task), metric in LOWER_IS_BETTER)
        axes[axis] = numpy_round(total / len(N_TASKS), 2)
    return {axis: axes[axis] for axis in AXES}


# -------------------------------------------------------------------------------------------- area


def polygon_area(radii: Sequence[float]) -> float:
    """Shoelace area of the radar polygon with vertex i at angle 2*pi*i/n and radius radii[i]."""
    count = len(radii)
    points = [
        (r * math.cos(2 * math.pi * i / count), r * math.sin(2 * math.pi * i / count))
        for i, r in enumerate(radii)
    ]
    twice = sum(
        points[i][0] * points[(i + 1) % count][1] - points[(i + 1) % count][0] * points[i][1]
        for i in range(count)
    )
    return abs(twice) / 2


def area_ratio(radii: Sequence[float]) -> float:
    """Polygon area of radii in [0, 1] over the all-ones polygon's (unrounded, 0..1)."""
    return polygon_area(radii) / polygon_area([1.0] * len(radii))


def ifr_area(axes: Mapping[str, float]) -> float:
    """IFR area ratio x100, Python-rounded to 1 decimal (radii = axis IFR / 100)."""
    return round(area_ratio([axes[axis] / 100 for axis in AXES]) * 100, 1)


def rps_area(axes: Mapping[str, float]) -> float:
    """RPS area ratio x100, numpy-rounded to 1 decimal."""
    return numpy_round(np.float64(area_ratio([axes[axis] for axis in AXES])) * 100, 1)


@dataclass(frozen=True)
class ModelScore:
    """One leaderboard row: the 11 IFR and RPS axis values and the two area ratios."""

    model: str
    ifr_axes: Mapping[str, float]
    rps_axes: Mapping[str, float]
    ifr_area: float
    rps_area: float


def score_models(models: Mapping[str, ModelMetrics], names: Sequence[str]) -> list[ModelScore]:
    """Rows for `names`, with RPS against the pool of every model in `models`."""
    pool = ReferencePool.of(models)
    rows = []
    for name in names:
        ifr = ifr_axes(models[name])
        rps = rps_axes(models[name], pool)
        rows.append(ModelScore(name, ifr, rps, ifr_area(ifr), rps_area(rps)))
    return rows
