from __future__ import annotations

import json
from pathlib import Path

import pytest

from isac.compiler.datasets import load_dataset
from isac.compiler.datasets.labels import conform_labels
from isac.compiler.errors import DatasetError

GOOD = [
    {"id": "b", "audio": "mine/b.wav", "references": {"ASR": "hello world", "GR": "Male"}},
    {"id": "a", "audio": "mine/a.wav", "references": {"AAC": ["one", "two"], "SER": " Happy "}},
]


def write_jsonl(root: Path, fake, lines: list[str]) -> None:
    fake.write_text(root / "custom.jsonl", "\n".join(lines) + "\n")
    for name in ("a", "b"):
        fake.write_audio(root / "mine" / f"{name}.wav")


def test_valid_file(tmp_path: Path, fake) -> None:
    write_jsonl(tmp_path, fake, [json.dumps(record) for record in GOOD] + [""])
    index = load_dataset("jsonl", tmp_path, {"file": "custom.jsonl"}, name="my-data")
    assert index.name == "my-data" and index.adapter == "jsonl"
    assert [item.item_id for item in index.items] == ["a", "b"]
    # the adapter keeps texts as written; compile conforms labels to the spec (test below)
    assert index.items[0].references == {"AAC": ("one", "two"), "SER": (" Happy ",)}
    assert index.items[1].references == {"ASR": ("hello world",), "GR": ("Male",)}


def test_any_task_name_is_accepted(tmp_path: Path, fake) -> None:
    record = {"id": "a", "audio": "mine/a.wav", "references": {"KWS": "yes", "LID2": ["en"]}}
    write_jsonl(tmp_path, fake, [json.dumps(record)])
    [item] = load_dataset("jsonl", tmp_path, {"file": "custom.jsonl"}).items
    assert item.references == {"KWS": ("yes",), "LID2": ("en",)}


def test_labels_are_conformed_to_the_spec_label_sets(tmp_path: Path, fake) -> None:
    write_jsonl(tmp_path, fake, [json.dumps(record) for record in GOOD])
    index = load_dataset("jsonl", tmp_path, {"file": "custom.jsonl"}, name="my-data")
    conformed = conform_labels(index, {"SER": ("happy", "sad"), "GR": ("male", "female"), "ASR": ()})
    assert conformed.items[0].references == {"AAC": ("one", "two"), "SER": ("happy",)}
    assert conformed.items[1].references == {"ASR": ("hello world",), "GR": ("male",)}
    with pytest.raises(DatasetError, match=r"item a: SER label 'happy' is not one of the task's labels"):
        conform_labels(index, {"SER": ("angry", "sad")})


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("{not json", r"custom\.jsonl:2: not valid JSON"),
        ("[1, 2]", r"custom\.jsonl:2: expected a JSON object"),
        ('{"id": "c", "audio": "c.wav"}', r"custom\.jsonl:2: missing key 'references'"),
        (
            '{"id": "c", "audio": "c.wav", "references": {"ASR": "x"}, "lang": "en"}',
            r":2: unknown key\(s\) 'lang'",
        ),
        (
            '{"id": 3, "audio": "c.wav", "references": {"ASR": "x"}}',
            r":2: key 'id' must be a non-empty string",
        ),
        (
            '{"id": "c", "audio": "/abs/c.wav", "references": {"ASR": "x"}}',
            r":2: key 'audio' must be a POSIX path",
        ),
        (
            '{"id": "c", "audio": "../c.wav", "references": {"ASR": "x"}}',
            r":2: key 'audio' must be a POSIX path",
        ),
        (
            '{"id": "c", "audio": "c.wav", "references": {"kws": "x"}}',
            r":2: key 'references\.kws': not a task name",
        ),
        ('{"id": "c", "audio": "c.wav", "references": {"AAC": []}}', r":2: key 'references\.AAC' must be"),
        ('{"id": "c", "audio": "c.wav", "references": {"ASR": 5}}', r":2: key 'references\.ASR' must be"),
        (
            '{"id": "c", "audio": "c.wav", "references": {}}',
            r":2: key 'references' must be a non-empty object",
        ),
        (
            '{"id": "b", "audio": "c.wav", "references": {"ASR": "x"}}',
            r":2: key 'id': 'b' already used on line 1",
        ),
    ],
)
def test_malformed_lines_name_line_and_key(tmp_path: Path, fake, bad: str, message: str) -> None:
    write_jsonl(tmp_path, fake, [json.dumps(GOOD[0]), bad])
    with pytest.raises(DatasetError, match=message):
        load_dataset("jsonl", tmp_path, {"file": "custom.jsonl"})


def test_file_option_is_required(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="option 'file'"):
        load_dataset("jsonl", tmp_path, {})
