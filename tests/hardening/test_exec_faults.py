"""Issue 12: every fault and bad input found at exec ends in a clear error or a correct result."""

from __future__ import annotations

import json
import os
import resource
import subprocess
from pathlib import Path

import pytest

from isac.compiler.errors import ManifestError, RunError
from isac.compiler.manifests import LOCK_FILE
from isac.compiler.rows import canonical_json, row_id
from isac.runtime.adapters.registry import build_adapter
from isac.runtime.execution.runner import ExecConfig, execute
from isac.runtime.execution.selection import RowFilter
from isac.runtime.results import latest_records
from tests.runtime.exec_helpers import isac_command, read_log, row, run_isac, write_manifest


def _replay(tmp_path: Path, answers: dict[str, str]) -> Path:
    path = tmp_path / "r.jsonl"
    path.write_text(
        "".join(json.dumps({"row_id": key, "response": value}) + "\n" for key, value in answers.items()),
        encoding="utf-8",
    )
    return path


def _config(manifest: Path, tmp_path: Path, model: str, **extra: object) -> ExecConfig:
    return ExecConfig(manifests=(str(manifest),), model=model, out=tmp_path / "run", progress=False, **extra)


# ------------------------------------------------------------------------------- 1: lone surrogates


def test_a_lone_surrogate_response_is_stored_and_scored_not_a_crash(tmp_path: Path) -> None:
    rows = [row(i) for i in range(3)]
    manifest = write_manifest(tmp_path / "m" / "d-ser.jsonl", rows)
    # `\ud83d` in JSON is a valid escape that decodes to half an emoji
    replay = tmp_path / "r.jsonl"
    replay.write_text(
        "".join(f'{{"row_id": "{item.id}", "response": "happy \\ud83d"}}\n' for item in rows),
        encoding="utf-8",
    )
    summary = execute(_config(manifest, tmp_path, f"replay:{replay}"))
    assert (summary.answered, summary.errors) == (3, 0)
    records = read_log(tmp_path / "run")
    assert [record["response"] for record in records] == ["happy \ufffd"] * 3
    # a resume finds everything done instead of crashing at the same row
    again = execute(_config(manifest, tmp_path, f"replay:{replay}"))
    assert again.skipped == 3 and again.executed == 0


def test_a_surrogate_in_a_hand_written_log_reads_back_as_text(tmp_path: Path) -> None:
    log = tmp_path / "results.jsonl"
    record = {"row_id": "r1", "manifest_sha256": "x", "model": "m", "response": "ok \ud83d", "error": None}
    log.write_text(json.dumps({**record, "latency_s": 0.0}) + "\n", encoding="utf-8")  # ascii escapes
    [read] = latest_records(log).values()
    assert read.response == "ok \ufffd"
    read.to_line().encode("utf-8")  # writable again


# ----------------------------------------------------------------- 2: exec checks the compiled set


@pytest.fixture
def locked_set(tmp_path: Path) -> tuple[Path, list]:
    rows = [row(i) for i in range(4)]
    write_manifest(tmp_path / "set" / "f-asr.jsonl", rows[:2])
    write_manifest(tmp_path / "set" / "f-gr.jsonl", rows[2:])
    return tmp_path / "set", rows


def test_an_intact_set_runs(tmp_path: Path, locked_set: tuple[Path, list]) -> None:
    directory, _rows = locked_set
    summary = execute(_config(directory, tmp_path, "constant:x"))
    assert summary.answered == 4


