"""Spec + dataset indexes -> manifest rows. Pure: no file access, so it is testable with built indexes.

For every item of a task's dataset the item's base fragments (D_t, P_c, D_f, P_e) are drawn from the
spec's pools with a `HashRng` scoped to (seed, dataset, item, task); each D, F and N variant is then
derived from that base, so variants of one item differ only in what the variant changes.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from isac.compiler.datasets.base import DatasetIndex, DatasetItem
from isac.compiler.errors import SpecError
from isac.compiler.perturb import lower_case, protected_spans, swap_words, typos, upper_case
from isac.compiler.render import join_clauses, join_list, sentence_start
from isac.compiler.row_writer import CompiledRow, RowCommon, canonical, serialize_row
from isac.compiler.sampling import HashRng
from isac.compiler.spec.models import DVariant, FVariant, NFormat, Punctuation, Spec, TaskSpec
from isac.compiler.spec.templates import compile_templates, task_context

# Share of an answer-only reply's words that must be in a task's target_script (see the `text` checker).
TARGET_SCRIPT_SHARE = 0.5

N_MANIFEST = "n-composite"
_DRAWING_KINDS = frozenset({"word_swap", "typo", "rewrite", "punctuation"})
Progress = Callable[[int], None]


def manifest_name(dimension: str, task: str) -> str:
    """`("D", "ASR")` -> `d-asr`."""
    return f"{dimension.lower()}-{task.lower()}"


@dataclass(frozen=True)
class Base:
    """An item's sampled base fragments for one task (rendered text and pool indices)."""

    task_description: str
    format_description: str
    connecting: str
    ending: str
    meta: dict[str, str]


@lru_cache(maxsize=1 << 16)
def assemble(task_description: str, connecting: str, format_description: str, ending: str) -> str:
    """I = D_t + P_c + D_f + P_e, with the case of D_f's first letter fitted to P_c."""
    return join_clauses(sentence_start(task_description), connecting, format_description) + ending


@dataclass(frozen=True)
class _NSetup:
    """What an item's N rows share: its drawn descriptions, joiners, punctuation, keys and templates."""

    item: DatasetItem
    descriptions: dict[str, str]
    joiners: list[str]
    pc: int
    pe: int
    meta: dict[str, str]
    answers: dict[str, str]
    keys: dict[str, str]
    choices: dict[str, tuple[int, str]]
    labels: dict[str, list[str]]


