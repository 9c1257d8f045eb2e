"""`isac demo` end to end on the bundled mini corpus: compile, exec, score, report."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import duckdb
import pytest

from isac.runtime.cli import main
from isac.runtime.demo import MARKER, TINY_NAME, DemoConfig, DemoError, run_demo
from isac.runtime.execution.selection import shard_of

AXES = ("D1", "D2", "D3", "D4", "D5", "F1", "F2", "F3", "F4", "N1", "N2")


def query(db: Path, sql: str) -> list[tuple]:
    connection = duckdb.connect(str(db), read_only=True)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """One demo run without the tiny model and without Java, through the command line."""
    out = tmp_path_factory.mktemp("demo") / "out"
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = main(["demo", "--out", str(out), "--no-tiny", "--no-meteor"])
    assert code == 0
    return out, buffer.getvalue()


def test_demo_writes_every_stage(demo_out: tuple[Path, str]) -> None:
    out, _ = demo_out
    assert (out / MARKER).is_file()
    assert (out / "manifests" / "isac.lock.json").is_file()
    assert len(list((out / "manifests").glob("*.jsonl"))) == 11
    for model in ("oracle", "constant"):
        assert (out / "runs" / model / "results.jsonl").stat().st_size > 0
    assert (out / "scores.duckdb").is_file()
    for name in ("report.md", "report.html", "radar_ifr.png", "radar_rps.png", "area_ratios.png"):
        assert (out / "report" / name).stat().st_size > 0, name


def test_oracle_is_perfect_and_constant_fails(demo_out: tuple[Path, str]) -> None:
    db = demo_out[0] / "scores.duckdb"
    oracle = dict(query(db, "SELECT variation_class, ifr FROM axis_scores WHERE model = 'oracle'"))
    assert oracle == {axis: 100.0 for axis in AXES}
    areas = {
        model: (ifr, rps)
        for model, ifr, rps in query(db, "SELECT model, ifr_area, rps_area FROM area_ratios")
    }
    assert areas["oracle"] == (100.0, 100.0)
    assert areas["constant"][0] < 5.0 and areas["constant"][1] < 5.0
    constant = dict(query(db, "SELECT variation_class, ifr FROM axis_scores WHERE model = 'constant'"))
    assert set(constant) == set(AXES)
    # A fixed sentence follows no format except F1's "just answer" for open tasks.
    assert all(constant[axis] == 0.0 for axis in AXES if axis != "F1")
    assert constant["F1"] < 100.0


def test_report_and_terminal_name_every_model(demo_out: tuple[Path, str]) -> None:
    out, printed = demo_out
    markdown = (out / "report" / "report.md").read_text(encoding="utf-8")
    assert "### oracle" in markdown and "### constant" in markdown
    assert "No non-compliant responses." in markdown.split("### oracle", 1)[1]
    assert "I am not sure." in markdown  # the constant's failures are shown
    assert "ISA-Bench summary" in printed and "oracle" in printed and "constant" in printed
    assert "report.html" in printed
    assert "skipping" not in printed  # --no-tiny is a choice, not a missing dependency


def test_rerun_starts_clean_and_keep_resumes(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    config = DemoConfig(out=out, tiny=False, meteor=False, examples=1)
    first = run_demo(config, log=lambda _: None)
    assert [summary.executed for summary in first.executions] == [first.manifest_rows] * 2
    (out / "runs" / "oracle" / "stale.txt").write_text("left by hand")
    kept = run_demo(DemoConfig(out=out, tiny=False, meteor=False, keep=True), log=lambda _: None)
    assert [summary.executed for summary in kept.executions] == [0, 0]
    assert (out / "runs" / "oracle" / "stale.txt").exists()
    clean = run_demo(config, log=lambda _: None)
    assert [summary.executed for summary in clean.executions] == [first.manifest_rows] * 2
    assert not (out / "runs" / "oracle" / "stale.txt").exists()
    areas = dict(query(out / "scores.duckdb", "SELECT model, ifr_area FROM area_ratios"))
    assert areas == {"oracle": 100.0, "constant": 0.0}


def test_refuses_a_folder_it_did_not_make(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "precious"
    out.mkdir()
    (out / "thesis.tex").write_text("do not delete")
    with pytest.raises(DemoError, match="not made by `isac demo`"):
        run_demo(DemoConfig(out=out, tiny=False, meteor=False), log=lambda _: None)
    assert main(["demo", "--out", str(out), "--no-tiny", "--no-meteor"]) == 2
    assert "not made by `isac demo`" in capsys.readouterr().err
    assert (out / "thesis.tex").read_text() == "do not delete"


@pytest.mark.slow
@pytest.mark.models
def test_demo_with_the_tiny_model(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    out = tmp_path / "demo"
    config = DemoConfig(out=out, tiny_shards=8, max_new_tokens=4, meteor=False, examples=1)
    result = run_demo(config, log=lambda _: None)
    assert result.skipped == ()
    assert (out / TINY_NAME / "config.json").is_file()
    expected = sum(
        1
        for manifest in (out / "manifests").glob("*.jsonl")
        for line in manifest.read_text(encoding="utf-8").splitlines()
        if shard_of(json.loads(line)["id"], 8) == 0
    )
    records = (out / "runs" / TINY_NAME / "results.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(records) == expected > 0
    assert all(json.loads(record)["error"] is None for record in records)
    runs = dict(query(out / "scores.duckdb", "SELECT model, rows_scored FROM runs"))
    assert runs[TINY_NAME] == expected
    markdown = (out / "report" / "report.md").read_text(encoding="utf-8")
    assert f"### {TINY_NAME}" in markdown.replace("\\-", "-")


def test_missing_torch_skips_the_tiny_model_with_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Simulates a light install (no torch/transformers) without uninstalling anything.
    reason = "skipping the tiny transformers model: torch not installed (pip install 'isac[models]')"
    monkeypatch.setattr("isac.runtime.demo.tiny_model_unavailable", lambda: reason)
    assert main(["demo", "--out", str(tmp_path / "demo"), "--no-meteor"]) == 0
    printed = capsys.readouterr().out
    assert "pip install 'isac[models]'" in printed  # printed as written, brackets included
    assert not (tmp_path / "demo" / "runs" / TINY_NAME).exists()
    models = query(tmp_path / "demo" / "scores.duckdb", "SELECT model FROM runs ORDER BY model")
    assert models == [("constant",), ("oracle",)]
