"""The report's files against the database they were written from."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import duckdb
import pytest

from isac.runtime.cli import main
from isac.runtime.reporting import ReportFiles, write_report
from isac.runtime.reporting.html import png_size
from isac.runtime.reporting.records import ReportError
from isac.runtime.reporting.tables import format_metric, format_number
from isac.runtime.scoring.db.schema import open_database

from .report_helpers import MALICIOUS, ScoredDb

DIMENSION_TITLES = {"D": "D dimension", "F": "F dimension", "N": "N dimension"}


def markdown_table(text: str, title_start: str) -> tuple[list[str], list[list[str]]]:
    """Header and body cells of the pipe table whose bold title starts with `title_start`."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"**{title_start}"))
    table_lines = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        table_lines.append(line)
    header, _rule, *body = ([cell.strip() for cell in line.strip("|").split(" | ")] for line in table_lines)
    return header, body


def query(db: Path, sql: str) -> list[tuple]:
    connection = duckdb.connect(str(db), read_only=True)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def test_every_file_is_written(report: ReportFiles) -> None:
    names = sorted(path.name for path in report.out_dir.iterdir())
    assert names == ["area_ratios.png", "radar_ifr.png", "radar_rps.png", "report.html", "report.md"]
    assert all(path.stat().st_size > 0 for path in report.out_dir.iterdir())


def test_class_tables_show_the_database_values(report: ReportFiles, scored_db: ScoredDb) -> None:
    text = report.markdown.read_text(encoding="utf-8")
    found = query(
        scored_db.path, "SELECT model, dimension, variation_class, task, metric, ifr, value FROM class_scores"
    )
    assert len(found) == 15  # 3 models x (D1 ASR, F1 SER, F2 ASR, N1 SER, N1 GR)
    for model, dimension, variation_class, task, metric, ifr, value in found:
        header, body = markdown_table(text, DIMENSION_TITLES[dimension])
        row = next(cells for cells in body if cells[0] == model and cells[1] == variation_class)
        assert row[header.index(f"{task} IFR")] == format_number(ifr, 1)
        metric_column = next(i for i, name in enumerate(header) if name.startswith(f"{task} {metric}"))
        assert row[metric_column] == format_metric(metric, value)


def test_class_tables_hold_hand_computed_values(report: ReportFiles) -> None:
    text = report.markdown.read_text(encoding="utf-8")
    header, body = markdown_table(text, "D dimension")
    assert header == ["Model", "Class", "ASR IFR", "ASR WER ↓"]
    # beta: "hello word" (1 substitution) + a non-compliant "good day" (2 deletions) over 4 words
    assert ["beta", "D1", "50.0", "75.00"] in body
    header, body = markdown_table(text, "N dimension")
    assert header == ["Model", "Class", "SER IFR", "SER ACC ↑", "GR IFR", "GR ACC ↑"]
    assert ["beta", "N1", "50.0", "50.00", "50.0", "50.00"] in body


def test_area_table_matches_the_view(report: ReportFiles, scored_db: ScoredDb) -> None:
    _, body = markdown_table(report.markdown.read_text(encoding="utf-8"), "Area ratios")
    expected = query(scored_db.path, "SELECT model, ifr_area, rps_area FROM area_ratios")
    shown = {row[0]: row[1:3] for row in body}
    assert shown == {model: [format_number(ifr), format_number(rps)] for model, ifr, rps in expected}
    # alpha: radius 1 on D1, F1, F2, N1; only F1-F2 are neighbours -> 1/11 of the full area
    assert shown["alpha"] == ["9.09", "9.09"]
    assert [row[0] for row in body] == ["alpha", "beta", "evil"]  # best RPS area first


def test_charts_are_deterministic_pngs(report: ReportFiles, tmp_path: Path, scored_db: ScoredDb) -> None:
    again = write_report(scored_db.path, tmp_path / "again")
    for image in report.images:
        payload = image.read_bytes()
        assert payload[:8] == b"\x89PNG\r\n\x1a\n" and len(payload) > 5000
        assert payload == (again.out_dir / image.name).read_bytes()
    assert png_size((report.out_dir / "radar_ifr.png").read_bytes()) == (800, 800)
    assert png_size((report.out_dir / "area_ratios.png").read_bytes()) == (700, 420)
    assert report.html.read_bytes() == again.html.read_bytes()