class Builder:
    """Builds the rows of every manifest of a spec from dataset indexes, lazily, one item at a time."""

    def __init__(self, spec: Spec, indexes: Mapping[str, DatasetIndex]) -> None:
        missing = sorted({task.dataset for task in spec.tasks.values()} - set(indexes))
        if spec.n is not None and spec.n.dataset not in indexes:
            missing = sorted({*missing, spec.n.dataset})
        if missing:
            raise SpecError(f"no dataset index given for: {', '.join(missing)}")
        self.spec = spec
        self.indexes = indexes
        self.bank = compile_templates(spec)
        self._contexts = {name: task_context(task) for name, task in spec.tasks.items()}

    # ---- public

    def manifests(self, progress: Progress | None = None) -> dict[str, Iterator[CompiledRow]]:
        """Manifest name -> lazy row iterator, in a fixed order (D tasks, F tasks, N)."""
        out: dict[str, Iterator[CompiledRow]] = {}
        for name, task in self.spec.tasks.items():
            out[manifest_name("D", name)] = self._task_rows(task, self._d_rows, progress)
        for name, task in self.spec.tasks.items():
            out[manifest_name("F", name)] = self._task_rows(task, self._f_rows, progress)
        if self.spec.n is not None:
            out[N_MANIFEST] = self._n_rows(progress)
        return out

    def item_count(self) -> int:
        """How many (manifest, item) steps `manifests()` will take, for a progress bar."""
        total = 2 * sum(len(self._task_items(task)) for task in self.spec.tasks.values())
        return total + (len(self._n_items()) if self.spec.n is not None else 0)

    # ---- items

    def _task_items(self, task: TaskSpec) -> list[DatasetItem]:
        return [item for item in self.indexes[task.dataset].items if item.references.get(task.task)]

    def _n_items(self) -> list[DatasetItem]:
        n = self.spec.n
        assert n is not None
        eligible = []
        for item in self.indexes[n.dataset].items:
            references = item.references
            if not all(
                references.get(name) for name in (*n.require_references, *n.tasks, *n.more_than_words)
            ):
                continue
            if all(len(references[name][0].split()) > words for name, words in n.more_than_words.items()):
                eligible.append(item)
        return eligible

    def _task_rows(
        self,
        task: TaskSpec,
        make: Callable[[TaskSpec, DatasetItem], list[CompiledRow]],
        progress: Progress | None,
    ) -> Iterator[CompiledRow]:
        for item in self._task_items(task):
            yield from make(task, item)
            if progress is not None:
                progress(1)

    # ---- shared pieces

    def _punctuation(self, task: TaskSpec) -> Punctuation:
        return task.punctuation or self.spec.punctuation

    def _rng(self, task: TaskSpec, item: DatasetItem, salt: str = "") -> HashRng:
        # the test compile uses no salt; a training corpus draws with its own salt per repetition
        if salt:
            return HashRng(self.spec.seed, task.dataset, item.item_id, task.task, salt)
        return HashRng(self.spec.seed, task.dataset, item.item_id, task.task)

    def _render(self, source: str, context: Mapping[str, Any]) -> str:
        return self.bank.render(source, context)

    def _base(self, task: TaskSpec, rng: HashRng) -> Base:
        context = self._contexts[task.task]
        punctuation = self._punctuation(task)
        base_rng = rng.child("base")
        dt = base_rng.index(task.task_descriptions)
        df = base_rng.index(task.default_format.descriptions)
        pc = base_rng.index(punctuation.connecting)
        pe = base_rng.index(punctuation.ending)
        return Base(
            task_description=self._render(task.task_descriptions[dt], context),
            format_description=self._render(task.default_format.descriptions[df], context),
            connecting=punctuation.connecting[pc],
            ending=punctuation.ending[pe],
            meta={
                "task_description": str(dt),
                "format_description": str(df),
                "connecting": str(pc),
                "ending": str(pe),
            },
        )

    def _common(self, task: TaskSpec, item: DatasetItem) -> RowCommon:
        return RowCommon.of(item, task.dataset, (task.task,))

    # ---- D

    def _default_checker(self, task: TaskSpec) -> dict[str, Any]:
        if task.default_format.checker == "label":
            return {"kind": "label", "params": {"labels": list(task.labels)}}
        # case-insensitive: D2 upper-cases the whole instruction, prefix included
        return {"kind": "prefix", "params": {"text": task.default_format.prefix, "case_sensitive": False}}

    def _protected(self, task: TaskSpec) -> list[str]:
        if task.default_format.checker == "prefix" and task.default_format.prefix:
            return [task.default_format.prefix]
        return list(task.labels)

    def _d_rows(self, task: TaskSpec, item: DatasetItem) -> list[CompiledRow]:
        return self._d_variant_rows(task, item, self.spec.d_variants, "")

    def d_row(self, task: TaskSpec, item: DatasetItem, variant: DVariant, salt: str = "") -> CompiledRow:
        """The one D row of (task, item, variant); with `salt`, drawn from a stream of its own."""
        return self._d_variant_rows(task, item, (variant,), salt)[0]

    def _d_variant_rows(
        self, task: TaskSpec, item: DatasetItem, variants: Sequence[DVariant], salt: str
    ) -> list[CompiledRow]:
        rng = self._rng(task, item, salt)
        base = self._base(task, rng)
        default = assemble(base.task_description, base.connecting, base.format_description, base.ending)
        common = self._common(task, item)
        checker = canonical(self._default_checker(task))
        rows = []
        for variant in variants:
            # only the variants that draw get their own stream (creating one costs a hash)
            v_rng = rng.child("D", variant.variant) if variant.kind in _DRAWING_KINDS else rng
            text, extra = self._d_instruction(variant, task, base, default, v_rng)
            rows.append(
                serialize_row(
                    common,
                    dimension="D",
                    variation_class=variant.variation_class,
                    variant=variant.variant,
                    instruction=text,
                    checker=checker,
                    meta={**base.meta, **extra},
                )
            )
        return rows

    def _d_instruction(
        self, variant: DVariant, task: TaskSpec, base: Base, default: str, rng: HashRng
    ) -> tuple[str, dict[str, str]]:
        kind = variant.kind
        if kind == "default":
            return default, {}
        if kind == "upper_case":
            return upper_case(default), {}
        if kind == "lower_case":
            return lower_case(default), {}
        if kind in ("word_swap", "typo"):
            spans = protected_spans(default, self._protected(task))
            if kind == "word_swap":
                result = swap_words(
                    default, rng, rate=variant.rate, min_edits=variant.min_edits, max_edits=variant.max_edits,
                    protected=spans,
                )  # fmt: skip
            else:
                result = typos(
                    default, rng, rate=variant.rate, min_edits=variant.min_edits, max_edits=variant.max_edits,
                    min_word_length=variant.min_word_length, operations=variant.operations, protected=spans,
                )  # fmt: skip
            return result.text, {"edits": ";".join(result.edits)}
        if kind == "rewrite":
            assert variant.level is not None
            pool = getattr(task.rewrites, variant.level)
            index = rng.index(pool)
            rewritten = self._render(pool[index], self._contexts[task.task])
            return assemble(rewritten, base.connecting, base.format_description, base.ending), {
                "rewrite": str(index)
            }
        assert kind == "punctuation" and variant.punctuation is not None
        pc = rng.index(variant.punctuation.connecting)
        pe = rng.index(variant.punctuation.ending)
        text = assemble(
            base.task_description,
            variant.punctuation.connecting[pc],
            base.format_description,
            variant.punctuation.ending[pe],
        )
        return text, {"alt_connecting": str(pc), "alt_ending": str(pe)}

    # ---- F

    def _f_rows(self, task: TaskSpec, item: DatasetItem) -> list[CompiledRow]:
        return self._f_variant_rows(task, item, self.spec.f_variants, "")

    def f_row(self, task: TaskSpec, item: DatasetItem, variant: FVariant, salt: str = "") -> CompiledRow:
        """The one F row of (task, item, variant); with `salt`, drawn from a stream of its own."""
        return self._f_variant_rows(task, item, (variant,), salt)[0]

    def _f_variant_rows(
        self, task: TaskSpec, item: DatasetItem, variants: Sequence[FVariant], salt: str
    ) -> list[CompiledRow]:
        rng = self._rng(task, item, salt)
        base = self._base(task, rng)
        context = self._contexts[task.task]
        answer_index = rng.child("F", "answer_only").index(task.answer_only)
        answer_only = self._render(task.answer_only[answer_index], context)
        common = self._common(task, item)
        # F rows replace the base D_f with the answer-only phrase, so its index is not provenance here
        base_meta = {key: value for key, value in base.meta.items() if key != "format_description"}
        rows = []
        for variant in variants:
            if task.task in variant.exclude_tasks:
                continue
            v_rng = rng.child("F", variant.variant)
            fmt, checker, extra = self._f_format(
                variant, task, {**context, "answer_only": answer_only}, v_rng
            )
            rows.append(
                serialize_row(
                    common,
                    dimension="F",
                    variation_class=variant.variation_class,
                    variant=variant.variant,
                    instruction=assemble(base.task_description, base.connecting, fmt, base.ending),
                    checker=canonical(checker),
                    meta={**base_meta, "answer_only": str(answer_index), **extra},
                )
            )
        return rows

    def _f_format(
        self, variant: FVariant, task: TaskSpec, context: dict[str, Any], rng: HashRng
    ) -> tuple[str, dict[str, Any], dict[str, str]]:
        kind = variant.kind
        if kind == "answer_only":
            if task.is_label_task:
                return context["answer_only"], {"kind": "label", "params": {"labels": list(task.labels)}}, {}
            params: dict[str, Any] = {"forbidden": list(task.forbidden)}
            if task.target_script is not None:  # the share is written out so the row says all it checks
                params |= {"script": task.target_script, "script_share": TARGET_SCRIPT_SHARE}
            return context["answer_only"], {"kind": "text", "params": params}, {}
        extra: dict[str, str] = {}
        params = {}
        if kind == "prefix" or kind == "suffix":
            index = rng.index(variant.values)
            context = {**context, kind: variant.values[index]}
            params = {"text": variant.values[index], "case_sensitive": True}
            extra["value"] = str(index)
        elif kind == "wrap":
            index = rng.index(variant.pairs)
            left, right = variant.pairs[index]
            context = {**context, "left": left, "right": right}
            params = {"left": left, "right": right}
            extra["value"] = str(index)
        elif kind == "json":
            index = rng.index(task.json_keys)
            context = {**context, "key": task.json_keys[index]}
            params = {"key": task.json_keys[index]}
            extra["key"] = str(index)
        template = rng.index(variant.templates)
        extra["template"] = str(template)
        checker_kind = "json_key" if kind == "json" else kind
        text = self._render(variant.templates[template], context)
        return text, {"kind": checker_kind, "params": params}, extra

    # ---- N

    def _n_rows(self, progress: Progress | None) -> Iterator[CompiledRow]:
        n = self.spec.n
        assert n is not None
        orderings = [
            (size, order) for size in sorted(n.sizes) for order in itertools.permutations(n.tasks, size)
        ]
        for item in self._n_items():
            yield from self._n_item_rows(item, orderings)
            if progress is not None:
                progress(1)

    def _n_item_rows(
        self, item: DatasetItem, orderings: Sequence[tuple[int, tuple[str, ...]]]
    ) -> list[CompiledRow]:
        n = self.spec.n
        assert n is not None
        setup = self._n_setup(item, "")
        return [self._n_row(setup, size, order, fmt) for size, order in orderings for fmt in n.formats]

    def n_row(self, item: DatasetItem, order: Sequence[str], fmt: NFormat, salt: str = "") -> CompiledRow:
        """The one N row of (item, subtask order, format); with `salt`, drawn from a stream of its own."""
        assert self.spec.n is not None
        return self._n_row(self._n_setup(item, salt), len(order), tuple(order), fmt)

    def _n_setup(self, item: DatasetItem, salt: str) -> _NSetup:
        n = self.spec.n
        assert n is not None
        spec = self.spec
        scope = (n.dataset, item.item_id, "N", salt) if salt else (n.dataset, item.item_id, "N")
        rng = HashRng(spec.seed, *scope)
        descriptions: dict[str, str] = {}
        meta: dict[str, str] = {}
        for name in n.tasks:
            task = spec.tasks[name]
            index = rng.child("task_description", name).index(task.task_descriptions)
            descriptions[name] = self._render(task.task_descriptions[index], self._contexts[name])
            meta[f"task_description.{name}"] = str(index)
        joiner_rng = rng.child("joiners")
        joiners = [joiner_rng.choice(n.joiners) for _ in range(max(n.sizes) - 1)]
        punct_rng = rng.child("punctuation")
        pc = punct_rng.index(spec.punctuation.connecting)
        pe = punct_rng.index(spec.punctuation.ending)
        meta |= {"connecting": str(pc), "ending": str(pe)}
        answers = {
            name: self._render(spec.tasks[name].composite or "", self._contexts[name]) for name in n.tasks
        }
        keys = {name: rng.child("key", name).choice(spec.tasks[name].json_keys) for name in n.tasks}
        choices = {}
        for fmt in n.formats:
            f_rng = rng.child("format", fmt.variant)
            template = f_rng.index(fmt.templates)
            separator = f_rng.choice(fmt.separators) if fmt.separators else ""
            choices[fmt.variant] = (template, separator)
        labels = {name: list(spec.tasks[name].labels) for name in n.tasks if spec.tasks[name].labels}
        return _NSetup(item, descriptions, joiners, pc, pe, meta, answers, keys, choices, labels)

    def _n_row(self, setup: _NSetup, size: int, order: tuple[str, ...], fmt: NFormat) -> CompiledRow:
        n = self.spec.n
        assert n is not None
        spec = self.spec
        described = setup.descriptions[order[0]]
        for position, name in enumerate(order[1:]):
            described = join_clauses(described, setup.joiners[position], setup.descriptions[name])
        order_labels = {name: setup.labels[name] for name in order if name in setup.labels}
        common = RowCommon.of(setup.item, n.dataset, order)
        template, separator = setup.choices[fmt.variant]
        context = self._n_context(order, setup.answers, setup.keys, separator)
        fmt_text = self._render(fmt.templates[template], context)
        checker = self._n_checker(fmt, order, setup.keys, separator, order_labels)
        return serialize_row(
            common,
            dimension="N",
            variation_class=n.sizes[size],
            variant=fmt.variant,
            instruction=join_clauses(
                sentence_start(described),
                spec.punctuation.connecting[setup.pc],
                fmt_text,
            )
            + spec.punctuation.ending[setup.pe],
            checker=canonical(checker),
            meta={**setup.meta, "template": str(template)},
        )

    @staticmethod
    def _n_context(
        order: Sequence[str], answers: Mapping[str, str], keys: Mapping[str, str], separator: str
    ) -> dict[str, Any]:
        return {
            "answers": join_list([answers[name] for name in order]),
            "fields": join_list([f'{answers[name]} under "{keys[name]}"' for name in order]),
            "separator": separator,
            "count": {2: "two", 3: "three"}.get(len(order), str(len(order))),
            "example": _ordered_example(order, keys),
        }

    @staticmethod
    def _n_checker(
        fmt: NFormat,
        order: Sequence[str],
        keys: Mapping[str, str],
        separator: str,
        labels: Mapping[str, list[str]],
    ) -> dict[str, Any]:
        if fmt.kind == "separator":
            params = {"separator": separator, "subtasks": list(order), "labels": dict(labels)}
            return {"kind": "separator", "params": params}
        params = {"keys": [keys[name] for name in order], "subtasks": list(order), "labels": dict(labels)}
        return {"kind": "json_keys", "params": params}


def _ordered_example(order: Sequence[str], keys: Mapping[str, str]) -> str:
    """`{"transcript": "...", "emotion": "..."}` in subtask order (not sorted), as shown to the model."""
    return "{" + ", ".join(f'"{keys[name]}": "..."' for name in order) + "}"


def build_manifests(
    spec: Spec, indexes: Mapping[str, DatasetIndex], progress: Progress | None = None
) -> dict[str, Iterator[CompiledRow]]:
    """Manifest name -> lazy iterator of its rows."""
    return Builder(spec, indexes).manifests(progress)
