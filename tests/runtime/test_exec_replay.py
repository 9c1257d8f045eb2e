"""The replay adapter: JSONL by row id, and the ISA-Bench v1 result file formats (fixtures written here)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from isac.compiler.errors import RunError
from isac.runtime.adapters.base import AdapterOptions, GenerationRequest
from isac.runtime.adapters.replay import NO_RESPONSE, create_adapter
from isac.runtime.isa_v1.replay_files import official_variation

from .exec_helpers import EMOTIONS, read_log, row, run_isac, write_manifest


def replay(path: Path, rows: list) -> list:
    adapter = create_adapter(f"replay:{path}", AdapterOptions())
    return adapter.generate([GenerationRequest(item, Path("/nowhere") / item.audio) for item in rows])


def test_jsonl_by_row_id_last_line_wins_and_missing_rows_fail(tmp_path: Path) -> None:
    rows = [row(1), row(2), row(3)]
    path = tmp_path / "answers.jsonl"
    lines = [
        {"row_id": rows[0].id, "response": "first"},
        {"row_id": rows[1].id, "response": "old"},
        {"row_id": rows[1].id, "response": "new"},
        {"row_id": "unrelated", "response": "x"},
    ]
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    first, second, third = replay(path, rows)
    assert (first.response, second.response) == ("first", "new")
    assert third.response is None and third.error == NO_RESPONSE


def test_jsonl_errors_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"row_id": "a", "response": "x"}\n{"response": "no id"}\n', encoding="utf-8")
    with pytest.raises(RunError, match=r"bad.jsonl:2: expected an object with a string row_id"):
        create_adapter(f"replay:{path}", AdapterOptions())
    with pytest.raises(RunError, match="replay file not found"):
        create_adapter(f"replay:{tmp_path / 'missing.jsonl'}", AdapterOptions())


def ser_row(item: int, dimension: str, variant: str, checker: dict, meta: dict | None = None):
    return row(
        item,
        dimension=dimension,
        variation_class="X",
        variant=variant,
        task="SER",
        references={"SER": ["neutral"]},
        checker=checker,
        audio=f"IEMOCAP/Session5/sentences/wav/Ses05F_impro01/Ses05F_impro01_F00{item % 10}.wav",
        meta=meta,
    )


LABEL = {"kind": "label", "params": {"labels": EMOTIONS}}


def test_official_d_and_f_result_files(tmp_path: Path) -> None:
    d_items = [
        {
            "path": "/path/to/IEMOCAP_full_release/Session5/Ses05F_impro01/Ses05F_impro01_F000.wav",
            "text": "Neutral",
            "task": "emotion_recognition",
            "base": ["Tell the feeling", "limit to: happy, sad, angry or neutral"],
            "variation_responses": {
                "default": "Neutral",
                "case": {"upper_case": "NEUTRAL", "lower_case": "neutral"},
                "robust": {"grammar_robust": "word order", "syntax_robust": "typos"},
                "semantic_equal_simple": ["simple"],
                "semantic_equal_neutral": ["neutral wording"],
                "semantic_equal_complex": ["complex"],
                "alter_symbol": ["punct"],
            },
        }
    ]
    f_items = [
        {
            "path": "/path/to/Ses05F_impro01_F000.wav",
            "text": "Neutral",
            "task": "emotion_recognition",
            "variation_responses": {
                "constrain": "Neutral",
                "upper_case": "F-UPPER",
                "lower_case": "f-lower",
                "prefix": [{"prefix": "<Emotion_Tag>", "response": "<Emotion_Tag> neutral"}],
                "suffix": [{"suffix": "<affect>", "response": "neutral <affect>"}],
                "wrap": [{"lrt": "<s>|</s>", "response": "<s>neutral</s>"}],
                "json": [
                    {"key": "mood", "value": "x", "response": '{"mood": "other"}'},
                    {"key": "emotion_tag", "value": "x", "response": '{"emotion_tag": "neutral"}'},
                ],
            },
        }
    ]
    d_file, f_file = tmp_path / "d.json", tmp_path / "f.json"
    d_file.write_text(json.dumps(d_items), encoding="utf-8")
    f_file.write_text(json.dumps(f_items + f_items), encoding="utf-8")  # official files repeat items

    d_rows = [
        ser_row(0, "D", "default", LABEL),
        ser_row(10, "D", "upper_case", LABEL),
        ser_row(20, "D", "syntax_error", LABEL),  # our syntax error = official grammar_robust
        ser_row(30, "D", "lexical_error", LABEL),  # our lexical error = official syntax_robust
        ser_row(40, "D", "punctuation", LABEL),
        ser_row(50, "D", "whatever", LABEL, meta={"isa_v1_variation": "case.lower_case"}),
        ser_row(60, "D", "neutral", LABEL),
    ]
    assert [generation.response for generation in replay(d_file, d_rows)] == [
        "Neutral", "NEUTRAL", "word order", "typos", "punct", "neutral", "neutral wording",
    ]  # fmt: skip

    f_rows = [
        ser_row(0, "F", "answer_only", LABEL),
        ser_row(10, "F", "upper_case", {"kind": "upper_case"}),
        ser_row(20, "F", "prefix", {"kind": "prefix", "params": {"text": "<Emotion_Tag>"}}),
        ser_row(30, "F", "suffix", {"kind": "suffix", "params": {"text": "<affect>"}}),
        ser_row(40, "F", "wrap", {"kind": "wrap", "params": {"left": "<s>", "right": "</s>"}}),
        ser_row(50, "F", "json", {"kind": "json_key", "params": {"key": "emotion_tag"}}),
        ser_row(60, "F", "json", {"kind": "json_key", "params": {"key": "mood"}}),
    ]
    assert [generation.response for generation in replay(f_file, f_rows)] == [
        "Neutral", "F-UPPER", "<Emotion_Tag> neutral", "neutral <affect>", "<s>neutral</s>",
        '{"emotion_tag": "neutral"}', '{"mood": "other"}',
    ]  # fmt: skip

    # Another task on the same audio (GR uses LibriSpeech audio shared with ASR) does not match.
    gr = row(7, dimension="F", variant="answer_only", task="GR", references={"GR": ["male"]},
             audio="x/Ses05F_impro01_F000.wav")  # fmt: skip
    [missing] = replay(f_file, [gr])
    assert missing.error == NO_RESPONSE


def test_official_n_result_file(tmp_path: Path) -> None:
    n_file = tmp_path / "n.json"
    record_sep = {"task": "ASR|SER", "separator": "\\", "response": "hello there\\neutral"}
    record_json = {"task": "SER|GR|ASR", "key": "emotion_output|gender_output|asr_output", "response": "{}"}
    n_file.write_text(
        json.dumps(
            {
                "annotation": [
                    {
                        "path": "/p/Ses05F_impro01_F000.wav",
                        "instructions": {
                            "variations": {
                                "single-stage": {"separation": [[record_sep]], "json": [[], [record_json]]}
                            }
                        },
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    audio = "a/Ses05F_impro01_F000.wav"
    sep = row(1, dimension="N", variant="separator", task="ASR+SER", subtasks=["ASR", "SER"], audio=audio)
    js = row(2, dimension="N", variant="json", task="SER+GR+ASR", subtasks=["SER", "GR", "ASR"], audio=audio)
    other = row(3, dimension="N", variant="json", task="ASR+SER", subtasks=["ASR", "SER"], audio=audio)
    assert official_variation(sep) == "separation"
    got = replay(n_file, [sep, js, other])
    assert [generation.response for generation in got] == ["hello there\\neutral", "{}", None]


def test_replay_through_the_cli(tmp_path: Path) -> None:
    rows = [row(i) for i in range(4)]
    manifest = write_manifest(tmp_path / "m" / "f-asr.jsonl", rows)
    answers = tmp_path / "answers.jsonl"
    answers.write_text(
        "".join(
            json.dumps({"row_id": item.id, "response": f"r{i}"}) + "\n" for i, item in enumerate(rows[:3])
        ),
        encoding="utf-8",
    )
    # one row of four has no replayed response on purpose: allow that share of error records
    done = run_isac(
        "exec",
        manifest,
        "--model",
        f"replay:{answers}",
        "--out",
        tmp_path / "run",
        "--max-error-rate",
        "0.25",
    )
    assert done.returncode == 0, done.stderr
    records = {record["row_id"]: record for record in read_log(tmp_path / "run")}
    assert [records[item.id]["response"] for item in rows[:3]] == ["r0", "r1", "r2"]
    assert records[rows[3].id]["error"] == NO_RESPONSE
    run = json.loads((tmp_path / "run" / "run.json").read_text(encoding="utf-8"))
    assert run["model"]["adapter"] == "replay" and len(run["model"]["revision"]) == 64
    # Editing the replayed file changes the fingerprint: the run directory refuses to mix them.
    answers.write_text(answers.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    again = run_isac("exec", manifest, "--model", f"replay:{answers}", "--out", tmp_path / "run")
    assert again.returncode == 2 and "another model configuration (revision" in again.stderr
