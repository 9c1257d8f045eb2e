"""Manifest sets: canonical writing, reading with id checks, and tamper detection by verify."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from isac.compiler.errors import ManifestError
from isac.compiler.manifests import (
    LOCK_FILE,
    DatasetFingerprint,
    read_lock,
    read_manifest,
    verify_manifest_set,
    write_manifest_set,
)
from isac.compiler.rows import CheckerSpec, ManifestRow, make_row


def _rows(count: int, task: str = "ASR") -> list[ManifestRow]:
    return [
        make_row(
            dimension="D",
            variation_class="D1",
            variant="default",
            task=task,
            subtasks=(task,),
            dataset="librispeech",
            item_id=f"item-{index}",
            audio=f"LibriSpeech/{index}.flac",
            instruction=f"Transcribe clip {index}: begin with «The transcription is:»",
            references={task: (f"HELLO {index}",)},
            checker=CheckerSpec(
                kind="prefix", params={"text": "The transcription is:", "case_sensitive": False}
            ),
        )
        for index in range(count)
    ]


def _write(out: Path) -> None:
    write_manifest_set(
        out,
        {"d-asr": _rows(5), "d-gr": _rows(3, "GR")},
        spec_sha256="abc",
        seed=7,
        datasets={"librispeech": DatasetFingerprint(adapter="librispeech", fingerprint="f", items=5)},
    )


def test_write_is_canonical_and_round_trips(tmp_path: Path) -> None:
    _write(tmp_path)
    lines = (tmp_path / "d-asr.jsonl").read_text(encoding="utf-8").splitlines()
    assert lines[0] == _rows(1)[0].to_json()
    assert "«" in lines[0]  # UTF-8, not \\u escapes
    assert [row.item_id for row in read_manifest(tmp_path / "d-asr.jsonl")] == [f"item-{i}" for i in range(5)]
    lock = read_lock(tmp_path)
    assert lock.manifests["d-asr.jsonl"].rows == 5 and lock.seed == 7
    text = (tmp_path / LOCK_FILE).read_text(encoding="utf-8")
    assert text == json.dumps(json.loads(text), sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    assert verify_manifest_set(tmp_path).ok


def test_read_manifest_names_file_and_line_of_an_edited_row(tmp_path: Path) -> None:
    _write(tmp_path)
    path = tmp_path / "d-asr.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = lines[2].replace("HELLO 2", "HELLO TWO")
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(ManifestError, match=r"d-asr\.jsonl:3: row id .* does not match its content hash"):
        list(read_manifest(path))


def test_read_manifest_rejects_malformed_rows(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text('{"id": "1"}\n', encoding="utf-8")
    with pytest.raises(ManifestError, match=r"x\.jsonl:1: invalid row at key"):
        list(read_manifest(path))
    path.write_text("not json\n", encoding="utf-8")
    with pytest.raises(ManifestError, match=r"x\.jsonl:1: not valid JSON"):
        list(read_manifest(path))


def test_verify_detects_an_edited_row(tmp_path: Path) -> None:
    _write(tmp_path)
    path = tmp_path / "d-asr.jsonl"
    path.write_text(path.read_text(encoding="utf-8").replace("clip 3", "clip three"), encoding="utf-8")
    report = verify_manifest_set(tmp_path)
    kinds = {(problem.kind, problem.file, problem.line) for problem in report.problems}
    assert ("edited_file", "d-asr.jsonl", None) in kinds
    assert ("bad_row", "d-asr.jsonl", 4) in kinds


def test_verify_detects_a_deleted_row(tmp_path: Path) -> None:
    _write(tmp_path)
    path = tmp_path / "d-gr.jsonl"
    path.write_text("".join(path.read_text(encoding="utf-8").splitlines(keepends=True)[1:]), encoding="utf-8")
    report = verify_manifest_set(tmp_path)
    assert not report.ok
    assert any(p.kind == "row_count" and "1 removed" in p.message for p in report.problems)


def test_verify_detects_added_and_missing_files(tmp_path: Path) -> None:
    _write(tmp_path)
    (tmp_path / "extra.jsonl").write_text("", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "notes.txt").write_text("x", encoding="utf-8")
    (tmp_path / "d-gr.jsonl").unlink()
    problems = {(p.kind, p.file) for p in verify_manifest_set(tmp_path).problems}
    assert problems == {
        ("added_file", "extra.jsonl"),
        ("added_file", "sub/notes.txt"),
        ("missing_file", "d-gr.jsonl"),
    }


def test_verify_reports_a_missing_lock(tmp_path: Path) -> None:
    assert [p.kind for p in verify_manifest_set(tmp_path).problems] == ["missing_lock"]


def test_rewriting_removes_manifests_of_the_previous_compile(tmp_path: Path) -> None:
    _write(tmp_path)
    before = {path.name: path.read_bytes() for path in tmp_path.iterdir()}
    # a different set over an existing one is refused without force, and nothing is touched
    with pytest.raises(ManifestError, match=r"already holds a different compiled set.*--force"):
        write_manifest_set(tmp_path, {"d-asr": _rows(2)}, spec_sha256="abc", seed=7, datasets={})
    assert {path.name: path.read_bytes() for path in tmp_path.iterdir()} == before
    write_manifest_set(tmp_path, {"d-asr": _rows(2)}, spec_sha256="abc", seed=7, datasets={}, force=True)
    assert not (tmp_path / "d-gr.jsonl").exists()
    assert verify_manifest_set(tmp_path).ok
    assert not [path for path in tmp_path.parent.iterdir() if path.name.startswith(f".{tmp_path.name}.")]


def test_stray_manifest_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / "mine.jsonl").write_text("{}\n", encoding="utf-8")
    with pytest.raises(ManifestError, match=r"mine\.jsonl"):
        write_manifest_set(tmp_path, {"d-asr": _rows(1)}, spec_sha256="abc", seed=None, datasets={})
