"""The spec's models, written once: each mirrors one YAML file key for key, generates that file's JSON
Schema (`isac schema`), and is the typed object the compiler uses.

    Benchmark     benchmark.yaml              TaskSpec      tasks/<task>.yaml
    DDimension    dimensions/d.yaml           FDimension    dimensions/f.yaml
    NDimension    dimensions/n.yaml           Spec          all of them together, as the compiler sees it

YAML keys that are not Python names use aliases (`class` -> `variation_class`). What the loader adds to a
document (a task's file, a dataset's name, the spec's root and hash) is hidden from the JSON Schema, so a
YAML file cannot set it. Constraints pydantic cannot express (unique items, requirements that depend on a
`kind` or a `checker`) come from `isac.compiler.spec.constraints`.
"""

from __future__ import annotations

from functools import cached_property
from typing import Annotated, Any, Literal

from annotated_types import MinLen
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, field_validator
from pydantic.json_schema import SkipJsonSchema

from isac.compiler.spec.constraints import (
    CLASS_NAME,
    DATASET_NAME,
    FORBIDDEN,
    JSON_KEY,
    LABEL,
    METRIC_NAME,
    TASK_NAME,
    VARIANT_NAME,
    VERSION,
    KindKeys,
    NonEmpty,
    Pool,
    UniqueItems,
    kind_rules,
    when,
)


class _Frozen(BaseModel):
    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        use_attribute_docstrings=True,  # the docstring under a field is its JSON Schema description
        validate_by_name=True,
        validate_by_alias=True,
    )


TaskName = Annotated[str, StringConstraints(pattern=TASK_NAME)]
VariantName = Annotated[str, StringConstraints(pattern=VARIANT_NAME)]
Connecting = Annotated[tuple[NonEmpty, ...], MinLen(2), UniqueItems()]
Ending = Annotated[tuple[str, ...], MinLen(2), UniqueItems()]  # "" ends an instruction with nothing


class Punctuation(_Frozen):
    """Pools of connecting (P_c) and ending (P_e) punctuation."""

    connecting: Connecting
    """P_c: joins the task description to the format description"""
    ending: Ending
    """P_e: ends the instruction (may be the empty string)"""


# ----------------------------------------------------------------------------------------- benchmark.yaml


class DatasetSpec(_Frozen):
    """A dataset the benchmark draws items from; options go to the adapter unchanged."""

    name: SkipJsonSchema[str]  # its key under `datasets`, copied in by `_name_datasets`
    adapter: NonEmpty
    """a registered dataset adapter (librispeech, covost2, iemocap, audiocaps, jsonl, or a plugin's)"""
    options: dict[str, Any] = Field(default_factory=dict)
    """adapter options overriding its defaults (see the adapter's module docstring)"""
    training: dict[str, Any] | None = None
    """adapter options of the TRAINING split (replacing `options` as a whole) for `isac sft`; the test
    compile never reads them"""


class AxisSpec(_Frozen):
    """One radar axis: a variation class and its display name, in the order the area formula walks."""

    variation_class: Annotated[str, StringConstraints(pattern=CLASS_NAME)] = Field(alias="class")
    """a variation class of the D, F or N variants (D1, F3, N2, ...)"""
    name: NonEmpty
    """the axis label on the radar chart"""


def _name_datasets(raw: Any) -> Any:
    # a dataset's name is its key; copied into the entry so a DatasetSpec knows it
    if isinstance(raw, dict):
        return {
            key: {**value, "name": key} if isinstance(value, dict) else value for key, value in raw.items()
        }
    return raw


class _BenchmarkFields(_Frozen):
    """The keys of benchmark.yaml that the compiled Spec keeps as they are."""

    name: NonEmpty
    """the benchmark's name, recorded in the lock file"""
    version: Annotated[str, StringConstraints(pattern=VERSION)]
    """the benchmark's version (quote it in YAML: "1.0")"""
    seed: int = Field(ge=0)
    """every sampled fragment derives from this seed"""
    datasets: Annotated[
        dict[Annotated[str, StringConstraints(pattern=DATASET_NAME)], DatasetSpec],
        MinLen(1),
        BeforeValidator(_name_datasets),
    ]
    """dataset name -> adapter and options"""
    punctuation: Punctuation
    """the base P_c and P_e pools"""
    axes: Annotated[tuple[AxisSpec, ...], MinLen(1)] = ()
    """radar axes in the order the area formula walks them; default: every class in variant order"""


class Benchmark(_BenchmarkFields):
    """benchmark.yaml: the benchmark's name, version, seed, tasks, datasets, base punctuation, radar axes."""

    tasks: Annotated[tuple[TaskName, ...], MinLen(1), UniqueItems()]
    """task names in benchmark order; each has a file tasks/<name in lower case>.yaml"""


