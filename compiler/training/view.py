"""The training view of a spec: the same benchmark with every test pool swapped for its training pool.

Compiling the view with the training splits gives rows shaped exactly like test rows (same variants,
formats and checkers) whose instruction text comes only from training fragments. The test compile never
reads a training pool, so adding one leaves every test manifest unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable

from isac.compiler.errors import SpecError
from isac.compiler.spec.models import (
    DatasetSpec,
    DefaultFormat,
    FVariant,
    NDimension,
    NFormat,
    Rewrites,
    Spec,
    TaskSpec,
)
from isac.compiler.training.normalize import normalize_text


def training_view(spec: Spec) -> Spec:
    """The spec with training pools and training dataset options in place of the test ones.

    Raises SpecError listing every missing training pool and every training fragment that also occurs
    (after normalisation) in the test pool it replaces.
    """
    problems: list[str] = []
    datasets = {}
    for name, dataset in spec.datasets.items():
        if dataset.training is None:
            problems.append(f"benchmark.yaml: datasets.{name}.training: missing (training split options)")
            datasets[name] = dataset
            continue
        datasets[name] = DatasetSpec.model_validate(
            {"name": name, "adapter": dataset.adapter, "options": dataset.training}
        )
    tasks = {name: _task_view(task, problems) for name, task in spec.tasks.items()}
    f_variants = tuple(_f_view(variant, index, problems) for index, variant in enumerate(spec.f_variants))
    n = _n_view(spec.n, problems) if spec.n is not None else None
    if problems:
        lines = "\n".join(f"  {problem}" for problem in problems)
        raise SpecError(f"spec {spec.root} cannot compile a training corpus:\n{lines}")
    return spec.model_copy(update={"datasets": datasets, "tasks": tasks, "f_variants": f_variants, "n": n})


def _overlap(where: str, training: Iterable[str], test: Iterable[str], problems: list[str]) -> None:
    held_out = {normalize_text(text) for text in test}
    for text in training:
        if normalize_text(text) in held_out:
            problems.append(f"{where}: {text!r} is also in the test pool")


def _task_view(task: TaskSpec, problems: list[str]) -> TaskSpec:
    training = task.training
    if training is None:
        problems.append(f"{task.file}: training: missing (training-only pools)")
        return task
    where = f"{task.file}: training"
    _overlap(f"{where}.task_descriptions", training.task_descriptions, task.task_descriptions, problems)
    _overlap(
        f"{where}.format_descriptions",
        training.format_descriptions,
        task.default_format.descriptions,
        problems,
    )
    _overlap(f"{where}.answer_only", training.answer_only, task.answer_only, problems)
    for level in ("simple", "neutral", "complex"):
        _overlap(
            f"{where}.rewrites.{level}",
            getattr(training.rewrites, level),
            getattr(task.rewrites, level),
            problems,
        )
    # model_copy skips validation: the training pools may be smaller than the test minimums
    default_format = DefaultFormat.model_construct(
        **{**dict(task.default_format), "descriptions": training.format_descriptions}
    )
    rewrites = Rewrites.model_construct(**dict(training.rewrites))
    return task.model_copy(
        update={
            "task_descriptions": training.task_descriptions,
            "default_format": default_format,
            "answer_only": training.answer_only,
            "rewrites": rewrites,
        }
    )


def _f_view(variant: FVariant, index: int, problems: list[str]) -> FVariant:
    if not variant.templates:
        return variant
    where = f"dimensions/f.yaml: variants[{index}].training_templates"
    if not variant.training_templates:
        problems.append(f"{where}: missing (variant {variant.variant!r} has templates)")
        return variant
    _overlap(where, variant.training_templates, variant.templates, problems)
    return variant.model_copy(update={"templates": variant.training_templates})


def _n_view(n: NDimension, problems: list[str]) -> NDimension:
    formats: list[NFormat] = []
    for index, fmt in enumerate(n.formats):
        where = f"dimensions/n.yaml: formats[{index}].training_templates"
        if not fmt.training_templates:
            problems.append(f"{where}: missing (format {fmt.variant!r})")
            formats.append(fmt)
            continue
        _overlap(where, fmt.training_templates, fmt.templates, problems)
        formats.append(fmt.model_copy(update={"templates": fmt.training_templates}))
    return n.model_copy(update={"formats": tuple(formats)})
