"""The pools `isac author` can grow: where each lives in a task file and what its fragments must keep."""

from __future__ import annotations

from dataclasses import dataclass

from isac.compiler.errors import IsacError
from isac.compiler.spec.models import TaskSpec

POOL_NAMES = (
    "task_descriptions",
    "format_descriptions",
    "rewrites.simple",
    "rewrites.neutral",
    "rewrites.complex",
    "answer_only",
)
"""Every authorable pool, as named on the command line and in candidates files."""


@dataclass(frozen=True)
class PoolRules:
    """What the fragments of one pool of one task must hold."""

    pool: str
    key_path: tuple[str, ...]  # where the pool's list sits in the task YAML
    placeholders: frozenset[str]  # each must appear exactly once, as `{{ name }}`; no other Jinja
    min_words: int
    max_words: int
    no_leakage: bool  # a task description must not give the answer away (labels, the prefix)
    level: str | None  # rewrites: simple / neutral / complex
    quoted_prefix: bool  # the prefix placeholder stands in double quotes: "{{ prefix }}"
    labels_by_placeholder: bool  # label words come only through {{ labels }}


MAX_CHARS = 240
"""No fragment of any pool is longer than this (characters, placeholders as written)."""


def check_pool_name(pool: str) -> str:
    """`pool` if authorable; an error listing the authorable pools otherwise."""
    if pool not in POOL_NAMES:
        raise IsacError(f"unknown pool {pool!r}; expected one of {', '.join(POOL_NAMES)}")
    return pool


def pool_rules(task: TaskSpec, pool: str) -> PoolRules:
    """The rules for `pool` of `task` (placeholders depend on the task's checker)."""
    check_pool_name(pool)
    label_task = task.is_label_task
    if pool == "format_descriptions":
        return PoolRules(
            pool, ("default_format", "descriptions"),
            frozenset({"labels"} if label_task else {"prefix"}), 3, 25,
            no_leakage=False, level=None, quoted_prefix=not label_task, labels_by_placeholder=label_task,
        )  # fmt: skip
    if pool == "answer_only":
        return PoolRules(
            pool, ("answer_only",), frozenset({"labels"} if label_task else set()), 2, 20,
            no_leakage=False, level=None, quoted_prefix=False, labels_by_placeholder=label_task,
        )  # fmt: skip
    if pool == "task_descriptions":
        return PoolRules(
            pool, ("task_descriptions",), frozenset(), 2, 20,
            no_leakage=True, level=None, quoted_prefix=False, labels_by_placeholder=False,
        )  # fmt: skip
    level = pool.split(".", 1)[1]
    low, high = COMPLEXITY_WORDS[level]
    return PoolRules(
        pool, ("rewrites", level), frozenset(), low, high,
        no_leakage=True, level=level, quoted_prefix=False, labels_by_placeholder=False,
    )  # fmt: skip


def training_key_path(pool: str) -> tuple[str, ...]:
    """Where the training-only twin of `pool` sits in the task YAML (the `training:` block, `isac sft`)."""
    check_pool_name(pool)
    if pool.startswith("rewrites."):
        return ("training", "rewrites", pool.split(".", 1)[1])
    return ("training", pool)


COMPLEXITY_WORDS: dict[str, tuple[int, int]] = {"simple": (1, 6), "neutral": (5, 18), "complex": (15, 45)}
"""Word bands per rewrite level (inclusive). They overlap on purpose at the edges; `complexity` adds the
clause bands (`validate.CLAUSE_BANDS`) that separate the levels."""


def pool_fragments(task: TaskSpec, pool: str) -> tuple[str, ...]:
    """The fragments `pool` of `task` holds now."""
    check_pool_name(pool)
    if pool == "task_descriptions":
        return task.task_descriptions
    if pool == "format_descriptions":
        return task.default_format.descriptions
    if pool == "answer_only":
        return task.answer_only
    return getattr(task.rewrites, pool.split(".", 1)[1])