# ----------------------------------------------------------------------------------------- tasks/<task>.yaml


class DefaultFormat(_Frozen):
    """The format a task asks for in the D dimension and the pool of its descriptions (D_f)."""

    model_config = ConfigDict(
        json_schema_extra=when(
            {"checker": "prefix"}, {"required": ["prefix"]}, reason="when checker is prefix"
        )
    )

    checker: Literal["prefix", "label"]
    """prefix: the answer starts with `prefix`; label: the answer is one word of the task's labels"""
    prefix: NonEmpty | None = None
    """the text a prefix-format answer starts with (required when checker is prefix)"""
    descriptions: Pool = Field(min_length=10)
    """D_f pool; each states the prefix or every label"""


class Rewrites(_Frozen):
    """D4: rewritten task descriptions at three levels of semantic complexity."""

    simple: Pool = Field(min_length=8)
    neutral: Pool = Field(min_length=8)
    complex: Pool = Field(min_length=8)


SmallPool = Annotated[tuple[NonEmpty, ...], MinLen(2), UniqueItems()]


class TrainingRewrites(_Frozen):
    """Training-only D4 rewrites (each level disjoint from the test pool of that level)."""

    simple: SmallPool
    neutral: SmallPool
    complex: SmallPool


class TaskTraining(_Frozen):
    """Training-only fragment pools of a task (`isac sft`). Each replaces the test pool of the same name
    when a training corpus is compiled, and must share no fragment with it; the test compile never reads
    them, so adding or editing them leaves every test manifest unchanged."""

    task_descriptions: SmallPool
    """D_t pool for training"""
    format_descriptions: SmallPool
    """D_f pool for training (replaces default_format.descriptions)"""
    answer_only: SmallPool
    """F base phrases for training"""
    rewrites: TrainingRewrites
    """D4 rewrites for training"""


class MetricSpec(_Frozen):
    """How a task is scored: a registered metric, its options, and (optionally) its stated direction.

    `metric: wer` in YAML is shorthand for `metric: {name: wer}`. `direction`, when written, must agree
    with the registered metric's own direction (checked when scoring).
    """

    name: Annotated[str, StringConstraints(pattern=METRIC_NAME)]
    """a registered metric (wer, bleu, accuracy, meteor, or a plugin's)"""
    direction: Literal["higher", "lower"] | None = None
    """whether higher or lower values are better; must agree with the metric's own"""
    options: dict[str, Any] = Field(default_factory=dict)
    """metric options (e.g. normalizer, tokenizer)"""


MetricName = Annotated[str, StringConstraints(pattern=METRIC_NAME)]


def _metric_shorthand(raw: Any) -> Any:
    return {"name": raw} if isinstance(raw, str) else raw


class TaskSpec(_Frozen):
    """tasks/<task>.yaml: one atomic task, its dataset and metric, its format and its fragment pools."""

    model_config = ConfigDict(
        json_schema_extra={
            "allOf": [
                when(
                    {"default_format.checker": "label"},
                    {"required": ["labels"]},
                    reason="when default_format.checker is label",
                ),
                when(
                    {"default_format.checker": "prefix"},
                    {"required": ["forbidden"]},
                    reason="when default_format.checker is prefix",
                ),
            ]
        }
    )

    task: TaskName
    """the task name, as listed in benchmark.yaml"""
    file: SkipJsonSchema[str]  # spec-relative path, for messages; filled in by the loader
    dataset: NonEmpty
    """a dataset declared in benchmark.yaml"""
    metric: Annotated[
        MetricSpec, BeforeValidator(_metric_shorthand, json_schema_input_type=MetricName | MetricSpec)
    ]
    """a registered metric name, or {name, direction, options}"""
    answer: NonEmpty
    """noun naming the answer in format templates ("transcription", "emotion")"""
    labels: Annotated[
        tuple[Annotated[str, StringConstraints(pattern=LABEL)], ...], MinLen(2), UniqueItems()
    ] = ()
    """label tasks only: the answer is one of these words (lower case)"""
    default_format: DefaultFormat
    task_descriptions: Pool = Field(min_length=20)
    """D_t pool"""
    rewrites: Rewrites
    answer_only: Pool = Field(min_length=8)
    """F base: "just the answer" phrases; label tasks state every label"""
    forbidden: Pool = ()
    """prefix tasks: phrases an answer-only (F1) response may not contain"""
    target_script: Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Za-z_]*$")] | None = None
    """open-text tasks: the Unicode script (e.g. Han) at least half the words of an answer-only (F1)
    response must be written in; for a translation task, the target language's script"""
    json_keys: Annotated[tuple[Annotated[str, StringConstraints(pattern=JSON_KEY)], ...], UniqueItems()] = (
        Field(min_length=3)
    )
    """F4 and N JSON keys"""
    composite: NonEmpty | None = None
    """how an N instruction names this task's answer (required when dimensions/n.yaml composes the task)"""
    punctuation: Punctuation | None = None
    """replaces the benchmark's base punctuation pools for this task"""
    training: TaskTraining | None = None
    """training-only pools (`isac sft`), disjoint from the test pools above; never read by the test compile"""

    @property
    def is_label_task(self) -> bool:
        """SER and GR: the answer is one word of `labels`."""
        return bool(self.labels)


