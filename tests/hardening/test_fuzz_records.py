"""Issue 12: fuzzed responses and result logs through exec -> score -> report.

Whatever a model answers (any unicode, lone surrogates, control characters, line separators, huge
strings) and whatever lines a results.jsonl holds (invalid JSON, non-UTF-8 bytes, wrong keys, a cut-off
last line), the pipeline ends in a clear error naming the file and line, or in a report where every row
is accounted for (rows_total = scored + missing) with exactly the stored answers. Examples are few and
small (17 rows; the whole file runs in well under a minute).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from isac.compiler.errors import IsacError, RunError
from isac.compiler.rows import ManifestRow
from isac.compiler.unicode_text import scrub_surrogates
from isac.runtime.execution.engine import MAX_ERROR_CHARS
from isac.runtime.execution.runner import ExecConfig, execute
from isac.runtime.execution.selection import RowFilter
from isac.runtime.reporting.report import write_report
from isac.runtime.scoring.pipeline import score_runs
from tests.runtime.exec_helpers import every_checker_kind_rows, write_manifest

ROWS = every_checker_kind_rows()
MAX_CHARS = 100_000  # exec's default --max-response-chars
# No shrinking: an example is a whole pipeline run, and shrinking a huge string takes minutes.
FUZZ = settings(
    max_examples=12,
    deadline=None,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# every code point, lone surrogates and control characters included
ANY_CHAR = st.characters(codec=None, exclude_categories=())
AWKWARD = st.sampled_from(
    ["\ud83d", "\udc00", "\x00", "\x1b[31m", "\r", "\n", "\u2028", "\x85", "|||", "```"]
)
TEXT = st.lists(st.one_of(ANY_CHAR, AWKWARD), max_size=40).map("".join)
HUGE = st.builds(
    lambda unit, count: unit * count,
    st.sampled_from(["a", "é", "😀", "\ud83d", "\x00", "ab\n"]),
    st.integers(MAX_CHARS - 2, 3 * MAX_CHARS),
)
# per row: no replayed line (an error record), an answer, a huge answer, or a replayed error
ANSWER = st.one_of(
    st.none(),
    st.tuples(st.just("response"), st.one_of(TEXT, HUGE)),
    st.tuples(st.just("error"), st.one_of(TEXT.filter(bool), HUGE)),
)


def _as_read(text: str) -> str:
    """`text` as a JSON reader gets it back: two lone surrogates in a row are one escaped pair."""
    return json.loads(json.dumps(text))


def _stored_text(text: str, limit: int) -> str:
    return scrub_surrogates(_as_read(text))[:limit]


def _read_log(path: Path) -> list[dict]:
    """Records of a log, split at b"\\n" only: a raw U+2028 or U+0085 is allowed inside a JSON string."""
    data = path.read_bytes()
    assert data.endswith(b"\n")
    return [json.loads(line) for line in data.split(b"\n")[:-1]]


def _responses(db: Path) -> dict[str, tuple[str | None, str | None]]:
    with duckdb.connect(str(db), read_only=True) as connection:
        found = connection.execute("SELECT row_id, response, error FROM responses").fetchall()
    return {row_id: (response, error) for row_id, response, error in found}


@FUZZ
@given(answers=st.lists(ANSWER, min_size=len(ROWS), max_size=len(ROWS)), ascii_only=st.booleans())
def test_any_responses_go_through_exec_score_report(
    answers: list[tuple[str, str] | None], ascii_only: bool
) -> None:
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        manifest = write_manifest(tmp / "set" / "f-mixed.jsonl", ROWS)
        replay = tmp / "replay.jsonl"
        lines = [
            json.dumps({"row_id": row.id, answer[0]: answer[1]}, ensure_ascii=ascii_only)
            for row, answer in zip(ROWS, answers, strict=True)
            if answer is not None
        ]
        # a UTF-8 file holds a lone surrogate as its JSON escape (`\ud83d`), as the reproduction
        replay.write_text("".join(line + "\n" for line in lines), encoding="utf-8", errors="backslashreplace")
        config = ExecConfig(
            manifests=(str(manifest),), model=f"replay:{replay}", out=tmp / "run", progress=False,
            max_error_rate=1.0,
        )  # fmt: skip
        summary = execute(config)
        assert (summary.selected, summary.answered + summary.errors) == (len(ROWS), len(ROWS))

        records = {record["row_id"]: record for record in _read_log(tmp / "run" / "results.jsonl")}
        assert set(records) == {row.id for row in ROWS}
        for row, answer in zip(ROWS, answers, strict=True):
            record = records[row.id]
            if answer is None:
                assert record["response"] is None and record["error"] == "no replayed response"
            elif answer[0] == "response":
                assert record["error"] is None
                assert record["response"] == _stored_text(answer[1], MAX_CHARS)
                length = len(_as_read(answer[1]))
                assert record.get("response_chars") == (length if length > MAX_CHARS else None)
            else:
                assert record["response"] is None
                error = scrub_surrogates(_as_read(answer[1]))
                cut = error if len(error) <= MAX_ERROR_CHARS else error[: MAX_ERROR_CHARS - 3] + "..."
                assert record["error"] == cut

        [report] = score_runs(tmp / "s.duckdb", [tmp / "run"], meteor=False)
        assert report.rows_total == len(ROWS) == report.rows_scored + report.rows_missing
        assert report.rows_missing == 0
        assert report.rows_error == sum(1 for answer in answers if answer is None or answer[0] == "error")
        stored = _responses(tmp / "s.duckdb")
        assert stored == {key: (value["response"], value["error"]) for key, value in records.items()}

        files = write_report(tmp / "s.duckdb", tmp / "report")
        assert files.markdown.is_file() and files.html.is_file()
        assert files.markdown.read_text(encoding="utf-8").startswith("# ISA-Bench report")


# ------------------------------------------------------------------------------ hand-edited logs


def _record_line(row: ManifestRow, response: str, sha256: str, ascii_only: bool) -> bytes:
    data = {
        "row_id": row.id, "manifest_sha256": sha256, "model": "constant:x", "response": response,
        "error": None, "latency_s": 0.0,
    }  # fmt: skip
    # by hand, as another tool would: ASCII escapes, or UTF-8 with a lone surrogate as its escape
    return json.dumps(data, ensure_ascii=ascii_only).encode("utf-8", "backslashreplace")


GARBAGE = st.one_of(
    st.just(b""),
    st.just(b"\xff\xfe not utf-8"),
    st.just(b"[1, 2]"),
    st.just(b'{"row_id": 5}'),
    TEXT.map(lambda text: ("{" + text.replace("\n", " ")).encode("utf-8", "surrogatepass")),
)
LINE = st.one_of(
    st.tuples(st.just("record"), st.integers(0, len(ROWS) - 1), TEXT, st.booleans()),
    st.tuples(st.just("garbage"), GARBAGE),
)


def _first_bad_line(lines: Sequence[tuple]) -> int | None:
    for number, line in enumerate(lines, start=1):
        if line[0] == "garbage":
            return number
    return None


@FUZZ
@given(
    lines=st.lists(LINE, max_size=12),
    fragment=st.one_of(st.none(), st.binary(min_size=1, max_size=30).filter(lambda data: b"\n" not in data)),
)
def test_any_result_log_is_scored_whole_or_refused_naming_the_line(
    lines: list[tuple], fragment: bytes | None
) -> None:
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        manifest = write_manifest(tmp / "set" / "f-mixed.jsonl", ROWS)
        run = tmp / "run"
        first = ExecConfig(
            manifests=(str(manifest),), model="constant:x", out=run, progress=False,
            row_filter=RowFilter(limit=1),
        )  # fmt: skip
        execute(first)  # run.json and one record
        log = run / "results.jsonl"
        sha256 = json.loads(log.read_text(encoding="utf-8"))["manifest_sha256"]
        data = log.read_bytes()
        latest: dict[str, str] = {ROWS[0].id: "x"}
        for line in lines:
            if line[0] == "record":
                _, index, response, ascii_only = line
                data += _record_line(ROWS[index], response, sha256, ascii_only) + b"\n"
                latest[ROWS[index].id] = scrub_surrogates(_as_read(response))
            else:
                data += line[1] + b"\n"
        log.write_bytes(data + (fragment or b""))
        bad = _first_bad_line(lines)

        if bad is not None:
            where = f"results.jsonl:{bad + 1}:"  # the line exec wrote comes first
            with pytest.raises(IsacError, match=where):
                score_runs(tmp / "s.duckdb", [run], meteor=False)
            with pytest.raises(RunError, match=where):
                execute(ExecConfig(manifests=(str(manifest),), model="constant:x", out=run, progress=False))
            assert log.read_bytes() in (data, data + (fragment or b""))  # only a cut-off tail may go
            return

        [report] = score_runs(tmp / "s.duckdb", [run], meteor=False)
        assert report.rows_total == len(ROWS) == report.rows_scored + report.rows_missing
        assert report.rows_scored == len(latest)
        assert {key: value[0] for key, value in _responses(tmp / "s.duckdb").items()} == latest
        write_report(tmp / "s.duckdb", tmp / "report")
        # the rerun repairs the cut-off tail and runs exactly the rows that had no record
        resumed = execute(ExecConfig(manifests=(str(manifest),), model="constant:x", out=run, progress=False))
        assert (resumed.skipped, resumed.executed) == (len(latest), len(ROWS) - len(latest))
        [again] = score_runs(tmp / "s2.duckdb", [run], meteor=False)
        assert (again.rows_scored, again.rows_missing) == (len(ROWS), 0)


def test_an_invalid_line_in_a_replay_file_names_it_and_writes_nothing(tmp_path: Path) -> None:
    manifest = write_manifest(tmp_path / "set" / "f-mixed.jsonl", ROWS)
    replay = tmp_path / "replay.jsonl"
    replay.write_text(
        json.dumps({"row_id": ROWS[0].id, "response": "ok"}) + '\n{"row_id": \n', encoding="utf-8"
    )
    with pytest.raises(RunError, match=r"replay.jsonl:2: not valid JSON"):
        execute(ExecConfig(manifests=(str(manifest),), model=f"replay:{replay}", out=tmp_path / "run"))
    assert not (tmp_path / "run" / "results.jsonl").exists()


@pytest.mark.parametrize("separator", ["\u2028", "\x85", "\x1c", "\r"])
def test_a_raw_unicode_line_separator_inside_a_replayed_response_is_text(
    tmp_path: Path, separator: str
) -> None:
    manifest = write_manifest(tmp_path / "set" / "f-mixed.jsonl", ROWS[:1])
    replay = tmp_path / "replay.jsonl"
    text = f"one{separator}two"
    replay.write_text(
        json.dumps({"row_id": ROWS[0].id, "response": text}, ensure_ascii=False) + "\n", "utf-8"
    )
    execute(ExecConfig(manifests=(str(manifest),), model=f"replay:{replay}", out=tmp_path / "run"))
    [record] = _read_log(tmp_path / "run" / "results.jsonl")
    assert record["response"] == text
