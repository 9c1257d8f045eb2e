"""`isa_v1_check`: official rules on isac manifest rows (names and parameters mapped)."""

from __future__ import annotations

from typing import Any

from isac.compiler.rows import CheckerSpec, ManifestRow, make_row
from isac.runtime.isa_v1.profile import isa_v1_check, official_param, official_variation


def _row(
    dimension: str, variant: str, task: str, kind: str, params: dict[str, Any], refs: dict
) -> ManifestRow:  # type: ignore[type-arg]
    subtasks = tuple(task.split("+"))
    return make_row(
        dimension=dimension,
        variation_class={"D": "D1", "F": "F3", "N": "N1"}[dimension],
        variant=variant,
        task=task,
        subtasks=subtasks,
        dataset="fixture",
        item_id="1",
        audio="a.wav",
        instruction="instruction",
        references={name: tuple(values) for name, values in refs.items()},
        checker=CheckerSpec(kind=kind, params=params),
    )


def test_d_rows_use_the_task_rule_whatever_the_variant() -> None:
    row = _row("D", "lexical_error", "ASR", "prefix", {"text": "The transcription is:"}, {"ASR": ["hi"]})
    assert official_variation(row) == "syntax_robust"
    # The official ASR rule wants "transcript", whatever the compiled checker asked for.
    assert not isa_v1_check(row, "The transcription is: hi").compliant
    assert dict(isa_v1_check(row, "The transcript is: hi").answers) == {"ASR": "hi"}
    label = _row("D", "default", "SER", "label", {"labels": ["happy"]}, {"SER": ["happy"]})
    assert dict(isa_v1_check(label, "Happy.").answers) == {"SER": "happy"}
    assert not isa_v1_check(label, " happy").compliant


def test_f_rows_map_parameters() -> None:
    wrap = _row("F", "wrap", "AAC", "wrap", {"left": "<s>", "right": "</s>"}, {"AAC": ["a dog"]})
    assert official_param(wrap) == "<s>|</s>"
    assert dict(isa_v1_check(wrap, "<s>a dog\nbarks</s>").answers) == {"AAC": "a dog barks"}
    only = _row("F", "answer_only", "ASR", "text", {"forbidden": []}, {"ASR": ["i love you"]})
    assert official_variation(only) == "constrain"
    assert isa_v1_check(only, "I love you.").compliant
    assert not isa_v1_check(only, "The speaker says i love you").compliant
    assert not isa_v1_check(only, None).compliant


def test_n_rows() -> None:
    row = _row(
        "N",
        "json",
        "SER+GR",
        "json_keys",
        {"keys": ["emotion_output", "gender_output"], "subtasks": ["SER", "GR"]},
        {"SER": ["sad"], "GR": ["male"]},
    )
    assert official_param(row) == "emotion_output|gender_output"
    verdict = isa_v1_check(row, '{"emotion_output": "Sad", "gender_output": "male"}')
    assert verdict.compliant and dict(verdict.answers) == {"SER": "Sad", "GR": "male"}
    assert dict(isa_v1_check(row, '```json\n{"emotion_output": "sad"}\n```').answers) == {"SER": "", "GR": ""}