# ----------------------------------------------------------------------------------------- dimensions/d.yaml

D_KINDS: dict[str, KindKeys] = {
    "default": KindKeys(),
    "upper_case": KindKeys(),
    "lower_case": KindKeys(),
    "word_swap": KindKeys(required=("rate", "max_edits"), optional=("min_edits",)),
    "typo": KindKeys(required=("rate", "max_edits", "operations"), optional=("min_edits", "min_word_length")),
    "rewrite": KindKeys(required=("level",)),
    "punctuation": KindKeys(required=("connecting", "ending")),
}
"""Which keys each kind of D variant must and may hold (beyond variant, class and kind)."""

_D_KEYS = ("rate", "min_edits", "max_edits", "min_word_length", "operations", "level", "connecting", "ending")


class DVariant(_Frozen):
    """One D-dimension variant: how to derive it from the item's base instruction."""

    model_config = ConfigDict(json_schema_extra={"allOf": kind_rules(D_KINDS, all_keys=_D_KEYS)})

    variant: VariantName
    """the variant name, unique in the file"""
    variation_class: Literal["D1", "D2", "D3", "D4", "D5"] = Field(alias="class")
    """the variation class (radar axis) the variant belongs to"""
    kind: Literal["default", "upper_case", "lower_case", "word_swap", "typo", "rewrite", "punctuation"]
    """how the variant derives from the base instruction"""
    rate: float = Field(0.0, gt=0, le=1)
    """word_swap, typo: share of words edited, before clamping to [min_edits, max_edits]"""
    min_edits: int = Field(1, ge=0)
    """word_swap, typo: fewest edits"""
    max_edits: int = Field(0, ge=1)
    """word_swap, typo: most edits"""
    min_word_length: int = Field(4, ge=3)
    """typo: shortest word a typo may touch"""
    operations: Annotated[
        tuple[Literal["drop", "duplicate", "swap", "replace"], ...], MinLen(1), UniqueItems()
    ] = ()
    """typo: the character edits drawn from"""
    level: Literal["simple", "neutral", "complex"] | None = None
    """rewrite: which pool of the task's rewrites"""
    connecting: Connecting = ()
    """punctuation: the P_c pool replacing the base one"""
    ending: Ending = ()
    """punctuation: the P_e pool replacing the base one"""

    @cached_property
    def punctuation(self) -> Punctuation | None:
        """punctuation: the alternative P_c / P_e pools; None for other kinds."""
        if self.kind != "punctuation":
            return None
        return Punctuation(connecting=self.connecting, ending=self.ending)


class DDimension(_Frozen):
    """dimensions/d.yaml: the D (description wording) variants, in row order."""

    variants: Annotated[tuple[DVariant, ...], MinLen(1)]


# ----------------------------------------------------------------------------------------- dimensions/f.yaml

F_KINDS: dict[str, KindKeys] = {
    "answer_only": KindKeys(),
    "upper_case": KindKeys(required=("templates",)),
    "lower_case": KindKeys(required=("templates",)),
    "json": KindKeys(required=("templates",)),
    "prefix": KindKeys(required=("templates", "values")),
    "suffix": KindKeys(required=("templates", "values")),
    "wrap": KindKeys(required=("templates", "pairs")),
}
"""Which keys each kind of F variant must and may hold (beyond variant, class, kind, exclude_tasks)."""


class WrapPair(_Frozen):
    """The left and right strings a wrap-format answer sits between."""

    left: NonEmpty
    right: NonEmpty


def _pair(raw: Any) -> Any:
    # YAML writes {left, right}; the compiler uses (left, right)
    if isinstance(raw, dict):
        pair = WrapPair.model_validate(raw)
        return (pair.left, pair.right)
    return raw