def test_html_embeds_the_charts_and_needs_no_other_file(report: ReportFiles) -> None:
    html = report.html.read_text(encoding="utf-8")
    sources = re.findall(r'<img [^>]*src="([^"]*)"', html)
    assert len(sources) == 3
    for source, name in zip(sources, ("radar_ifr.png", "radar_rps.png", "area_ratios.png"), strict=True):
        assert source.startswith("data:image/png;base64,")
        assert base64.b64decode(source.split(",", 1)[1]) == (report.out_dir / name).read_bytes()
    assert "<link" not in html and "http://" not in html and "https://" not in html
    # summary, areas, provenance, metrics, runs, axis IFR, axis RPS, D, F, N, 3 variant tables, worst
    assert html.count("<table") == 14


def test_html_escapes_responses_and_instructions(report: ReportFiles) -> None:
    html = report.html.read_text(encoding="utf-8")
    assert "<script" not in html and "onerror=" not in html.replace("onerror=&#34;", "")
    assert "&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html and "<b>bold</b>" not in html


def test_markdown_keeps_untrusted_text_inside_fences(report: ReportFiles) -> None:
    fence: str | None = None
    seen = 0
    for line in report.markdown.read_text(encoding="utf-8").splitlines():
        if fence is None and line.startswith("```"):
            fence = line[: len(line) - len(line.lstrip("`"))]
            continue
        if fence is not None and line == fence:
            fence = None
            continue
        if "<script>" in line or "<b>bold</b>" in line:
            assert fence is not None, line
            seen += 1
    assert fence is None
    assert seen > 0
    assert MALICIOUS in report.markdown.read_text(encoding="utf-8")  # verbatim inside its fence


def test_failure_examples_are_the_first_by_row_id(scored_db: ScoredDb, tmp_path: Path) -> None:
    files = write_report(scored_db.path, tmp_path / "one", examples=1)
    groups = {(g.model, g.variation_class, g.variant): g for m in files.document.failures for g in m.groups}
    beta_f1 = groups[("beta", "F1", "answer_only")]
    assert (beta_f1.failed, beta_f1.total) == (2, 3)
    failed_ids = [
        row_id
        for (row_id,) in query(
            scored_db.path,
            "SELECT s.row_id FROM row_scores s JOIN runs r USING (run_id) JOIN rows w ON w.id = s.row_id "
            "WHERE r.model = 'beta' AND w.variant = 'answer_only' AND NOT s.compliant ORDER BY s.row_id",
        )
    ]
    assert [example.row_id for example in beta_f1.examples] == failed_ids[:1]
    assert all(len(group.examples) == 1 for group in groups.values())
    evil = next(m for m in files.document.failures if m.model == "evil")
    assert len(evil.groups) == 4  # every variant failed


def test_failed_calls_and_perfect_models(report: ReportFiles) -> None:
    text = report.markdown.read_text(encoding="utf-8")
    alpha = text.split("### alpha", 1)[1].split("### beta", 1)[0]
    assert "No non-compliant responses." in alpha
    assert "No response; the model call failed:" in text and "timeout <oops>" in text
    _, worst = markdown_table(text, "Worst variants")
    assert {row[0] for row in worst} == {"beta", "evil"}
    assert worst[0][:6] == ["beta", "F", "F1", "answer\\_only", "SER", "33.3"]


def test_report_command_prints_headline_and_location(
    scored_db: ScoredDb, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", str(scored_db.path), "--out", str(tmp_path / "cli")]) == 0
    out = capsys.readouterr().out
    assert "ISA-Bench summary" in out and "alpha" in out and "evil" in out
    assert str(tmp_path / "cli" / "report.html") in out.replace("\n", "")


def test_missing_or_empty_database_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", str(tmp_path / "absent.duckdb"), "--out", str(tmp_path / "r")]) == 2
    assert "absent.duckdb" in capsys.readouterr().err
    empty = tmp_path / "empty.duckdb"
    open_database(empty).close()
    with pytest.raises(ReportError, match="no scored runs"):
        write_report(empty, tmp_path / "r")
