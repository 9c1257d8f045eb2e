"""The compile-stage commands end to end on a small data root: compile, verify, release."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from isac.compiler.manifests import LOCK_FILE, read_lock
from isac.runtime.cli import main
from tests.compiler.data import make_data_root, make_spec


def _tree_bytes(directory: Path) -> dict[str, bytes]:
    return {
        p.relative_to(directory).as_posix(): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def compiled(tmp_path: Path) -> Path:
    spec = make_spec(tmp_path)
    data = make_data_root(tmp_path / "data")
    out = tmp_path / "out"
    assert main(["compile", str(spec), "--data-root", str(data), "--out", str(out)]) == 0
    return out


def test_compile_writes_every_manifest_and_prints_a_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = make_spec(tmp_path)
    data = make_data_root(tmp_path / "data")
    assert main(["compile", str(spec), "--data-root", str(data), "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "d-asr.jsonl" in out and "n-composite.jsonl" in out
    lock = read_lock(tmp_path / "out")
    assert lock.manifests["d-asr.jsonl"].rows == 12 * 9  # 3 speakers x 4 utterances
    assert lock.manifests["f-s2tt.jsonl"].rows == 4 * 5
    assert lock.manifests["n-composite.jsonl"].rows == 2 * 24  # two IEMOCAP items have > 5 words
    assert set(lock.datasets) == {"librispeech", "covost2", "iemocap", "audiocaps"}


def test_compile_is_byte_identical_across_directories_and_file_orders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outputs = []
    for name, reverse in (("first", False), ("second", True)):
        base = tmp_path / name
        make_spec(base)
        make_data_root(base / "data", reverse=reverse)
        monkeypatch.chdir(base)
        assert main(["compile", "spec", "--data-root", "data", "--out", "out"]) == 0
        outputs.append(_tree_bytes(base / "out"))
    assert outputs[0] == outputs[1]
    assert len(outputs[0]) == 12


def test_missing_audio_is_an_error_unless_skipped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = make_spec(tmp_path)
    data = make_data_root(tmp_path / "data")
    (data / "AudioCaps" / "yt2.wav").unlink()
    args = ["compile", str(spec), "--data-root", str(data), "--out", str(tmp_path / "out")]
    assert main(args) == 2
    assert "1 of 4 items have no audio" in capsys.readouterr().err
    assert main([*args, "--skip-missing-audio"]) == 0
    assert read_lock(tmp_path / "out").manifests["d-aac.jsonl"].rows == 3 * 9
    assert main([*args, "--no-audio-check", "--force"]) == 0  # a different set: replacing it is explicit
    assert read_lock(tmp_path / "out").manifests["d-aac.jsonl"].rows == 4 * 9


def test_verify_command_reports_tampering(compiled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", str(compiled)]) == 0
    path = compiled / "f-gr.jsonl"
    path.write_text(path.read_text(encoding="utf-8").replace("male", "MALE", 1), encoding="utf-8")
    (compiled / "notes.txt").write_text("hello", encoding="utf-8")
    capsys.readouterr()
    assert main(["verify", str(compiled)]) == 1
    out = capsys.readouterr().out
    assert (
        "f-gr.jsonl: sha256 differs" in out and "f-gr.jsonl:1:" in out and "notes.txt: file not listed" in out
    )


def test_release_freezes_refuses_overwrite_and_reports_changes(
    compiled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    artifacts = tmp_path / "artifacts"
    assert main(["release", "1.0", "--from", str(compiled), "--artifacts", str(artifacts)]) == 0
    assert "first release" in capsys.readouterr().out
    release = artifacts / "releases" / "1.0"
    assert _tree_bytes(release) == _tree_bytes(compiled)
    assert not os.stat(release / LOCK_FILE).st_mode & stat.S_IWUSR
    assert main(["verify", str(release)]) == 0

    assert main(["release", "1.0", "--from", str(compiled), "--artifacts", str(artifacts)]) == 2
    assert "already exists" in capsys.readouterr().err

    # a new compile with one IEMOCAP item fewer and one changed transcript
    spec = make_spec(tmp_path / "v2")
    data = make_data_root(tmp_path / "v2" / "data")
    lines = (data / "lists" / "iemocap.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    (data / "lists" / "iemocap.jsonl").write_text("".join(lines[:3]), encoding="utf-8")
    trans = data / "LibriSpeech/test-clean/121/121726/121-121726.trans.txt"
    trans.write_text(
        trans.read_text(encoding="utf-8").replace("121-121726-0000 ", "121-121726-0000 X"), encoding="utf-8"
    )
    out2 = tmp_path / "v2" / "out"
    assert main(["compile", str(spec), "--data-root", str(data), "--out", str(out2)]) == 0
    capsys.readouterr()
    assert main(["release", "1.1", "--from", str(out2), "--artifacts", str(artifacts)]) == 0
    report = capsys.readouterr().out
    assert "changes since 1.0" in report
    lines_by_key = {tuple(line.split()[:2]): line.split()[2:] for line in report.splitlines()[2:]}
    assert lines_by_key[("D", "SER")] == ["0", "9", "0"]  # Ses05F_impro01_F003 removed
    assert lines_by_key[("D", "ASR")] == ["0", "0", "9"]  # one transcript changed
    assert lines_by_key[("N", "ASR+SER")] == ["0", "2", "0"]


def test_release_refuses_a_tampered_source(
    compiled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (compiled / "d-gr.jsonl").unlink()
    assert main(["release", "2.0", "--from", str(compiled), "--artifacts", str(tmp_path / "a")]) == 2
    assert "does not verify" in capsys.readouterr().err
    assert not (tmp_path / "a" / "releases" / "2.0").exists()


def test_release_names_a_spec_change_that_moves_no_row_and_where_artifacts_was_created(
    compiled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert not (tmp_path / "artifacts").exists()
    assert main(["release", "1.0", "--from", str(compiled)]) == 0  # the default: ./artifacts
    out = capsys.readouterr().out
    assert f"created the artifacts folder {(tmp_path / 'artifacts').resolve()}" in out

    # the same spec with a comment added: another spec hash, the same rows
    spec = make_spec(tmp_path / "v2")
    benchmark = spec / "benchmark.yaml"
    benchmark.write_text("# a comment\n" + benchmark.read_text(encoding="utf-8"), encoding="utf-8")
    data = make_data_root(tmp_path / "v2" / "data")
    out2 = tmp_path / "v2" / "out"
    assert main(["compile", str(spec), "--data-root", str(data), "--out", str(out2)]) == 0
    capsys.readouterr()
    assert main(["release", "1.1", "--from", str(out2)]) == 0
    report = capsys.readouterr().out
    before, after = read_lock(compiled).spec_sha256, read_lock(out2).spec_sha256
    assert before != after
    assert "created the artifacts folder" not in report
    assert "no rows added, removed or changed" in report
    assert f"spec sha256 changed: {before[:12]} -> {after[:12]}" in report
    assert "touches no row" in report

    assert main(["release", "1.2", "--from", str(out2)]) == 0  # the very same set again
    assert f"spec sha256 unchanged ({after[:12]})" in capsys.readouterr().out