@pytest.mark.parametrize("damage", ["deleted", "forged", "missing_lock", "edited_lock", "added"])
def test_a_damaged_set_is_refused_unless_no_verify(
    tmp_path: Path, locked_set: tuple[Path, list], damage: str
) -> None:
    directory, _rows = locked_set
    if damage == "deleted":
        (directory / "f-gr.jsonl").unlink()
        expected = "listed in isac.lock.json but missing"
    elif damage == "forged":
        raw = json.loads((directory / "f-asr.jsonl").read_text(encoding="utf-8").splitlines()[0])
        raw["references"] = {"ASR": ["a forged reference"]}
        raw["id"] = row_id(raw)  # recomputed, so the row itself parses
        _first, second = (directory / "f-asr.jsonl").read_text(encoding="utf-8").splitlines()
        (directory / "f-asr.jsonl").write_text(canonical_json(raw) + "\n" + second + "\n", encoding="utf-8")
        expected = "sha256 differs from isac.lock.json"
    elif damage == "missing_lock":
        (directory / LOCK_FILE).unlink()
        expected = "no isac.lock.json"
    elif damage == "edited_lock":
        (directory / LOCK_FILE).write_text('{"manifests": 3}', encoding="utf-8")
        expected = "malformed lock file"
    else:
        write_manifest(directory / "extra.jsonl", [row(9)], lock=False)
        expected = "not listed in"
    with pytest.raises(RunError, match=expected) as caught:
        execute(_config(directory, tmp_path, "constant:x"))
    assert "--no-verify" in str(caught.value)
    assert not (tmp_path / "run" / "results.jsonl").exists()
    if damage != "deleted":
        # a deliberate subset runs with the explicit override
        assert execute(_config(directory, tmp_path, "constant:x", verify=False)).executed >= 3


@pytest.mark.parametrize("audio", ["/etc/passwd", "../outside.wav", "a/../../b.wav"])
def test_audio_outside_the_data_root_is_refused(tmp_path: Path, audio: str) -> None:
    manifest = write_manifest(tmp_path / "m" / "f-asr.jsonl", [row(1, audio=audio)])
    with pytest.raises(ManifestError, match=r"f-asr.jsonl:1: audio path .* is absolute or contains '\.\.'"):
        execute(_config(manifest, tmp_path, "constant:x"))


# ------------------------------------------------------------------- 7: errors, not tracebacks


def test_a_non_utf8_byte_in_a_manifest_names_the_line(tmp_path: Path) -> None:
    manifest = write_manifest(tmp_path / "m" / "f-asr.jsonl", [row(1), row(2)], lock=False)
    data = manifest.read_bytes().replace(b"instruction 2", b"instruction \xff")
    manifest.write_bytes(data)
    with pytest.raises(ManifestError, match=r"f-asr.jsonl:2: not UTF-8 \(byte 0xff"):
        execute(_config(manifest, tmp_path, "constant:x", verify=False))


def _limit_file_size() -> None:
    # Python ignores SIGXFSZ, so a write past RLIMIT_FSIZE fails with EFBIG, like a full disk would.
    resource.setrlimit(resource.RLIMIT_FSIZE, (4000, 4000))


def test_a_full_disk_during_exec_is_an_error_that_keeps_the_run(tmp_path: Path) -> None:
    rows = [row(i) for i in range(40)]
    manifest = write_manifest(tmp_path / "m" / "f-asr.jsonl", rows)
    run = tmp_path / "run"
    args = ["exec", manifest, "--model", "constant:x", "--out", run]
    full = subprocess.run(
        isac_command(*args), capture_output=True, text=True, timeout=60, preexec_fn=_limit_file_size
    )
    assert full.returncode == 2, full.stderr
    assert "cannot append a result record" in full.stderr and "Traceback" not in full.stderr
    assert "rerun to resume" in full.stderr
    kept = len(read_records_lenient(run))
    assert 0 < kept < 40
    resumed = run_isac(*args)  # space is back: the rerun completes the rest
    assert resumed.returncode == 0, resumed.stderr
    assert len({record["row_id"] for record in read_log(run)}) == 40


def read_records_lenient(run: Path) -> list[str]:
    """Complete lines of a log that may end in a fragment."""
    data = (run / "results.jsonl").read_bytes()
    return data.split(b"\n")[:-1]


# --------------------------------------------------------------------- 8: accepted silently before


def test_duplicated_manifest_rows_are_refused(tmp_path: Path) -> None:
    first = row(1)
    manifest = write_manifest(tmp_path / "m" / "f-asr.jsonl", [first, row(2), first], lock=False)
    with pytest.raises(ManifestError, match=rf"f-asr.jsonl:3: row {first.id} repeats line 1"):
        execute(_config(manifest, tmp_path, "constant:x", verify=False))


