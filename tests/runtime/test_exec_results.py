"""The append-only result log: record format, crash repair, last-record-wins reading."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from isac.compiler.errors import RunError
from isac.runtime.results import ResultLog, ResultRecord, latest_records, read_records, repair_tail


def record(row_id: str, *, error: str | None = None, attempt: int = 1, response: str = "ok") -> ResultRecord:
    return ResultRecord(
        row_id=row_id,
        manifest_sha256="ab" * 32,
        model="oracle",
        response=None if error else response,
        error=error,
        latency_s=0.5,
        attempt=attempt,
    )


def test_records_are_canonical_lines_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "results.jsonl"
    with ResultLog.open(path) as log:
        log.append(record("a", response="héllo\nworld"))
        log.append(record("b", error="boom"))
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert list(first) == sorted(first)  # sorted keys
    assert first["response"] == "héllo\nworld"
    assert set(first) == {
        "row_id", "manifest_sha256", "model", "response", "error",
        "latency_s", "prompt_tokens", "completion_tokens", "attempt",
    }  # fmt: skip
    assert [item.row_id for item in read_records(path)] == ["a", "b"]


def test_last_record_of_a_row_wins(tmp_path: Path) -> None:
    path = tmp_path / "results.jsonl"
    with ResultLog.open(path) as log:
        log.append(record("a", error="timeout"))
        log.append(record("b"))
        log.append(record("a", attempt=2, response="fixed"))
    latest = latest_records(path)
    assert latest["a"].response == "fixed" and latest["a"].attempt == 2 and latest["a"].ok
    assert latest["b"].ok


def test_open_truncates_a_partial_last_line_and_reports_it(tmp_path: Path) -> None:
    path = tmp_path / "results.jsonl"
    with ResultLog.open(path) as log:
        log.append(record("a"))
    intact = path.read_bytes()
    path.write_bytes(intact + b'{"row_id":"b","manif')
    assert [item.row_id for item in read_records(path)] == ["a"]  # reading skips the fragment
    with ResultLog.open(path) as log:
        assert log.repair is not None and log.repair.truncated_bytes == len(b'{"row_id":"b","manif')
        assert "incomplete last record" in log.repair.describe()
        log.append(record("c"))
    assert path.read_bytes() == intact + record("c").to_line().encode()


def test_malformed_complete_line_is_an_error_naming_the_line(tmp_path: Path) -> None:
    path = tmp_path / "results.jsonl"
    path.write_text(record("a").to_line() + "not json\n" + record("b").to_line(), encoding="utf-8")
    with pytest.raises(RunError, match=r"results.jsonl:2: result record is not valid JSON"):
        latest_records(path)
    path.write_text('{"row_id": "x"}\n', encoding="utf-8")
    with pytest.raises(RunError, match=r"results.jsonl:1: invalid result record at key"):
        latest_records(path)


@settings(max_examples=60, deadline=None)
@given(
    responses=st.lists(st.text(max_size=40), min_size=1, max_size=8),
    cut=st.integers(min_value=0, max_value=10_000),
)
def test_a_log_cut_at_any_byte_repairs_to_its_complete_records(
    tmp_path_factory: pytest.TempPathFactory, responses: list[str], cut: int
) -> None:
    """A crash can stop the file at any byte; repair keeps exactly the records whose line is whole."""
    path = tmp_path_factory.mktemp("log") / "results.jsonl"
    lines = [record(f"r{index}", response=text).to_line().encode() for index, text in enumerate(responses)]
    data = b"".join(lines)
    cut = min(cut, len(data))
    path.write_bytes(data[:cut])
    repair_tail(path)
    kept = path.read_bytes()
    complete = 0
    total = 0
    for line in lines:
        if total + len(line) > cut:
            break
        total += len(line)
        complete += 1
    assert kept == data[:total]
    assert [item.response for item in read_records(path)] == responses[:complete]
