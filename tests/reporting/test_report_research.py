"""What a researcher needs from the report: n and intervals, every variant, provenance, reasons for
failures, escaped non-printables, and the paper comparison only at the paper's scale."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb

from isac.runtime.reporting import ReportFiles, write_report
from isac.runtime.reporting.document import clip, visible
from isac.runtime.scoring.bootstrap import BootstrapOptions, compute_replicates, write_ci_tables
from isac.runtime.scoring.db.schema import open_database

from .report_helpers import ScoredDb
from .test_report_files import markdown_table, query


def test_headline_without_intervals_says_how_to_get_them(report: ReportFiles) -> None:
    text = report.markdown.read_text(encoding="utf-8")
    header, body = markdown_table(text, "Summary: area ratios")
    assert header == ["Model", "IFR area", "IFR 95 % CI", "RPS area", "RPS 95 % CI", "Items", "Rows"]
    # 9 rows per model over 7 distinct items (a0, a1 shared by D1 and F2; s0-s2; n0, n1)
    assert ["alpha", "9.1", "–", "9.1", "–", "7", "9"] in body
    assert "run \\`isac bootstrap DB\\`" in text


def test_every_variant_table_matches_the_view_with_n(report: ReportFiles, scored_db: ScoredDb) -> None:
    text = report.markdown.read_text(encoding="utf-8")
    for model, dimension, cls, variant, task, ifr, n in query(
        scored_db.path, "SELECT model, dimension, variation_class, variant, task, ifr, n FROM metric_if"
    ):
        header, body = markdown_table(text, f"{dimension} dimension: every variant")
        escaped = variant.replace("_", "\\_")
        row = next(r for r in body if r[:4] == [cls, escaped, task, model])
        assert row[header.index("IFR %")] == f"{ifr:.1f}" and row[header.index("Rows")] == str(n)
    assert "<details><summary>D dimension: every variant (3 rows)</summary>" in text


def test_intervals_appear_after_bootstrap(scored_db: ScoredDb, tmp_path: Path) -> None:
    db = tmp_path / "boot.duckdb"
    shutil.copy(scored_db.path, db)
    connection = open_database(db)
    try:
        write_ci_tables(connection, compute_replicates(connection, BootstrapOptions(resamples=40, seed=3)))
        lo, hi = connection.execute(
            "SELECT ifr_lo, ifr_hi FROM metric_if_ci WHERE model = 'beta' AND variant = 'answer_only'"
        ).fetchone()
    finally:
        connection.close()
    text = write_report(db, tmp_path / "r").markdown.read_text(encoding="utf-8")
    _, body = markdown_table(text, "Summary: area ratios")
    assert all(row[2].startswith("\\[") for row in body)
    assert "40 resamples of items (seed 3)" in text
    header, body = markdown_table(text, "F dimension: every variant")
    row = next(r for r in body if r[1] == "answer\\_only" and r[3] == "beta")
    assert row[header.index("IFR CI")] == f"\\[{lo:.1f}, {hi:.1f}\\]"


def test_provenance_block_and_scale_warning(report: ReportFiles, scored_db: ScoredDb) -> None:
    text = report.markdown.read_text(encoding="utf-8")
    header, body = markdown_table(text, "Provenance of every scored run")
    runs = dict(query(scored_db.path, "SELECT model, run_id FROM runs"))
    assert {row[0]: row[1] for row in body} == runs
    assert all(row[header.index("Paper scale")] == "no" for row in body)
    assert "Not comparable with the published leaderboard." in text
    assert "D ASR: 2 items, the paper has 2620" in text
    _, metrics = markdown_table(text, "Metrics and their signatures")
    assert any("tok:zh" in row[2] for row in metrics)
    assert "Comparison with the paper" not in text  # mini data: no paper section


def test_paper_section_when_full_scale(scored_db: ScoredDb, tmp_path: Path) -> None:
    db = tmp_path / "full.duckdb"
    shutil.copy(scored_db.path, db)
    connection = duckdb.connect(str(db))
    try:
        for run_id, data in connection.execute("SELECT run_id, data FROM provenance").fetchall():
            record = json.loads(data)
            record["scale"] = {"comparable_with_paper": True, "items": {}, "reasons": []}
            update = "UPDATE provenance SET data = ? WHERE run_id = ?"
            connection.execute(update, [json.dumps(record), run_id])
    finally:
        connection.close()
    files = write_report(db, tmp_path / "r")
    text = files.markdown.read_text(encoding="utf-8")
    assert "Not comparable" not in text
    _, body = markdown_table(text, "Comparison with the paper")
    assert ["desta2.5-audio", "paper (published)", "70.3", "50.5"] in body
    assert ["alpha", "this database", "9.1", "9.1"] in body
    assert 'id="paper"' in files.html.read_text(encoding="utf-8")


def test_failures_give_the_checker_reason(report: ReportFiles) -> None:
    text = report.markdown.read_text(encoding="utf-8")
    html = report.html.read_text(encoding="utf-8")
    beta = text.split("### beta", 1)[1].split("### evil", 1)[0]
    assert "missing prefix 'The transcription is:'; starts with 'good day'" in beta
    assert "'I think it is sad' is not exactly one of the labels happy, sad, angry, neutral" in beta
    assert "expected 2 parts separated by '\\|', found 1" in beta  # pipe escaped in markdown
    assert "contains lower-case letters" in beta
    assert "no response: the model call failed" in beta
    assert '<span class="reason">missing prefix &#39;The transcription is:&#39;' in html
    assert "<details><summary>" in text and '<details class="failures">' in html


def test_non_printable_characters_are_escaped() -> None:
    assert visible("a\x00b\x1b[31m\u200bc\u202ed\tē\n中") == "a\\x00b\\x1b[31m\\u200bc\\u202ed\tē\n中"
    assert clip("x" * 10 + "\x07", 5) == "xxxxx… [6 more characters]"
