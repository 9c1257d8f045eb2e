"""Responses in exactly the requested format score IFR 100 on every variant, class and axis."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from isac.runtime.scoring.pipeline import score_runs
from tests.scoring.oracle_set import composite_rows, oracle, single_rows
from tests.scoring.score_helpers import Answer, write_manifest, write_run


@pytest.fixture
def oracle_db(tmp_path: Path, db_path: Path) -> Path:
    manifests = [
        write_manifest(tmp_path / "m", "d-all", single_rows("D")),
        write_manifest(tmp_path / "m", "f-all", single_rows("F")),
        write_manifest(tmp_path / "m", "n-composite", composite_rows()),
    ]
    rows = [*single_rows("D"), *single_rows("F"), *composite_rows()]
    run = write_run(tmp_path / "oracle", "oracle", manifests, [Answer(r, oracle(r)) for r in rows])
    score_runs(db_path, [run], meteor=False)
    return db_path


def test_every_checker_kind_accepts_the_oracle(oracle_db: Path, db) -> None:
    kinds = db().value("SELECT count(DISTINCT checker->>'kind') FROM rows")
    assert kinds == 10
    failing = db().rows(
        "SELECT r.checker->>'kind', s.answer FROM row_scores AS s JOIN rows AS r ON r.id = s.row_id "
        "WHERE NOT s.compliant"
    )
    assert failing == []


def test_oracle_ifr_is_100_everywhere(oracle_db: Path, db) -> None:
    assert db().value("SELECT min(ifr) FROM ifr") == 100.0
    axes = db().rows("SELECT variation_class, ifr FROM axis_scores ORDER BY axis_index")
    assert [name for name, _ in axes] == ["D1", "D2", "D3", "D4", "D5", "F1", "F2", "F3", "F4", "N1", "N2"]
    assert all(value == 100.0 for _, value in axes)
    # N axes average the ASR, SER and GR subtasks of composite rows.
    assert db().value("SELECT task_list FROM axis_scores WHERE variation_class = 'N2'") == "ASR,GR,SER"


def test_oracle_metrics_are_perfect(oracle_db: Path, db) -> None:
    found = dict(
        db().rows("SELECT metric, min(value) FILTER (WHERE metric <> 'WER') FROM metric_if GROUP BY 1")
    )
    assert found["ACC"] == 100.0
    assert found["BLEU"] == pytest.approx(100.0)
    assert db().value("SELECT max(value) FROM metric_if WHERE metric = 'WER'") == 0.0
    # METEOR was switched off: NULL, never a made-up number.
    assert db().value("SELECT count(*) FROM metric_if WHERE metric = 'METEOR' AND value IS NOT NULL") == 0


def test_all_radii_one_give_area_100(oracle_db: Path, db) -> None:
    ifr_area, rps_area, axes = db().rows("SELECT ifr_area, rps_area, axes FROM area_ratios")[0]
    assert (ifr_area, axes) == (pytest.approx(100.0), 11)
    assert rps_area == pytest.approx(100.0)


def test_alternating_radii(tmp_path: Path, db_path: Path, db) -> None:
    """Axes D1, D3, D5, F2, F4, N2 (even positions) at 1 and the others at 0: only the N2 -> D1 edge
    (the wrap-around) joins two radii of 1, so the area is 100/11."""
    even = {"D1", "D3", "D5", "F2", "F4", "N2"}
    rows = [*single_rows("D"), *single_rows("F"), *composite_rows()]
    manifest = write_manifest(tmp_path / "m", "all", rows)
    answers = [Answer(r, oracle(r) if r.variation_class in even else "") for r in rows]
    run = write_run(tmp_path / "alternating", "alternating", [manifest], answers)
    score_runs(db_path, [run], meteor=False)
    radii = dict(db().rows("SELECT variation_class, ifr FROM axis_scores"))
    assert {name for name, value in radii.items() if value == 100.0} == even
    assert {name for name, value in radii.items() if value == 0.0} == set(radii) - even
    assert db().value("SELECT ifr_area FROM area_ratios") == pytest.approx(100.0 / 11)


def test_leaderboard_reads_the_database(oracle_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from isac.runtime.cli import main

    assert main(["leaderboard", "--db", str(oracle_db), "--json"]) == 0
    alone = json.loads(capsys.readouterr().out)
    assert alone["ifr_area"] == {"oracle": pytest.approx(100.0)}
    assert set(alone["rps_area"]) == {"oracle"}

    assert main(["leaderboard", "--published", "--json"]) == 0
    published = json.loads(capsys.readouterr().out)
    assert main(["leaderboard", "--published", "--db", str(oracle_db), "--json"]) == 0
    pooled = json.loads(capsys.readouterr().out)
    # IFR areas do not depend on the pool; the database model joins the published ones
    assert pooled["ifr_area"] == {**published["ifr_area"], "oracle": pytest.approx(100.0)}
    assert set(pooled["rps_area"]) == set(published["rps_area"]) | {"oracle"}
    # published values stay as published, and the oracle scores 100 as in the views
    assert pooled["rps_area"] == {**published["rps_area"], "oracle": pytest.approx(100.0)}
    (oracle_row,) = [row for row in pooled["rows"] if row["model"] == "oracle"]
    assert oracle_row["rps_pool"] == ["oracle"] and oracle_row["rps_formula"].startswith("isac")
    assert oracle_row["comparable_with_paper"] is False  # a tiny fixture, not the paper's data set
    assert pooled["not_comparable_with_paper"] == ["oracle"]
    assert pooled["provenance"][0]["scale"]["reasons"]

    # --joint-pool recomputes everyone with the isa-v1 formula; published models then move
    assert main(["leaderboard", "--published", "--db", str(oracle_db), "--json", "--joint-pool"]) == 0
    joint = json.loads(capsys.readouterr().out)
    assert joint["rps_area"] != pooled["rps_area"]
    assert all(row["rps_formula"].startswith("isa-v1") for row in joint["rows"])


def test_oracle_scores_100_on_every_view_and_command(oracle_db: Path, db, capsys) -> None:  # type: ignore[no-untyped-def]
    from isac.runtime.cli import main

    assert db().value("SELECT rps_area FROM area_ratios") == pytest.approx(100.0)
    assert db().value("SELECT min(rps) FROM rps WHERE rps IS NOT NULL") == 1.0
    assert main(["bootstrap", str(oracle_db), "--resamples", "50"]) == 0
    capsys.readouterr()
    assert db().value("SELECT rps_area_lo FROM area_ratios_ci") == pytest.approx(100.0)
    assert main(["leaderboard", "--db", str(oracle_db), "--json"]) == 0
    board = json.loads(capsys.readouterr().out)
    assert board["rps_area"] == {"oracle": pytest.approx(100.0)}
    assert board["rows"][0]["rps_area_ci"] == [pytest.approx(100.0), pytest.approx(100.0)]
    assert main(["leaderboard", "--db", str(oracle_db)]) == 0
    out = capsys.readouterr().out
    assert "100.0" in out and "not comparable" in out
