"""Small official-format (ISA-Bench v1) instruction files written for the tests, per task and dimension."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

# official task -> (audio path, reference text) of two items each
IEMOCAP_WAV = "/path/to/IEMOCAP_full_release/Session5/sentences/wav/Ses05F_impro01"
SAMPLES: dict[str, list[tuple[str, str]]] = {
    "asr": [
        ("/path/to/LibriSpeech/test-clean/121/121726/121-121726-0000.flac", "ALSO A POPULAR CONTRIVANCE"),
        ("/path/to/LibriSpeech/test-clean/1089/134686/1089-134686-0000.flac", "HE HOPED THERE WOULD BE STEW"),
    ],
    "translation_ec": [
        ("/path/to/CoVoST2/clips/common_voice_en_2.mp3", "早上好。"),
        ("/path/to/CoVoST2/clips/common_voice_en_1.mp3", "你好|您好"),
    ],
    "audiocaption": [
        ("/path/to/audiocaps/audio/test/Yzzz999.wav", "Rain falls|Rain on a roof||Water drips"),
        ("/path/to/audiocaps/audio/test/Yabc123.wav", "A dog barks|Barking and talking"),
    ],
    "emotion_recognition": [
        (f"{IEMOCAP_WAV}/Ses05F_impro01_M002.wav", "Angry"),
        (f"{IEMOCAP_WAV}/Ses05F_impro01_F000.wav", "Neutral"),
    ],
    "gender_recognition": [
        ("/path/to/LibriSpeech/test-clean/121/121726/121-121726-0001.flac", "Female"),
        ("/path/to/LibriSpeech/test-clean/1089/134686/1089-134686-0001.flac", "Male"),
    ],
}
DESCRIPTION = {
    "asr": "Transcribe the speech",
    "translation_ec": "Translate the speech into Chinese",
    "audiocaption": "Describe the sounds",
    "emotion_recognition": "Tell the speaker's feeling",
    "gender_recognition": "Tell the speaker's gender",
}
D_CONSTRAINT = {
    "asr": 'start with "The transcript is: "',
    "translation_ec": 'start with "the translation is: "',
    "audiocaption": 'with "The audio caption is: " at the very beginning',
    "emotion_recognition": "limit to: happy, sad, angry or neutral, no further words",
    "gender_recognition": "answer with one word: male or female",
}


def d_item(task: str, path: str, text: str) -> dict[str, Any]:
    """One D item with every official variation (one instruction each)."""
    base = f"{DESCRIPTION[task]}; {D_CONSTRAINT[task]}"
    return {
        "path": path,
        "text": text,
        "task": task,
        "instructions": {
            "base_description": DESCRIPTION[task],
            "base_constrain": D_CONSTRAINT[task],
            "variations": {
                "default": base,
                "case": {"upper_case": [base.upper()], "lower_case": [base.lower()]},
                "robust": {
                    "grammar_robust": [f"{base} (words swapped)"],
                    "syntax_robust": [f"{base} (tpyos)"],
                },
                "semantic_equal_simple": [f"Simply: {base}"],
                "semantic_equal_neutral": [f"Neutrally: {base}"],
                "semantic_equal_complex": [f"In a complex way: {base}"],
                "alter_symbol": [f"{DESCRIPTION[task]} & {D_CONSTRAINT[task]} => "],
            },
        },
    }


def f_item(task: str, path: str, text: str) -> dict[str, Any]:
    """One F item with every official variation; S2TT has no case variations, as in the release."""
    description, constraint = DESCRIPTION[task], "only give the answer"
    variations: dict[str, Any] = {"constrain": f"{description}; {constraint} "}
    if task != "translation_ec":
        variations["upper_case"] = f"{description}; answer in uppercase: "
        variations["lower_case"] = f"{description}; answer in lowercase: "
    variations["prefix"] = [{"prefix": "<Tag> ", "inst": f'{description}, begin with "<Tag> "'}]
    variations["suffix"] = [{"suffix": "**END**", "inst": f'{description}, end with "**END**"'}]
    variations["wrap"] = [{"lrt": "<s>|</s>", "inst": f'{description}, wrap with "<s>" and "</s>"'}]
    json_inst = f'{description} as {{"result": "(answer)"}}'
    variations["json"] = [{"inst": json_inst, "key": "result", "value": "answer"}]
    return {
        "path": path,
        "text": text,
        "task": task,
        "instructions": {
            "base_description": description,
            "base_constrain": constraint,
            "variations": variations,
        },
    }


def official_document(dimension: str, task: str) -> dict[str, Any]:
    """A whole official file for one dimension ("d" or "f") and official task."""
    build = d_item if dimension == "d" else f_item
    return {"annotation": [build(task, path, text) for path, text in SAMPLES[task]]}


def write_document(path: Path, document: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


@pytest.fixture
def official() -> SimpleNamespace:
    """Builders of official-format documents (conftest modules are not imported by tests)."""
    return SimpleNamespace(
        d_item=d_item,
        f_item=f_item,
        document=official_document,
        write=write_document,
        SAMPLES=SAMPLES,
        TASKS=tuple(SAMPLES),
    )


@pytest.fixture
def official_files(tmp_path: Path) -> Callable[[], list[Path]]:
    """Write one D and one F file per official task under tmp_path/official and return their paths."""

    def make() -> list[Path]:
        return [
            write_document(tmp_path / dimension / f"{task}.json", official_document(dimension, task))
            for dimension in ("d", "f")
            for task in SAMPLES
        ]

    return make
