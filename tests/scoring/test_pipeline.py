"""Loading runs: idempotent re-scoring, missing and unknown results, coexisting runs, moved manifests."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from isac.compiler.errors import IsacError, ScoringError
from isac.runtime.scoring.pipeline import score_runs
from tests.scoring.score_helpers import EMOTIONS, Answer, checker, row, write_manifest, write_run

LABEL = checker("label", labels=EMOTIONS)
ROWS = [row("SER", f"item{i}", label, LABEL) for i, label in enumerate(["happy", "sad", "angry", "neutral"])]


def _run(tmp_path: Path, name: str, responses: list[str | None], **kwargs) -> Path:
    manifest = write_manifest(tmp_path / "manifests", "d-ser", ROWS)
    answers = [Answer(r, text) for r, text in zip(ROWS, responses, strict=False)]
    return write_run(tmp_path / name, kwargs.pop("model", "m"), [manifest], answers, **kwargs)


def _table_counts(db) -> dict[str, int]:
    return {
        table: db().value(f"SELECT count(*) FROM {table}")
        for table in ("runs", "rows", "run_rows", "responses", "row_scores")
    }


def test_rescoring_the_same_run_replaces_it(tmp_path: Path, db_path: Path, db) -> None:
    run = _run(tmp_path, "run", ["happy", "sad", "x", "y"])
    score_runs(db_path, [run])
    first = _table_counts(db)
    first_ifr = db().rows("SELECT * FROM ifr")
    score_runs(db_path, [run])
    assert (
        _table_counts(db) == first == {"runs": 1, "rows": 4, "run_rows": 4, "responses": 4, "row_scores": 4}
    )
    assert db().rows("SELECT * FROM ifr") == first_ifr


def test_rescoring_sees_appended_records(tmp_path: Path, db_path: Path, db) -> None:
    run = _run(tmp_path, "run", ["happy", None, "x", "neutral"])
    score_runs(db_path, [run])
    assert db().value("SELECT ifr FROM ifr") == 50.0
    # A retry appends a later record for the failed row; the last record wins.
    with (run / "results.jsonl").open("a", encoding="utf-8") as handle:
        record = json.loads((run / "results.jsonl").read_text().splitlines()[1])
        handle.write(json.dumps({**record, "response": "sad", "error": None, "attempt": 2}) + "\n")
    score_runs(db_path, [run])
    assert db().value("SELECT ifr FROM ifr") == 75.0
    assert db().value("SELECT attempt FROM responses WHERE response = 'sad'") == 2


def test_missing_results_are_counted_and_not_scored(tmp_path: Path, db_path: Path, db) -> None:
    run = _run(tmp_path, "run", ["happy", "sad"])
    (report,) = score_runs(db_path, [run])
    assert (report.rows_total, report.rows_scored, report.rows_missing) == (4, 2, 2)
    assert db().value("SELECT n FROM ifr") == 2
    assert db().value("SELECT ifr FROM ifr") == 100.0
    assert db().rows("SELECT rows_total, rows_scored, rows_missing FROM runs") == [(4, 2, 2)]


def test_error_records_are_non_compliant(tmp_path: Path, db_path: Path, db) -> None:
    run = _run(tmp_path, "run", [None, None, "angry", "neutral"])
    (report,) = score_runs(db_path, [run])
    assert report.rows_error == 2
    assert db().rows("SELECT compliant, answer FROM scored ORDER BY item_id") == [
        (False, ""),
        (False, ""),
        (True, "angry"),
        (True, "neutral"),
    ]
    assert db().value("SELECT count(*) FROM responses WHERE error IS NOT NULL AND response IS NULL") == 2


def test_records_of_unknown_rows_are_reported_and_ignored(tmp_path: Path, db_path: Path, db) -> None:
    stray = {
        "row_id": "0" * 16,
        "manifest_sha256": "f" * 64,
        "model": "m",
        "response": "happy",
        "error": None,
        "latency_s": 0.0,
        "attempt": 1,
    }
    run = _run(tmp_path, "run", ["happy"] * 4, extra_records=[stray])
    (report,) = score_runs(db_path, [run])
    assert report.records_unknown == 1
    assert db().value("SELECT count(*) FROM responses") == 4


def test_runs_and_models_coexist(tmp_path: Path, db_path: Path, db) -> None:
    first = _run(tmp_path, "a", ["happy", "sad", "angry", "neutral"], model="model-a")
    second = _run(tmp_path, "b", ["happy", "x", "x", "x"], model="model-b")
    score_runs(db_path, [first])
    score_runs(db_path, [second])
    assert dict(db().rows("SELECT model, ifr FROM ifr")) == {"model-a": 100.0, "model-b": 25.0}


def test_two_runs_of_one_model_over_the_same_rows_warn(tmp_path: Path, db_path: Path) -> None:
    first = _run(tmp_path, "a", ["happy"] * 4, created_at="2025-01-01T00:00:00+00:00")
    second = _run(tmp_path, "b", ["sad"] * 4, created_at="2025-02-01T00:00:00+00:00")
    reports = score_runs(db_path, [first, second])
    assert reports[0].run_id != reports[1].run_id
    assert reports[1].overlapping_rows == 4
    assert any("more than one run" in warning for warning in reports[1].warnings)


def test_name_overrides_the_model_label(tmp_path: Path, db_path: Path, db) -> None:
    run = _run(tmp_path, "run", ["happy"] * 4)
    score_runs(db_path, [run], name="my-model")
    assert db().value("SELECT DISTINCT model FROM ifr") == "my-model"
    with pytest.raises(ScoringError, match="one run"):
        score_runs(db_path, [run, run], name="x")


def test_moved_manifests_are_found_by_name_and_hash(tmp_path: Path, db_path: Path, db) -> None:
    run = _run(tmp_path, "run", ["happy"] * 4)
    moved = tmp_path / "elsewhere"
    shutil.move(tmp_path / "manifests", moved)
    with pytest.raises(ScoringError, match="--manifest-dir"):
        score_runs(db_path, [run])
    score_runs(db_path, [run], search_dirs=[moved])
    assert db().value("SELECT count(*) FROM row_scores") == 4


def test_an_edited_manifest_is_refused(tmp_path: Path, db_path: Path) -> None:
    run = _run(tmp_path, "run", ["happy"] * 4)
    path = tmp_path / "manifests" / "d-ser.jsonl"
    path.write_text(path.read_text().replace("happy", "sad"))
    with pytest.raises(ScoringError, match="differs from the one the run executed"):
        score_runs(db_path, [run])


def test_a_failed_rescore_leaves_the_database_unchanged(tmp_path: Path, db_path: Path, db) -> None:
    good = _run(tmp_path, "good", ["happy"] * 4)
    (first,) = score_runs(db_path, [good])
    # Same fingerprint and creation time, so the same run id: scoring it starts by deleting `good`.
    bogus = row("SER", "item9", "happy", checker("no_such_kind"))
    manifest = write_manifest(tmp_path / "other", "d-ser", [*ROWS, bogus])
    bad = write_run(tmp_path / "bad", "m", [manifest], [Answer(r, "happy") for r in [*ROWS, bogus]])
    with pytest.raises(ScoringError, match="no_such_kind"):
        score_runs(db_path, [bad])
    assert db().rows("SELECT run_id, run_dir FROM runs") == [(first.run_id, str(good.resolve()))]
    assert db().value("SELECT count(*) FROM row_scores") == 4


def test_malformed_results_are_an_error(tmp_path: Path, db_path: Path) -> None:
    run = _run(tmp_path, "run", ["happy"] * 4)
    (run / "results.jsonl").write_text("{not json}\n")
    with pytest.raises(IsacError, match=r"results.jsonl:1: result record is not valid JSON"):
        score_runs(db_path, [run])


def test_unknown_profile(tmp_path: Path, db_path: Path) -> None:
    with pytest.raises(ScoringError, match="unknown scoring profile 'strict'"):
        score_runs(db_path, [tmp_path], profile="strict")
