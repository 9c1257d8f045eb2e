"""The task table scoring obeys: each task's metric, labels and the radar axes, read from compiled sets.

A compiled set records them in its lock file (`isac.lock.json`, keys `tasks` and `axes`; see
`isac.compiler.task_table`). Sets compiled before isac recorded them (or manifests without a lock) were
compiled from the default spec, so their table is taken from the bundled `spec/`, with a warning.
Every task's metric is checked against the metric registry (known name, allowed options, stated
direction agreeing with the metric's own) before anything is scored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from isac.compiler.errors import ManifestError, ScoringError
from isac.compiler.manifests import LOCK_FILE, Lock
from isac.compiler.manifests import read_lock as read_compiled_lock
from isac.compiler.task_table import CompiledAxis, CompiledTask, compiled_axes, compiled_tasks
from isac.runtime.scoring.metric_registry import get_metric
from isac.runtime.scoring.metrics.definition import MetricDefinition


@dataclass(frozen=True)
class TaskTable:
    """Tasks (in benchmark order) and radar axes (in area-formula order) of the sets being scored."""

    tasks: Mapping[str, CompiledTask]
    axes: tuple[CompiledAxis, ...]
    source: str  # where the table came from, for messages

    def task(self, name: str, *, row: str = "") -> CompiledTask:
        """The compiled task `name`; ScoringError naming the row and the known tasks otherwise."""
        found = self.tasks.get(name)
        if found is None:
            where = f"row {row}: " if row else ""
            raise ScoringError(
                f"{where}task {name!r} is not declared by the compiled set ({self.source}); "
                f"declared: {', '.join(self.tasks) or 'none'}"
            )
        return found

    def metric(self, name: str) -> MetricDefinition:
        """The registered metric of task `name`."""
        return get_metric(self.task(name).metric.name)


def check_task(name: str, task: CompiledTask, source: str) -> MetricDefinition:
    """The task's metric, after checking its options and stated direction (ScoringError otherwise)."""
    try:
        metric = get_metric(task.metric.name)
    except ScoringError as error:
        raise ScoringError(f"{source}: task {name}: {error}") from None
    metric.check_options(name, task.metric.options)
    stated = task.metric.direction
    actual = "higher" if metric.higher_is_better else "lower"
    if stated is not None and stated != actual:
        raise ScoringError(
            f"{source}: task {name}: metric {metric.name!r} is {actual}-is-better, but the spec says "
            f"direction: {stated}"
        )
    return metric


@cache
def _default_table() -> tuple[dict[str, CompiledTask], tuple[CompiledAxis, ...], str]:
    from isac.compiler.resources import bundled_spec_dir
    from isac.compiler.spec import load_spec

    spec_dir = bundled_spec_dir()
    if spec_dir is None:
        raise ScoringError(
            "the manifests carry no task table (compiled by an older isac) and this install of isac "
            "carries no default spec; recompile them with `isac compile`"
        )
    spec = load_spec(spec_dir)
    return compiled_tasks(spec), compiled_axes(spec), str(spec_dir)


def read_lock(manifest_dir: Path) -> Lock | None:
    """The lock of a manifest folder, or None when it has none (ScoringError when it is unreadable)."""
    if not (Path(manifest_dir) / LOCK_FILE).is_file():
        return None
    try:
        return read_compiled_lock(manifest_dir)
    except ManifestError as error:
        raise ScoringError(str(error)) from None


def load_task_table(manifest_dirs: Iterable[Path]) -> tuple[TaskTable, list[str]]:
    """Merge the task tables of the folders holding a run's manifests; also return warnings.

    The same task declared differently by two sets is an error (their scores would not be comparable).
    """
    tasks: dict[str, CompiledTask] = {}
    axes: dict[str, CompiledAxis] = {}
    sources: list[str] = []
    warnings: list[str] = []
    for folder in dict.fromkeys(Path(d) for d in manifest_dirs):
        lock = read_lock(folder)
        if lock is not None and lock.tasks:
            found_tasks, found_axes, source = dict(lock.tasks), lock.axes, str(folder / LOCK_FILE)
        else:
            found_tasks, found_axes, default_source = _default_table()
            source = f"default spec {default_source}"
            warnings.append(
                f"{folder}: no task table in {LOCK_FILE} (compiled by an older isac, or no lock); "
                f"scoring with the tasks of the default spec. Recompile to record them"
            )
        sources.append(source)
        for name, task in found_tasks.items():
            check_task(name, task, source)
            known = tasks.get(name)
            if known is not None and known.model_copy(update={"order": 0}) != task.model_copy(
                update={"order": 0}
            ):
                raise ScoringError(
                    f"{source}: task {name} is declared differently from another manifest set of the same "
                    f"run ({known.metric.name} vs {task.metric.name}); score them separately"
                )
            tasks.setdefault(name, task)
        for axis in found_axes:
            axes.setdefault(axis.variation_class, axis)
    ordered = dict(sorted(tasks.items(), key=lambda item: item[1].order))
    return TaskTable(ordered, tuple(axes.values()), "; ".join(dict.fromkeys(sources))), warnings
