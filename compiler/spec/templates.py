"""Template checks of a loaded spec: every fragment compiles, renders, and states the format it asks for."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from isac.compiler.errors import SpecError
from isac.compiler.render import TemplateBank, labels_text
from isac.compiler.spec.loader import SpecProblems
from isac.compiler.spec.models import Spec, TaskSpec


def task_context(task: TaskSpec) -> dict[str, Any]:
    """Variables every fragment of `task` may use: task, answer, labels, prefix."""
    return {
        "task": task.task,
        "answer": task.answer,
        "labels": labels_text(task.labels),
        "prefix": task.default_format.prefix or "",
    }


def compile_templates(spec: Spec) -> TemplateBank:
    """Compile every template of the spec once and trial-render it with the variables it may use.

    Also checks that a format description really states its format: the default D_f of a prefix task
    renders its prefix, that of a label task every label, and F templates mention their value (prefix,
    suffix, tags or key). Raises `SpecProblems` listing every problem.
    """
    bank = TemplateBank()
    problems: list[str] = []

    def check(source: str, context: Mapping[str, Any], where: str, must_contain: Sequence[str] = ()) -> None:
        try:
            bank.check(source, context, where=where)
        except SpecError as error:
            problems.append(str(error))
            return
        rendered = bank.render(source, context)
        for needle in must_contain:
            if needle not in rendered:
                problems.append(f"{where}: {source!r} does not state {needle!r}")

    for name, task in spec.tasks.items():
        context = task_context(task)
        file = task.file
        default = task.default_format
        needles = [default.prefix] if default.checker == "prefix" and default.prefix else list(task.labels)
        for index, source in enumerate(default.descriptions):
            check(source, context, f"{file}: default_format.descriptions[{index}]", needles)
        for index, source in enumerate(task.task_descriptions):
            check(source, context, f"{file}: task_descriptions[{index}]")
        for level in ("simple", "neutral", "complex"):
            for index, source in enumerate(getattr(task.rewrites, level)):
                check(source, context, f"{file}: rewrites.{level}[{index}]")
        for index, source in enumerate(task.answer_only):
            check(source, context, f"{file}: answer_only[{index}]", list(task.labels))
        if task.composite is not None:
            check(task.composite, context, f"{file}: composite", list(task.labels))
        f_context = {**context, "answer_only": "answer only", "suffix": "<s>", "left": "<l>", "right": "<r>"}
        f_context |= {"prefix": "<p>", "key": "k"}
        for v_index, variant in enumerate(spec.f_variants):
            if name in variant.exclude_tasks:
                continue
            needles = {
                "prefix": ["<p>"],
                "suffix": ["<s>"],
                "wrap": ["<l>", "<r>"],
                "json": ['"k"'],
            }.get(variant.kind, [])
            for index, source in enumerate(variant.templates):
                check(
                    source, f_context, f"dimensions/f.yaml: variants[{v_index}].templates[{index}]", needles
                )
    if spec.n is not None:
        n_context = {"answers": "a and b", "fields": "a and b", "separator": "|", "count": "two"}
        n_context |= {"example": "{}"}
        for f_index, fmt in enumerate(spec.n.formats):
            needles = ['"|"'] if fmt.kind == "separator" else []
            for index, source in enumerate(fmt.templates):
                check(source, n_context, f"dimensions/n.yaml: formats[{f_index}].templates[{index}]", needles)
    if problems:
        raise SpecProblems(Path(spec.root), problems)
    return bank
