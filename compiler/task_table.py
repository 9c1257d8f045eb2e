"""What scoring needs to know about each task and radar axis, compiled from the spec into the lock.

Scoring, RPS, axes and reports read these records from the compiled set (`isac.lock.json`, keys
`tasks` and `axes`) and never from a list of task names in code: a task the code has never heard of is
scored by its declared metric, with its declared labels, on the axes its variation classes declare.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from isac.compiler.spec.models import Spec


class CompiledMetric(BaseModel):
    """The metric a task is scored with: a registered metric name, its options, its stated direction."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    direction: Literal["higher", "lower"] | None = None
    options: dict[str, Any] = Field(default_factory=dict)


class CompiledTask(BaseModel):
    """One task as the runtime sees it (`order` is its position in the benchmark's task list)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    order: int
    dataset: str
    metric: CompiledMetric
    answer: str
    labels: tuple[str, ...] = ()
    composite: str | None = None


class CompiledAxis(BaseModel):
    """One radar axis: a variation class of a dimension, in area-formula order."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    variation_class: str
    dimension: str
    name: str


def compiled_tasks(spec: Spec) -> dict[str, CompiledTask]:
    """The spec's tasks in benchmark order, as recorded in the lock."""
    return {
        name: CompiledTask(
            order=index,
            dataset=task.dataset,
            metric=CompiledMetric(
                name=task.metric.name, direction=task.metric.direction, options=dict(task.metric.options)
            ),
            answer=task.answer,
            labels=task.labels,
            composite=task.composite,
        )
        for index, (name, task) in enumerate(spec.tasks.items())
    }


def compiled_axes(spec: Spec) -> tuple[CompiledAxis, ...]:
    """The radar axes: those the spec declares, else every variation class in variant order (D, F, N)."""
    dimension_of: dict[str, str] = {}
    for variant in spec.d_variants:
        dimension_of.setdefault(variant.variation_class, "D")
    for variant in spec.f_variants:
        dimension_of.setdefault(variant.variation_class, "F")
    if spec.n is not None:
        for _size, variation_class in sorted(spec.n.sizes.items()):
            dimension_of.setdefault(variation_class, "N")
    if spec.axes:
        return tuple(
            CompiledAxis(
                variation_class=axis.variation_class,
                dimension=dimension_of.get(axis.variation_class, axis.variation_class[:1]),
                name=axis.name,
            )
            for axis in spec.axes
        )
    return tuple(
        CompiledAxis(variation_class=cls, dimension=dimension, name=cls)
        for cls, dimension in dimension_of.items()
    )
