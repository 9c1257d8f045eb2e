"""`isac score` and `isac query` from the command line: tables, CSV, JSON and clean errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from isac.runtime.cli import main
from tests.scoring.score_helpers import EMOTIONS, Answer, checker, row, write_manifest, write_run

ROWS = [
    row("SER", f"i{i}", label, checker("label", labels=EMOTIONS)) for i, label in enumerate(["happy", "sad"])
]


@pytest.fixture
def scored_db(tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    manifest = write_manifest(tmp_path / "m", "d-ser", ROWS)
    run = write_run(tmp_path / "run", "cli-model", [manifest], [Answer(ROWS[0], "happy")])
    assert main(["score", str(run), "--db", str(db_path), "--no-meteor"]) == 0
    out = capsys.readouterr().out
    assert "cli-model" in out
    assert "1 of 2 rows have no result" in out
    return db_path


def test_query_prints_a_table(scored_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", str(scored_db), "SELECT model, ifr FROM ifr"]) == 0
    out = capsys.readouterr().out
    assert "cli-model" in out and "100.00" in out and "1 row" in out


def test_query_table_is_not_folded_at_80_columns_when_piped(
    scored_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # capsys is not a terminal, as a pipe or a redirect is not: a 150-character value stays on one line.
    wide = "w" * 150
    assert main(["query", str(scored_db), f"SELECT model, '{wide}' AS wide_column, ifr FROM ifr"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(wide in line and "cli-model" in line for line in lines)
    assert max(len(line) for line in lines) > 150


def test_query_csv_and_json(scored_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", str(scored_db), "SELECT model, n, ifr FROM ifr", "--format", "csv"]) == 0
    assert list(csv.reader(io.StringIO(capsys.readouterr().out))) == [
        ["model", "n", "ifr"],
        ["cli-model", "1", "100.0"],
    ]
    assert main(["query", str(scored_db), "SELECT model, n FROM ifr", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == [{"model": "cli-model", "n": 1}]


def test_query_errors_are_clean(scored_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", str(scored_db), "SELECT * FROM no_such_view"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("isac: error: query failed:") and "no_such_view" in err
    assert "Traceback" not in err


def test_query_is_read_only(scored_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", str(scored_db), "DELETE FROM runs"]) == 2
    assert "read-only" in capsys.readouterr().err.lower()


def test_query_of_a_missing_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", str(tmp_path / "nope.duckdb"), "SELECT 1"]) == 2
    assert "database not found" in capsys.readouterr().err
