"""`isac score-official` and `isac leaderboard`, end to end through the CLI entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from isac.runtime.cli import main
from isac.runtime.isa_v1.leaderboard import REPORTED_MODELS
from isac.runtime.scoring.metrics.java_tools import java_available

RESULTS = Path(__file__).parent / "fixtures" / "results"
MODEL = "fixture"
# Two rows of the official README's IFR table: IFR areas do not depend on the pool.
README_IFR_SAMPLE = {"desta2.5-audio": 70.3, "wavllm": 7.3}


def test_score_official_round_trips_into_the_leaderboard(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "merged.json"
    assert (
        main(["score-official", str(RESULTS), "--model-name", MODEL, "--out", str(out), "--no-meteor"]) == 0
    )
    merged = json.loads(out.read_text(encoding="utf-8"))
    assert list(merged) == [MODEL]
    if java_available():
        # Without METEOR only its 18 AAC cells (10 D groups, 8 F groups) stay "N/A": CIDEr-D and
        # ROUGE-L are computed (they need only the PTB tokenizer).
        assert out.read_text(encoding="utf-8").count('"N/A"') == 18
    assert set(merged[MODEL]) == {"d", "f", "n"}
    assert list(merged[MODEL]["n"]) == ["only"]
    capsys.readouterr()

    assert main(["leaderboard", "--published", "--add", str(out), "--json"]) == 0
    board = json.loads(capsys.readouterr().out)
    assert {"ifr_area", "rps_area", "rows"} <= set(board)
    assert list(board["ifr_area"]) == [*REPORTED_MODELS, MODEL]
    assert MODEL in board["ifr_area"] and MODEL in board["rps_area"]
    assert 0 < board["ifr_area"][MODEL] < 100
    assert {name: board["ifr_area"][name] for name in README_IFR_SAMPLE} == README_IFR_SAMPLE
    # published values stay as published: adding a model does not rescale them
    assert board["rps_area"]["gemini-2.5-pro"] == 52.5
    (added,) = [row for row in board["rows"] if row["model"] == MODEL]
    assert added["source"] == "file" and MODEL in added["rps_pool"] and "gemini-2.5-pro" in added["rps_pool"]

    # only an explicit joint pool recomputes them (the fixture's WER 0 becomes the best value)
    assert main(["leaderboard", "--published", "--add", str(out), "--json", "--joint-pool"]) == 0
    joint = json.loads(capsys.readouterr().out)
    assert joint["ifr_area"] == board["ifr_area"]
    assert joint["rps_area"]["gemini-2.5-pro"] != 52.5
    assert {row["rps_formula"].split(":")[0] for row in joint["rows"]} == {"isa-v1"}


def test_score_official_warns_about_missing_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "n").mkdir()
    (tmp_path / "n" / f"{MODEL}_n_results.json").write_text(
        (RESULTS / "n" / f"{MODEL}_n_results.json").read_text(encoding="utf-8"), encoding="utf-8"
    )
    out = tmp_path / "out.json"
    assert main(["score-official", str(tmp_path), "--model-name", MODEL, "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "d/fixture_asr_results.json" in err and "f/fixture_gr_results.json" in err
    assert json.loads(out.read_text(encoding="utf-8"))[MODEL]["d"] == {}


def test_score_official_errors_name_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "d").mkdir()
    bad = tmp_path / "d" / f"{MODEL}_asr_results.json"
    bad.write_text('[{"text": "x", "variation_responses": ["x"]}]', encoding="utf-8")
    assert (
        main(["score-official", str(tmp_path), "--model-name", MODEL, "--out", str(tmp_path / "o.json")]) == 2
    )
    err = capsys.readouterr().err
    assert str(bad) in err and "item 0" in err and "variation_responses" in err


def test_score_official_empty_file_names_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "f").mkdir()
    empty = tmp_path / "f" / f"{MODEL}_gr_results.json"
    empty.write_text("[]", encoding="utf-8")
    assert (
        main(["score-official", str(tmp_path), "--model-name", MODEL, "--out", str(tmp_path / "o.json")]) == 2
    )
    assert str(empty) in capsys.readouterr().err


def test_leaderboard_table_and_empty(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["leaderboard", "--published"]) == 0
    text = capsys.readouterr().out
    assert "desta2.5-audio" in text and "70.3" in text and "-modified" not in text
    assert main(["leaderboard"]) == 2


@pytest.mark.java
@pytest.mark.slow
def test_score_official_writes_every_aac_value(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from isac.runtime.isa_v1.metrics import meteor_available

    if not meteor_available():
        pytest.skip("METEOR 1.5 needs Java and the pycocoevalcap jars")
    out = tmp_path / "merged.json"
    assert main(["score-official", str(RESULTS), "--model-name", MODEL, "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert '"N/A"' not in text
    aac = json.loads(text)[MODEL]["f"]["aac"]
    assert all(isinstance(aac[group][key], float) for group in aac for key in ("CIDEr-D", "ROUGE-L"))
