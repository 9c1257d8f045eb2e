"""A small benchmark covering every variation class, task and checker kind, plus oracle answers."""

from __future__ import annotations

from collections.abc import Iterator

from isac.compiler.rows import CheckerSpec, ManifestRow
from tests.scoring.score_helpers import EMOTIONS, GENDERS, checker, composite_row, oracle_response, row

REFERENCES = {
    "ASR": ["HE HOPED THERE WOULD BE STEW FOR DINNER", "STUFF IT INTO YOU HIS BELLY COUNSELLED HIM"],
    "S2TT": ["他希望晚餐有炖菜。", "把它塞进去，他的肚子劝告他。"],
    "SER": ["happy", "sad"],
    "GR": ["male", "female"],
    "AAC": ["A dog barks while birds chirp", "Rain falls on a tin roof"],
}
PREFIXES = {
    "ASR": "The transcription is:",
    "S2TT": "The translation is:",
    "AAC": "The audio caption is:",
}
D_VARIANTS = (
    "default",
    "upper_case",
    "lower_case",
    "syntax_error",
    "lexical_error",
    "simple",
    "neutral",
    "complex",
    "punctuation",
)
F_VARIANTS = ("answer_only", "upper_case", "lower_case", "prefix", "suffix", "wrap", "json")
N_COMBINATIONS = (("ASR", "SER"), ("SER", "GR"), ("GR", "ASR"), ("ASR", "SER", "GR"), ("GR", "SER", "ASR"))
N_KEYS = {"ASR": "transcript", "SER": "emotion", "GR": "gender"}
LABEL_SETS = {"SER": EMOTIONS, "GR": GENDERS}


def _d_checker(task: str) -> CheckerSpec:
    if task in LABEL_SETS:
        return checker("label", labels=LABEL_SETS[task])
    return checker("prefix", text=PREFIXES[task], case_sensitive=False)


def _f_checker(task: str, variant: str) -> CheckerSpec:
    if variant == "answer_only":
        if task in LABEL_SETS:
            return checker("label", labels=LABEL_SETS[task])
        return checker("text", forbidden=["the speaker", "translation"])
    if variant in ("upper_case", "lower_case"):
        return checker(variant)
    if variant == "prefix":
        return checker("prefix", text="Answer:", case_sensitive=True)
    if variant == "suffix":
        return checker("suffix", text="<END>", case_sensitive=True)
    if variant == "wrap":
        return checker("wrap", left="<<", right=">>")
    return checker("json_key", key="answer")


def single_rows(dimension: str) -> Iterator[ManifestRow]:
    """D or F rows of every task (F2 skips S2TT, as the benchmark does)."""
    variants = D_VARIANTS if dimension == "D" else F_VARIANTS
    for task, references in REFERENCES.items():
        for index, reference in enumerate(references):
            for variant in variants:
                if dimension == "F" and task == "S2TT" and variant in ("upper_case", "lower_case"):
                    continue
                spec = _d_checker(task) if dimension == "D" else _f_checker(task, variant)
                yield row(task, f"{task}-{index}", reference, spec, dimension=dimension, variant=variant)


def composite_rows() -> Iterator[ManifestRow]:
    """N rows: separator and JSON formats for 2- and 3-subtask combinations."""
    for index in range(2):
        references = {task: REFERENCES[task][index] for task in ("ASR", "SER", "GR")}
        for subtasks in N_COMBINATIONS:
            labels = {task: LABEL_SETS[task] for task in subtasks if task in LABEL_SETS}
            separator = checker("separator", separator=" | ", subtasks=list(subtasks), labels=labels)
            keys = checker(
                "json_keys", keys=[N_KEYS[t] for t in subtasks], subtasks=list(subtasks), labels=labels
            )
            yield composite_row(subtasks, f"n-{index}", references, "separator", separator)
            yield composite_row(subtasks, f"n-{index}", references, "json", keys)


def oracle(manifest_row: ManifestRow) -> str:
    """The oracle's answer to a row."""
    return oracle_response(manifest_row)