class FVariant(_Frozen):
    """One F-dimension variant: a format, its pools of values and of phrasings."""

    model_config = ConfigDict(
        json_schema_extra={"allOf": kind_rules(F_KINDS, all_keys=("templates", "values", "pairs"))}
    )

    variant: VariantName
    """the variant name, unique in the file"""
    variation_class: Literal["F1", "F2", "F3", "F4"] = Field(alias="class")
    """the variation class (radar axis) the variant belongs to"""
    kind: Literal["answer_only", "upper_case", "lower_case", "prefix", "suffix", "wrap", "json"]
    """the output format asked for"""
    exclude_tasks: Annotated[tuple[str, ...], UniqueItems()] = ()
    """tasks this variant does not apply to"""
    templates: Annotated[tuple[NonEmpty, ...], MinLen(1), UniqueItems()] = ()
    """phrasings of the format requirement (Jinja2 templates)"""
    values: Annotated[tuple[NonEmpty, ...], MinLen(1), UniqueItems()] = ()
    """prefix, suffix: the strings drawn from"""
    pairs: Annotated[
        tuple[Annotated[tuple[str, str], BeforeValidator(_pair, json_schema_input_type=WrapPair)], ...],
        MinLen(1),
    ] = ()
    """wrap: the (left, right) pairs drawn from"""
    training_templates: Annotated[tuple[NonEmpty, ...], UniqueItems()] = ()
    """training-only phrasings (`isac sft`), disjoint from `templates`; required for a training corpus
    when `templates` is set"""


class FDimension(_Frozen):
    """dimensions/f.yaml: the F (output format) variants, in row order."""

    variants: Annotated[tuple[FVariant, ...], MinLen(1)]


# ----------------------------------------------------------------------------------------- dimensions/n.yaml


class NFormat(_Frozen):
    """One composite output format of the N dimension."""

    model_config = ConfigDict(
        json_schema_extra={
            "allOf": [
                when({"kind": "separator"}, {"required": ["separators"]}, reason="when kind is separator"),
                when({"kind": "json"}, {"properties": {"separators": FORBIDDEN}}, reason="when kind is json"),
            ]
        }
    )

    variant: VariantName
    """the variant name, unique among the formats"""
    kind: Literal["separator", "json"]
    """separator: answers joined by a separator; json: one JSON object"""
    templates: Annotated[tuple[NonEmpty, ...], MinLen(1), UniqueItems()]
    """phrasings of the composite format (Jinja2 templates)"""
    separators: Annotated[tuple[NonEmpty, ...], MinLen(1), UniqueItems()] = ()
    """separator: the separators drawn from"""
    training_templates: Annotated[tuple[NonEmpty, ...], UniqueItems()] = ()
    """training-only phrasings (`isac sft`), disjoint from `templates`"""


class Eligibility(_Frozen):
    """Which items of the N dataset are composed."""

    require_references: Annotated[tuple[str, ...], UniqueItems()] = ()
    """tasks whose references an item must have"""
    more_than_words: dict[str, Annotated[int, Field(ge=0)]] = Field(default_factory=dict)
    """task -> its first reference must have more words than this"""


class NDimension(_Frozen):
    """dimensions/n.yaml: composite instructions over ordered subsets of tasks drawn from one dataset."""

    dataset: NonEmpty
    """a dataset declared in benchmark.yaml"""
    tasks: Annotated[tuple[str, ...], MinLen(2), UniqueItems()]
    """the tasks composed"""
    sizes: Annotated[dict[int, Literal["N1", "N2"]], MinLen(1)] = Field(
        alias="classes", json_schema_extra={"propertyNames": {"pattern": "^[2-9]$"}}
    )
    """subset size -> variation class (2 -> N1, 3 -> N2)"""
    eligibility: Eligibility
    joiners: Annotated[tuple[NonEmpty, ...], MinLen(2), UniqueItems()]
    """what joins the task descriptions of consecutive subtasks"""
    formats: Annotated[tuple[NFormat, ...], MinLen(1)]

    @field_validator("sizes")
    @classmethod
    def _by_size(cls, sizes: dict[int, str]) -> dict[int, str]:
        return dict(sorted(sizes.items()))  # smallest subsets first, whatever the YAML order

    @property
    def require_references(self) -> tuple[str, ...]:
        """Tasks whose references an item must have."""
        return self.eligibility.require_references

    @property
    def more_than_words(self) -> dict[str, int]:
        """Task -> its first reference must have more words than this."""
        return self.eligibility.more_than_words


# ----------------------------------------------------------------------------------------- the whole spec


class Spec(_BenchmarkFields):
    """The whole benchmark: benchmark.yaml with its task files and dimensions, as the compiler uses it."""

    root: str  # the spec directory as given, for messages
    sha256: str
    tasks: dict[str, TaskSpec]  # in benchmark order
    d_variants: tuple[DVariant, ...]
    f_variants: tuple[FVariant, ...]
    n: NDimension | None = None
    # axes (from benchmark.yaml): declared radar axes; empty: every class in variant order
