"""Typed, frozen models of a loaded spec. Built only after every file passed its JSON Schema."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Punctuation(_Frozen):
    """Pools of connecting (P_c) and ending (P_e) punctuation."""

    connecting: tuple[str, ...]
    ending: tuple[str, ...]


class DatasetSpec(_Frozen):
    """A dataset the benchmark draws items from; options go to the adapter unchanged."""

    name: str
    adapter: str
    options: dict[str, Any] = Field(default_factory=dict)


class DefaultFormat(_Frozen):
    """The format a task asks for in the D dimension and the pool of its descriptions (D_f)."""

    checker: Literal["prefix", "label"]
    prefix: str | None = None  # the text a prefix-format answer starts with
    descriptions: tuple[str, ...]


class Rewrites(_Frozen):
    """D4: rewritten task descriptions at three levels of semantic complexity."""

    simple: tuple[str, ...]
    neutral: tuple[str, ...]
    complex: tuple[str, ...]


class MetricSpec(_Frozen):
    """How a task is scored: a registered metric, its options, and (optionally) its stated direction.

    `metric: wer` in YAML is shorthand for `metric: {name: wer}`. `direction`, when written, must agree
    with the registered metric's own direction (checked when scoring).
    """

    name: str
    direction: Literal["higher", "lower"] | None = None
    options: dict[str, Any] = Field(default_factory=dict)


class AxisSpec(_Frozen):
    """One radar axis: a variation class and its display name, in the order the area formula walks."""

    variation_class: str
    name: str


class TaskSpec(_Frozen):
    """One atomic task with its dataset, metric, fragment pools and format vocabulary."""

    task: str
    file: str  # spec-relative path, for messages
    dataset: str
    metric: MetricSpec
    answer: str  # noun naming the answer in format templates ("transcription", "emotion label")
    labels: tuple[str, ...] = ()
    default_format: DefaultFormat
    task_descriptions: tuple[str, ...]
    rewrites: Rewrites
    answer_only: tuple[str, ...]
    forbidden: tuple[str, ...] = ()
    json_keys: tuple[str, ...]
    composite: str | None = None  # how an N instruction names this task's answer
    punctuation: Punctuation | None = None  # overrides the benchmark's base pools

    @property
    def is_label_task(self) -> bool:
        """SER and GR: the answer is one word of `labels`."""
        return bool(self.labels)


class DVariant(_Frozen):
    """One D-dimension variant: how to derive it from the item's base instruction."""

    variant: str
    variation_class: str
    kind: Literal["default", "upper_case", "lower_case", "word_swap", "typo", "rewrite", "punctuation"]
    rate: float = 0.0
    min_edits: int = 1
    max_edits: int = 0
    min_word_length: int = 4
    operations: tuple[str, ...] = ()
    level: str | None = None  # rewrite: simple / neutral / complex
    punctuation: Punctuation | None = None  # punctuation: alternative P_c / P_e pools


class FVariant(_Frozen):
    """One F-dimension variant: a format, its pools of values and of phrasings."""

    variant: str
    variation_class: str
    kind: Literal["answer_only", "upper_case", "lower_case", "prefix", "suffix", "wrap", "json"]
    exclude_tasks: tuple[str, ...] = ()
    templates: tuple[str, ...] = ()
    values: tuple[str, ...] = ()  # prefix / suffix strings
    pairs: tuple[tuple[str, str], ...] = ()  # wrap: (left, right)


class NFormat(_Frozen):
    """One composite output format of the N dimension."""

    variant: str
    kind: Literal["separator", "json"]
    templates: tuple[str, ...]
    separators: tuple[str, ...] = ()


class NDimension(_Frozen):
    """Composite instructions over ordered subsets of `tasks` drawn from one dataset."""

    dataset: str
    tasks: tuple[str, ...]
    sizes: dict[int, str]  # subset size -> variation class (2 -> N1, 3 -> N2)
    require_references: tuple[str, ...]
    more_than_words: dict[str, int]  # task -> its first reference must have more words than this
    joiners: tuple[str, ...]
    formats: tuple[NFormat, ...]


class Spec(_Frozen):
    """The whole benchmark."""

    root: str  # the spec directory as given, for messages
    sha256: str
    name: str
    version: str
    seed: int
    datasets: dict[str, DatasetSpec]
    punctuation: Punctuation
    tasks: dict[str, TaskSpec]  # in benchmark order
    d_variants: tuple[DVariant, ...]
    f_variants: tuple[FVariant, ...]
    n: NDimension | None = None
    axes: tuple[AxisSpec, ...] = ()  # declared radar axes; empty: every class in variant order
