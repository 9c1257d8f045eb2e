"""Per-variation metric tables of one (dimension, task), as the official scripts write them.

Each response becomes a `Sample` (its output group, verdict, hypothesis and references); a task's
entry function turns a list of samples into one table entry; `all` pools every sample. Key order and
rounding follow the official scripts: IFR and task metrics to 2 decimals with Python `round`, AAC
metrics and S2TT bp/len_ratio to 4; D ASR and every F script list groups in first-seen order then
`all`, D SER/GR put `all` first, D S2TT/AAC sort the groups alphabetically then `all`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from isac.compiler.errors import ScoringError
from isac.runtime.isa_v1 import metrics
from isac.runtime.isa_v1.results import NItem, ResultItem
from isac.runtime.isa_v1.rules.d import judge_d
from isac.runtime.isa_v1.rules.f import judge_f
from isac.runtime.isa_v1.rules.n import judge_n
from isac.runtime.isa_v1.rules.text import collapse_whitespace, first_label, sanitize_caption
from isac.runtime.isa_v1.vocabulary import EMOTIONS, GENDERS, LABELS_BY_TASK, N_SUBTASKS

Entry = dict[str, float | int | str]
Table = dict[str, Entry]
NOT_AVAILABLE = "N/A"


@dataclass(frozen=True)
class Sample:
    """One scored response. For label tasks `references` holds the gold label (or nothing)."""

    group: str
    compliant: bool
    hypothesis: str
    references: tuple[str, ...]


def ifr(samples: Sequence[Sample]) -> float:
    """Compliant share x100, rounded to 2."""
    return round(100 * sum(sample.compliant for sample in samples) / len(samples), 2) if samples else 0.0


def asr_entry(samples: Sequence[Sample]) -> Entry:
    """{"ifr", "wer"}: corpus WER over every sample (non-compliant ones hypothesise "")."""
    return asr_entry_of(samples, metrics.wer_rows(*_wer_sides(samples)).sum(axis=0))


def asr_entry_of(samples: Sequence[Sample], totals: np.ndarray) -> Entry:
    """`asr_entry` from the samples' summed `metrics.wer_rows`."""
    return {"ifr": ifr(samples), "wer": round(metrics.wer_of_totals(totals), 2)}


def d_s2tt_entry_of(samples: Sequence[Sample], totals: np.ndarray) -> Entry:
    """{"ifr", "bleu", "p1".."p4", "bp", "len_ratio"} from the samples' summed `metrics.bleu_rows`."""
    figures = metrics.bleu_of_totals(totals)
    p1, p2, p3, p4 = figures.precisions
    return {
        "ifr": ifr(samples),
        "bleu": round(figures.bleu, 2),
        "p1": round(p1, 2),
        "p2": round(p2, 2),
        "p3": round(p3, 2),
        "p4": round(p4, 2),
        "bp": round(figures.brevity_penalty, 4),
        "len_ratio": round(figures.length_ratio, 4),
    }


def f_s2tt_entry_of(samples: Sequence[Sample], totals: np.ndarray) -> Entry:
    """{"ifr", "bleu"} from the samples' summed `metrics.bleu_rows`."""
    return {"ifr": ifr(samples), "bleu": round(metrics.bleu_of_totals(totals).bleu, 2)}


def _wer_sides(samples: Sequence[Sample]) -> tuple[list[str], list[str]]:
    return [s.references[0] for s in samples], [s.hypothesis for s in samples]


def d_label_entry(samples: Sequence[Sample]) -> Entry:
    """{"ifr", "acc"}: correct = compliant and the normalised response equals the gold label."""
    correct = sum(s.compliant and s.hypothesis == s.references[0] for s in samples)
    return {"ifr": ifr(samples), "acc": round(metrics.accuracy(correct, len(samples)), 2)}


def f_label_entry(samples: Sequence[Sample]) -> Entry:
    """{"ifr", "acc"}: prediction = first whole-word label of the body; ACC over samples with a gold."""
    gold = [s for s in samples if s.references]
    correct = 0
    for sample in gold:
        labels = EMOTIONS if sample.references[0] in EMOTIONS else GENDERS
        correct += sample.compliant and first_label(sample.hypothesis, labels) == sample.references[0]
    return {"ifr": ifr(samples), "acc": round(metrics.accuracy(correct, len(gold)), 2)}


def _grouped(samples: Sequence[Sample], order: str) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = {}
    for index, sample in enumerate(samples):
        groups.setdefault(sample.group, []).append(index)
    return {name: groups[name] for name in (sorted(groups) if order == "sorted" else groups)}


def _ordered(table: Table, pooled: Entry, order: str) -> Table:
    return {"all": pooled, **table} if order == "all_first" else {**table, "all": pooled}


def build_table(samples: Sequence[Sample], entry: Callable[[Sequence[Sample]], Entry], order: str) -> Table:
    """Group samples, compute every group and `all`, and order keys ("seen", "all_first", "sorted")."""
    groups = _grouped(samples, order)
    table = {name: entry([samples[i] for i in rows]) for name, rows in groups.items()}
    return _ordered(table, entry(list(samples)), order)


