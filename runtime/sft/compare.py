"""Before/after analysis of a fine-tuning run: IFR per task, class and variant with paired bootstrap CIs.

Both runs answered the same manifests; every row is judged again with its own compiled checker, so the
comparison is paired row by row. Confidence intervals resample ITEMS (all rows of an item together,
with replacement), which keeps the correlation between an item's variants. A change is significant
when its 95 % interval excludes 0. Forgetting = a significant IFR drop on a task's default (D1)
instruction.

This is the SFT package's own small comparison; `compare_runs` is the one entry point, meant to be
swapped for the shared paired comparison (`isac compare`) once that lands, which adds the task metrics.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from isac.compiler.errors import ScoringError
from isac.compiler.rows import CheckerSpec
from isac.runtime.results import latest_records
from isac.runtime.run_files import RESULTS_FILE
from isac.runtime.scoring.checkers import compile_checker

CONFIDENCE = 0.95


@dataclass(frozen=True)
class Change:
    """IFR before and after for one group of rows, the paired difference and its bootstrap interval."""

    group: str  # "all", "F", "F/F3", "F/F3/prefix", "F/ASR", ...
    rows: int
    items: int
    before: float  # IFR in %
    after: float
    delta: float
    low: float
    high: float

    @property
    def significant(self) -> bool:
        """The interval excludes 0."""
        return self.low > 0 or self.high < 0


@dataclass(frozen=True)
class Comparison:
    """Every group's change, the gains and the forgetting."""

    changes: tuple[Change, ...]
    resamples: int

    def gains(self) -> list[Change]:
        """Significant IFR increases."""
        return [change for change in self.changes if change.significant and change.delta > 0]

    def forgetting(self) -> list[Change]:
        """Significant IFR drops on a task's default (D1) instruction."""
        return [
            change
            for change in self.changes
            if change.significant and change.delta < 0 and change.group.startswith("D/D1/default/")
        ]

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "resamples": self.resamples,
            "confidence": CONFIDENCE,
            "changes": [asdict(change) | {"significant": change.significant} for change in self.changes],
            "forgetting": [change.group for change in self.forgetting()],
        }

    def markdown(self) -> str:
        """The report section "What fine-tuning changed"."""
        lines = [
            "## What fine-tuning changed",
            "",
            f"IFR (%) before and after on the same rows; paired item bootstrap, {self.resamples} resamples, "
            f"{int(CONFIDENCE * 100)} % intervals; * = significant.",
            "",
            "| group | rows | before | after | change | interval |",
            "|---|---:|---:|---:|---:|---|",
        ]
        for change in self.changes:
            mark = " *" if change.significant else ""
            lines.append(
                f"| {change.group} | {change.rows} | {change.before:.1f} | {change.after:.1f} | "
                f"{change.delta:+.1f}{mark} | [{change.low:+.1f}, {change.high:+.1f}] |"
            )
        forgetting = self.forgetting()
        lines += ["", "Forgetting (significant drop on a task's default D1 instruction): "]
        lines[-1] += ", ".join(change.group for change in forgetting) if forgetting else "none detected."
        return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class _Row:
    item: str
    groups: tuple[str, ...]
    before: bool
    after: bool


def manifest_rows(manifest_dir: Path) -> Iterable[dict[str, Any]]:
    """Rows of every manifest in a compiled set."""
    for path in sorted(Path(manifest_dir).glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    yield json.loads(line)


def _compliant(row: Mapping[str, Any], response: str | None) -> bool:
    checker = compile_checker(CheckerSpec.model_validate(row["checker"]))
    return checker(response, row["subtasks"]).compliant


def _groups(row: Mapping[str, Any]) -> tuple[str, ...]:
    dimension, klass, variant, task = row["dimension"], row["variation_class"], row["variant"], row["task"]
    return (
        "all",
        dimension,
        f"{dimension}/{klass}",
        f"{dimension}/{klass}/{variant}",
        f"{dimension}/{task}",
        f"{dimension}/{klass}/{variant}/{task}",
    )


def compare_runs(
    manifest_dir: Path,
    before: Path,
    after: Path,
    *,
    resamples: int = 1000,
    seed: int = 0,
    detail: bool = False,
) -> Comparison:
    """Compare two run directories over the rows both answered (see module docstring).

    `detail` also lists every (class, variant, task) cell; otherwise cells per task are left out.
    """
    records_before = latest_records(Path(before) / RESULTS_FILE)
    records_after = latest_records(Path(after) / RESULTS_FILE)
    rows: list[_Row] = []
    for row in manifest_rows(manifest_dir):
        first, second = records_before.get(row["id"]), records_after.get(row["id"])
        if first is None or second is None:
            continue
        groups = _groups(row) if detail else _groups(row)[:5]
        if row["dimension"] == "D" and row["variation_class"] == "D1":
            groups = (*groups, f"D/D1/default/{row['task']}")
        rows.append(
            _Row(row["item_id"], groups, _compliant(row, first.response), _compliant(row, second.response))
        )
    if not rows:
        raise ScoringError(f"{before} and {after} answered no common row of {manifest_dir}")
    members: dict[str, list[_Row]] = defaultdict(list)
    for row in rows:
        for group in dict.fromkeys(row.groups):
            members[group].append(row)
    rng = np.random.default_rng(seed)
    changes = [_change(group, members[group], rng, resamples) for group in _ordered(members)]
    return Comparison(tuple(changes), resamples)


def _ordered(groups: Iterable[str]) -> list[str]:
    return sorted(groups, key=lambda g: (g != "all", g.split("/")[0], g.count("/"), g))


def _change(group: str, rows: Sequence[_Row], rng: np.random.Generator, resamples: int) -> Change:
    per_item: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in rows:
        entry = per_item[row.item]
        entry[0] += row.before
        entry[1] += row.after
        entry[2] += 1
    sums = np.array(list(per_item.values()), dtype=float)  # items x (before, after, rows)
    before = sums[:, 0].sum() / sums[:, 2].sum()
    after = sums[:, 1].sum() / sums[:, 2].sum()
    n = len(sums)
    weights = rng.multinomial(n, np.full(n, 1.0 / n), size=resamples)  # resamples x items
    deltas = (weights @ (sums[:, 1] - sums[:, 0])) / (weights @ sums[:, 2])
    tail = (1 - CONFIDENCE) / 2
    low, high = np.quantile(deltas, [tail, 1 - tail])
    return Change(
        group=group,
        rows=len(rows),
        items=n,
        before=100 * before,
        after=100 * after,
        delta=100 * (after - before),
        low=100 * float(low),
        high=100 * float(high),
    )
