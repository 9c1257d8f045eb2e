from __future__ import annotations

import json
from pathlib import Path

import pytest

from isac.compiler.manifests import LOCK_FILE, read_manifest, verify_manifest_set
from isac.runtime.cli import main


def test_import_writes_a_verifiable_manifest_set(tmp_path: Path, official_files, capsys) -> None:
    files = official_files()
    out = tmp_path / "out"
    assert main(["import-isa-v1", *map(str, files), "--out", str(out)]) == 0
    names = sorted(path.name for path in out.iterdir())
    tasks = ("aac", "asr", "gr", "s2tt", "ser")
    expected = [f"{dimension}-{task}.jsonl" for dimension in ("d", "f") for task in tasks]
    assert names == sorted([*expected, LOCK_FILE])
    assert verify_manifest_set(out).ok
    lock = json.loads((out / LOCK_FILE).read_text(encoding="utf-8"))
    assert lock["manifests"]["d-ser.jsonl"]["rows"] == 2 * 9
    assert lock["manifests"]["f-s2tt.jsonl"]["rows"] == 2 * 5
    assert set(lock["datasets"]) == {"audiocaps", "covost2", "iemocap", "librispeech"}
    rows = list(read_manifest(out / "f-gr.jsonl"))
    assert [row.variant for row in rows[:7]] == [
        "answer_only",
        "upper_case",
        "lower_case",
        "prefix",
        "suffix",
        "wrap",
        "json",
    ]
    assert "d-ser.jsonl: 18 rows" in capsys.readouterr().out


def test_output_bytes_do_not_depend_on_file_order_or_location(tmp_path: Path, official_files) -> None:
    files = official_files()
    first, second = tmp_path / "one", tmp_path / "two"
    assert main(["import-isa-v1", *map(str, files), "--out", str(first)]) == 0
    assert main(["import-isa-v1", *map(str, reversed(files)), "--out", str(second)]) == 0
    for path in first.iterdir():
        assert path.read_bytes() == (second / path.name).read_bytes(), path.name


def test_prefix_folder_and_dataset_overrides(tmp_path: Path, official) -> None:
    document = official.document("d", "audiocaption")
    for item in document["annotation"]:
        item["path"] = item["path"].replace("/path/to/", "/home/me/")
    source = official.write(tmp_path / "aac.json", document)
    out = tmp_path / "out"
    args = ["--data-root-prefix", "/home/me", "--folder", "audiocaps=caps", "--dataset", "AAC=my-caps"]
    assert main(["import-isa-v1", str(source), "--out", str(out), *args]) == 0
    row = next(iter(read_manifest(out / "d-aac.jsonl")))
    assert row.audio == "caps/audio/test/Yabc123.wav"
    assert row.dataset == "my-caps" and row.item_id == "abc123"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--folder", "no-equals"], "--folder: expected OFFICIAL=OURS"),
        (["--dataset", "KWS=x"], "--dataset: unknown task(s) KWS"),
    ],
)
def test_bad_overrides_are_reported(
    tmp_path: Path, official_files, capsys, extra: list[str], message: str
) -> None:
    files = official_files()
    assert main(["import-isa-v1", str(files[0]), "--out", str(tmp_path / "out"), *extra]) == 2
    assert message in capsys.readouterr().err


def test_malformed_file_is_reported_with_item_and_key(tmp_path: Path, official, capsys) -> None:
    document = official.document("f", "asr")
    document["annotation"][1]["instructions"]["variations"]["json"][0].pop("key")
    source = official.write(tmp_path / "bad.json", document)
    assert main(["import-isa-v1", str(source), "--out", str(tmp_path / "out")]) == 2
    error = capsys.readouterr().err
    assert "bad.json: item 1: key 'instructions.variations.json[0].key'" in error
    assert not (tmp_path / "out").exists()