def build_summed_table(
    samples: Sequence[Sample],
    stats: np.ndarray,
    entry: Callable[[Sequence[Sample], np.ndarray], Entry],
    order: str,
) -> Table:
    """`build_table` for corpus metrics of summed row statistics (`stats[i]`: sample i's row).

    Every row is scored once; each group (and `all`) sums its rows, which gives exactly the corpus
    metric of the group's samples, since jiwer and sacrebleu sum the same per-row counts.
    """
    groups = _grouped(samples, order)
    table = {
        name: entry([samples[i] for i in rows], stats[np.asarray(rows, dtype=np.int64)].sum(axis=0))
        for name, rows in groups.items()
    }
    return _ordered(table, entry(samples, stats.sum(axis=0)), order)


def build_wer_table(samples: Sequence[Sample], order: str) -> Table:
    """The ASR table: {"ifr", "wer"} per group and `all`."""
    return build_summed_table(samples, metrics.wer_rows(*_wer_sides(samples)), asr_entry_of, order)


def build_bleu_table(
    samples: Sequence[Sample], entry: Callable[[Sequence[Sample], np.ndarray], Entry], order: str
) -> Table:
    """An S2TT table: `entry` of the summed zh BLEU statistics per group and `all`."""
    stats = metrics.bleu_rows([s.hypothesis for s in samples], [s.references for s in samples])
    return build_summed_table(samples, stats, entry, order)


def build_aac_table(samples: Sequence[Sample], order: str, meteor_enabled: bool = True) -> Table:
    """{"ifr", "METEOR", "CIDEr-D", "ROUGE-L"} per group and `all`; every row is METEOR-scored once.

    METEOR is "N/A" when the Java route is unavailable, or skipped with `meteor_enabled=False` (the jar
    is slow to start). CIDEr-D and ROUGE-L need only the PTB tokenizer (Java + CoreNLP jar), so they are
    computed either way, "N/A" without Java.
    """
    groups = _grouped(samples, order)
    everything = {**groups, "\0all": list(range(len(samples)))}
    hypotheses, references = [s.hypothesis for s in samples], [s.references for s in samples]
    meteor = metrics.grouped_meteor(hypotheses, references, everything) if meteor_enabled else None
    captions = metrics.grouped_caption_metrics(hypotheses, references, everything)

    def entry(name: str) -> Entry:
        rows = [samples[i] for i in everything[name]]
        value = NOT_AVAILABLE if meteor is None else round(meteor[name], 4)
        figures = None if captions is None else captions[name]
        return {
            "ifr": ifr(rows),
            "METEOR": value,
            "CIDEr-D": NOT_AVAILABLE if figures is None else round(figures.cider_d, 4),
            "ROUGE-L": NOT_AVAILABLE if figures is None else round(figures.rouge_l, 4),
        }

    return _ordered({name: entry(name) for name in groups}, entry("\0all"), order)


def require_responses(label: str, items: Sequence[ResultItem], samples: Sequence[Sample]) -> None:
    """Scripts that assert every variation key has responses: fail the same way, with a clear message."""
    seen = {sample.group for sample in samples}
    for item in items:
        for key in item.keys:
            if key not in seen:
                raise ScoringError(f"{label}: variation {key!r} has no string responses (item {item.index})")


# ----------------------------------------------------------------------------------------------- D


def split_references(text: str) -> tuple[str, ...]:
    """`text` split on '|', blank parts dropped, each trimmed."""
    return tuple(part.strip() for part in text.split("|") if part.strip())


def detect_d_label_task(items: Sequence[ResultItem]) -> str:
    """D SER/GR: decided from the FIRST item's task only (SER unless it names gender recognition)."""
    task = items[0].task.lower() if items else ""
    return "gr" if "gender_recognition" in task and "emotion_recognition" not in task else "ser"


def d_references(task: str, item: ResultItem) -> tuple[str, ...]:
    """References as each D script prepares them."""
    if task == "s2tt":
        return tuple(collapse_whitespace(ref) for ref in item.text.split("|") if ref.strip())
    if task == "aac":
        return split_references(item.text)
    if task in LABELS_BY_TASK:
        return (item.text.lower(),)
    return (item.text,)


def d_samples(task: str, items: Sequence[ResultItem]) -> list[Sample]:
    """Samples of a D result file (groups as the reader walked them)."""
    rule_task = detect_d_label_task(items) if task in LABELS_BY_TASK else task
    samples = []
    for item in items:
        references = d_references(task, item)
        if task in ("s2tt", "aac") and not references:
            continue  # items without any reference are skipped entirely
        for response in item.responses:
            verdict = judge_d(rule_task, response.text)
            samples.append(Sample(response.group, verdict.compliant, verdict.hypothesis, references))
    return samples


