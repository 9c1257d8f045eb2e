"""Which (variant, task, item) each example of a training corpus is: cells, a mix, a seeded allocation.

A cell is one (dimension, class, variant, task or subtask order) of the training view, exactly as the
test compile would produce rows for it. The mix weighs dimensions (balanced by default); within a
dimension every class weighs the same, and within a class every cell. Counts are allocated by largest
remainder, items drawn per cell from a `HashRng` (every item once before any repeats), and the corpus
order is a seeded shuffle: the same spec, data, size, mix and seed give the same plan.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from isac.compiler.build import Builder
from isac.compiler.datasets.base import DatasetItem
from isac.compiler.errors import IsacError
from isac.compiler.sampling import HashRng
from isac.compiler.spec.models import Spec


class CorpusError(IsacError):
    """A training corpus cannot be planned or built as asked (bad mix, no items, ...)."""


@dataclass(frozen=True)
class Cell:
    """One (dimension, class, variant, tasks) combination the corpus draws examples from."""

    dimension: str
    variation_class: str
    variant: str
    tasks: tuple[str, ...]

    @property
    def key(self) -> str:
        """`F/F3/prefix/ASR`, `N/N1/json/ASR+SER`."""
        return f"{self.dimension}/{self.variation_class}/{self.variant}/{'+'.join(self.tasks)}"


@dataclass(frozen=True)
class Mix:
    """Dimension weights and optional filters; the default weighs D, F and N equally."""

    dimensions: Mapping[str, float] = field(default_factory=lambda: {"D": 1.0, "F": 1.0, "N": 1.0})
    classes: frozenset[str] = frozenset()  # empty: every class
    tasks: frozenset[str] = frozenset()  # empty: every task (an N cell needs all its subtasks allowed)

    @classmethod
    def parse(cls, text: str | None, classes: str | None = None, tasks: str | None = None) -> Mix:
        """`"D=1,F=2,N=1"` (dimensions left out weigh 0); classes/tasks are comma-separated lists."""
        dimensions: dict[str, float] = {"D": 1.0, "F": 1.0, "N": 1.0}
        if text:
            dimensions = {"D": 0.0, "F": 0.0, "N": 0.0}
            for part in text.split(","):
                name, _, weight = part.partition("=")
                name = name.strip().upper()
                if name not in dimensions:
                    raise CorpusError(f"--mix: unknown dimension {name!r} in {text!r}; expected D, F or N")
                try:
                    value = float(weight) if weight.strip() else 1.0
                except ValueError:
                    raise CorpusError(f"--mix: weight of {name} must be a number, got {weight!r}") from None
                if value < 0:
                    raise CorpusError(f"--mix: weight of {name} must not be negative, got {value}")
                dimensions[name] = value
        split = lambda raw: frozenset(x.strip() for x in (raw or "").split(",") if x.strip())  # noqa: E731
        return cls(dimensions=dimensions, classes=split(classes), tasks=split(tasks))

    def describe(self) -> dict[str, object]:
        """JSON-ready description for the corpus lock."""
        return {
            "dimensions": dict(self.dimensions),
            "classes": sorted(self.classes),
            "tasks": sorted(self.tasks),
        }


@dataclass(frozen=True)
class CorpusPlan:
    """The cells, their item pools and the examples: (cell index, item index, repetition) in order."""

    cells: tuple[Cell, ...]
    items: tuple[Sequence[DatasetItem], ...]  # per cell
    examples: list[tuple[int, int, int]]

    def counts(self) -> dict[str, int]:
        """Examples per cell key."""
        out = dict.fromkeys((cell.key for cell in self.cells), 0)
        for cell_index, _, _ in self.examples:
            out[self.cells[cell_index].key] += 1
        return out


def corpus_cells(spec: Spec) -> list[Cell]:
    """Every cell of the spec, in manifest order (D tasks, F tasks, N)."""
    cells = [
        Cell("D", variant.variation_class, variant.variant, (task,))
        for task in spec.tasks
        for variant in spec.d_variants
    ]
    cells += [
        Cell("F", variant.variation_class, variant.variant, (task,))
        for task in spec.tasks
        for variant in spec.f_variants
        if task not in variant.exclude_tasks
    ]
    if spec.n is not None:
        for size in sorted(spec.n.sizes):
            for order in itertools.permutations(spec.n.tasks, size):
                for fmt in spec.n.formats:
                    cells.append(Cell("N", spec.n.sizes[size], fmt.variant, tuple(order)))
    return cells


def plan_corpus(builder: Builder, size: int, mix: Mix, seed: int) -> CorpusPlan:
    """Allocate `size` examples over the cells the mix allows and draw their items (see module doc)."""
    if size < 1:
        raise CorpusError(f"--size must be at least 1, got {size}")
    spec = builder.spec
    pools: dict[tuple[str, ...], Sequence[DatasetItem]] = {}
    for name, task in spec.tasks.items():
        pools[(name,)] = builder._task_items(task)
    n_items = builder._n_items() if spec.n is not None else []
    cells: list[Cell] = []
    items: list[Sequence[DatasetItem]] = []
    for cell in corpus_cells(spec):
        if mix.dimensions.get(cell.dimension, 0) <= 0:
            continue
        if mix.classes and cell.variation_class not in mix.classes:
            continue
        if mix.tasks and not set(cell.tasks) <= mix.tasks:
            continue
        pool = n_items if cell.dimension == "N" else pools[cell.tasks]
        if pool:
            cells.append(cell)
            items.append(pool)
    if not cells:
        raise CorpusError("the mix selects no cell that has training items (check --mix/--classes/--tasks)")
    counts = _allocate(cells, mix, size)
    examples: list[tuple[int, int, int]] = []
    for cell_index, (cell, count) in enumerate(zip(cells, counts, strict=True)):
        rng = HashRng(seed, "sft-items", cell.key)
        examples += [(cell_index, i, r) for i, r in draw_items(rng, len(items[cell_index]), count)]
    shuffle(HashRng(seed, "sft-order"), examples)
    return CorpusPlan(tuple(cells), tuple(items), examples)


def _allocate(cells: Sequence[Cell], mix: Mix, size: int) -> list[int]:
    """Hierarchical largest-remainder allocation: size -> dimensions (by weight) -> classes (equally) ->
    cells (equally), so each level's totals are as exact as whole numbers allow."""
    dimensions: dict[str, dict[str, list[int]]] = {}
    for index, cell in enumerate(cells):
        dimensions.setdefault(cell.dimension, {}).setdefault(cell.variation_class, []).append(index)
    counts = [0] * len(cells)
    names = list(dimensions)
    per_dimension = _split(size, [Fraction(mix.dimensions[name]) for name in names])
    for name, dimension_count in zip(names, per_dimension, strict=True):
        classes = list(dimensions[name].values())
        per_class = _split(dimension_count, [Fraction(1)] * len(classes))
        for members, class_count in zip(classes, per_class, strict=True):
            for index, count in zip(members, _split(class_count, [Fraction(1)] * len(members)), strict=True):
                counts[index] = count
    return counts


def _split(total: int, weights: Sequence[Fraction]) -> list[int]:
    """`total` in whole parts proportional to `weights` (largest remainder; ties to the earlier part)."""
    weight_sum = sum(weights)
    exact = [weight / weight_sum * total for weight in weights]
    parts = [int(value) for value in exact]
    order = sorted(range(len(parts)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def draw_items(rng: HashRng, n: int, k: int) -> list[tuple[int, int]]:
    """`k` (item index, repetition) pairs from n items: every item once per full round, then a sample."""
    rounds, rest = divmod(k, n)
    out = [(i, r) for r in range(rounds) for i in range(n)]
    # sparse partial Fisher-Yates: O(rest) time and memory whatever n is
    swapped: dict[int, int] = {}
    for position in range(rest):
        j = position + rng.below(n - position)
        out.append((swapped.get(j, j), rounds))
        swapped[j] = swapped.get(position, position)
    return out


def shuffle(rng: HashRng, values: list[tuple[int, int, int]]) -> None:
    """In-place Fisher-Yates shuffle driven by `rng`."""
    for i in range(len(values) - 1, 0, -1):
        j = rng.below(i + 1)
        values[i], values[j] = values[j], values[i]