def test_a_crlf_manifest_is_refused_with_the_reason(tmp_path: Path) -> None:
    manifest = write_manifest(tmp_path / "m" / "f-asr.jsonl", [row(1)], lock=False)
    manifest.write_bytes(manifest.read_bytes().replace(b"\n", b"\r\n"))
    with pytest.raises(ManifestError, match=r"f-asr.jsonl:1: line ends with CRLF"):
        execute(_config(manifest, tmp_path, "constant:x", verify=False))


# -------------------------------------------------------------------------------- 9: dead ends


def test_a_record_naming_another_model_does_not_count_as_done(tmp_path: Path) -> None:
    rows = [row(1), row(2)]
    manifest = write_manifest(tmp_path / "m" / "f-asr.jsonl", rows)
    execute(_config(manifest, tmp_path, "constant:x"))
    log = tmp_path / "run" / "results.jsonl"
    lines = log.read_text(encoding="utf-8").splitlines()
    foreign = json.loads(lines[0]) | {"model": "constant:y"}
    log.write_text("\n".join([*lines, canonical_json(foreign)]) + "\n", encoding="utf-8")
    warnings: list[str] = []
    summary = execute(_config(manifest, tmp_path, "constant:x"), warn=warnings.append)
    assert summary.executed == 1 and any("names another model" in text for text in warnings)
    latest = latest_records(log)
    assert {record.model for record in latest.values()} == {"constant:x"}


# ------------------------------------------------------------------------ 10: fail, not exit 0


def test_constant_without_text_is_an_error() -> None:
    with pytest.raises(RunError, match=r"expected constant:TEXT"):
        build_adapter("constant")


def test_a_filter_selecting_no_rows_is_an_error(tmp_path: Path) -> None:
    manifest = write_manifest(tmp_path / "m" / "f-asr.jsonl", [row(1)])
    config = _config(manifest, tmp_path, "constant:x", row_filter=RowFilter(classes=("F9",)))
    with pytest.raises(RunError, match=r"no row of the 1 .* passes the row selection \(--class F9\)"):
        execute(config)


def test_replay_with_most_rows_missing_exits_non_zero(tmp_path: Path) -> None:
    rows = [row(i) for i in range(10)]
    manifest = write_manifest(tmp_path / "m" / "f-asr.jsonl", rows)
    replay = _replay(tmp_path, {rows[0].id: "only one"})
    done = run_isac("exec", manifest, "--model", f"replay:{replay}", "--out", tmp_path / "run")
    assert done.returncode == 1, done.stderr
    assert "9 of 10 rows (90.0%) ended in an error record" in done.stderr
    assert "no replayed response" in done.stderr
    assert len(read_log(tmp_path / "run")) == 10  # the records are kept
    allowed = run_isac(
        "exec", manifest, "--model", f"replay:{replay}", "--out", tmp_path / "run2", "--max-error-rate", "1"
    )
    assert allowed.returncode == 0, allowed.stderr


def test_max_error_rate_zero_fails_on_any_error(tmp_path: Path) -> None:
    rows = [row(i) for i in range(20)]
    manifest = write_manifest(tmp_path / "m" / "f-asr.jsonl", rows)
    replay = _replay(tmp_path, {item.id: "x" for item in rows[1:]})
    base = ["exec", manifest, "--model", f"replay:{replay}"]
    assert run_isac(*base, "--out", tmp_path / "a").returncode == 0  # 1 in 20 = 5 %: within the default
    assert run_isac(*base, "--out", tmp_path / "b", "--max-error-rate", "0").returncode == 1


def test_response_length_is_capped_and_the_cut_recorded(tmp_path: Path) -> None:
    rows = [row(1), row(2)]
    manifest = write_manifest(tmp_path / "m" / "f-asr.jsonl", rows)
    replay = _replay(tmp_path, {rows[0].id: "a" * 5000, rows[1].id: "short"})
    execute(_config(manifest, tmp_path, f"replay:{replay}", max_response_chars=100))
    first, second = read_log(tmp_path / "run")
    assert first["response"] == "a" * 100 and first["response_chars"] == 5000
    assert second["response"] == "short" and "response_chars" not in second
    assert os.path.getsize(tmp_path / "run" / "results.jsonl") < 2000