def score_d(task: str, items: Sequence[ResultItem], meteor: bool = True) -> Table:
    """The official D metric table of one task (`meteor=False`: AAC METEOR written "N/A")."""
    samples = d_samples(task, items)
    if not samples:
        raise ScoringError(f"D {task}: no responses to score")
    if task == "asr":
        require_responses("D asr", items, samples)
        return build_wer_table(samples, "seen")
    if task == "s2tt":
        return build_bleu_table(samples, d_s2tt_entry_of, "sorted")
    if task == "aac":
        return build_aac_table(samples, "sorted", meteor)
    require_responses(f"D {task}", items, samples)
    return build_table(samples, d_label_entry, "all_first")


# ----------------------------------------------------------------------------------------------- F


def f_label_task(item: ResultItem) -> str:
    """F SER/GR per item: the task name decides, else whichever label set the text mentions (SER first)."""
    task = item.task.lower()
    if "emotion_recognition" in task:
        return "ser"
    if "gender_recognition" in task:
        return "gr"
    if first_label(item.text, EMOTIONS):
        return "ser"
    return "gr" if first_label(item.text, GENDERS) else "ser"


def f_samples(task: str, items: Sequence[ResultItem]) -> list[Sample]:
    """Samples of an F result file, grouped by variation name."""
    samples = []
    for item in items:
        rule_task = task
        if task in LABELS_BY_TASK:
            rule_task = f_label_task(item)
            gold = first_label(item.text, LABELS_BY_TASK[rule_task])
            references: tuple[str, ...] = (gold,) if gold else ()
        elif task == "aac":
            references = tuple(sanitize_caption(ref) for ref in split_references(item.text))
            if not references:
                continue
        elif task == "s2tt":
            references = (item.text.strip(),)  # the whole text, not split on '|'
        else:
            references = (item.text,)
        for response in item.responses:
            verdict = judge_f(rule_task, response.group, response.text, response.param, item.text)
            hypothesis = sanitize_caption(verdict.hypothesis) if task == "aac" else verdict.hypothesis
            samples.append(Sample(response.group, verdict.compliant, hypothesis, references))
    return samples


def score_f(task: str, items: Sequence[ResultItem], meteor: bool = True) -> Table:
    """The official F metric table of one task (`meteor=False`: AAC METEOR written "N/A")."""
    samples = f_samples(task, items)
    if not samples:
        raise ScoringError(f"F {task}: no responses to score")
    if task != "aac":
        require_responses(f"F {task}", items, samples)
    if task == "aac":
        return build_aac_table(samples, "seen", meteor)
    if task == "asr":
        return build_wer_table(samples, "seen")
    if task == "s2tt":
        return build_bleu_table(samples, f_s2tt_entry_of, "seen")
    return build_table(samples, f_label_entry, "seen")


# ----------------------------------------------------------------------------------------------- N


def _n_task_entry(task: str, samples: Sequence[Sample]) -> Entry:
    if task == "ASR":
        wer = metrics.corpus_wer([s.references[0] for s in samples], [s.hypothesis for s in samples])
        return {"ifr": ifr(samples), "wer": round(wer, 2), "n": len(samples)}
    labels = LABELS_BY_TASK[task.lower()]
    hits = sum((first_label(s.hypothesis, labels) or "") == s.references[0] for s in samples)
    return {"ifr": ifr(samples), "acc": round(metrics.accuracy(hits, len(samples)), 2), "n": len(samples)}


def score_n(items: Iterable[NItem]) -> dict[str, dict[str, object]]:
    """The official N table: per stage, 2-TASK/3-TASK per-task entries, then branch IFRs.

    Branch IFRs pool every record of the branch (any number of subtasks); 1-task records are kept out
    of the per-task tables (the official script prints them as text, corrupting its output).
    """
    by_task: dict[tuple[str, int, str], list[Sample]] = {}
    by_branch: dict[tuple[str, str], list[Sample]] = {}
    for item in items:
        references = {"ASR": item.text, "SER": item.emotion, "GR": item.gender}
        for record in item.records:
            verdict = judge_n(record.branch, record.subtasks, record.response, record.param or "", item.text)
            marker = Sample(record.branch, verdict.compliant, "", ())
            by_branch.setdefault((record.stage, record.branch), []).append(marker)
            for name in record.subtasks:
                sample = Sample(name, verdict.compliant, verdict.hypotheses[name], (references[name],))
                by_task.setdefault((record.stage, len(record.subtasks), name), []).append(sample)
    output: dict[str, dict[str, object]] = {}
    for stage in ("single-stage", "multi-stage"):
        if not any(key[0] == stage for key in by_task):
            continue
        block: dict[str, object] = {}
        for k in (2, 3):
            present = [name for name in N_SUBTASKS if (stage, k, name) in by_task]
            if present:
                block[f"{k}-TASK"] = {
                    name: _n_task_entry(name, by_task[(stage, k, name)]) for name in present
                }
        for branch in ("separation", "json"):
            pooled = by_branch.get((stage, branch))
            if pooled:
                block[branch] = {"ifr": ifr(pooled), "n": len(pooled)}
        output[stage] = block
    return output
