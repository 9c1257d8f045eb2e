"""View values worked out by hand: IFR, WER, ACC, class and axis means, RPS and area ratios."""

from __future__ import annotations

from pathlib import Path

import pytest

from isac.runtime.scoring.pipeline import score_runs
from tests.scoring.score_helpers import EMOTIONS, Answer, checker, row, write_manifest, write_run

PREFIX = checker("prefix", text="The transcription is:", case_sensitive=False)
LABEL = checker("label", labels=EMOTIONS)
ASR_REFS = ["HELLO WORLD", "THE CAT SAT", "GOOD MORNING TO YOU", "BLUE SKY"]  # 11 words
SER_REFS = ["happy", "angry", "sad", "neutral"]

ASR_ROWS = [row("ASR", f"asr{i}", ref, PREFIX) for i, ref in enumerate(ASR_REFS)]
SER_ROWS = [row("SER", f"ser{i}", ref, LABEL) for i, ref in enumerate(SER_REFS)]
UPPER_ROWS = [row("ASR", f"asr{i}", ref, PREFIX, variant="upper_case") for i, ref in enumerate(ASR_REFS)]
LOWER_ROWS = [row("ASR", f"asr{i}", ref, PREFIX, variant="lower_case") for i, ref in enumerate(ASR_REFS[:2])]

# Model A: ASR 0 + 1 sub + 2 del + (non-compliant: 2 del) = 5 errors / 11 words; 3 of 4 compliant.
A_ASR = [
    "The transcription is: hello world",
    "The transcription is: the dog sat",
    "The transcription is: good morning",
    "blue sky",
]
# SER: correct, wrong label, not a bare label (non-compliant), failed call (non-compliant).
A_SER = ["Happy.", "Sad", "I think sad", None]
# D2: upper_case 1 of 4 compliant (25 %), lower_case 2 of 2 (100 %): class mean 62.5, pooled would be 50.
A_UPPER = ["The transcription is: HELLO WORLD", "THE CAT SAT", "nothing", "BLUE SKY"]
A_LOWER = ["The transcription is: hello world", "the transcription is: the cat sat"]
# Model B: one substitution in 11 words; every label right.
B_ASR = [
    "The transcription is: hello word",
    "The transcription is: the cat sat",
    "The transcription is: good morning to you",
    "The transcription is: blue sky",
]
B_SER = ["happy", "angry", "sad", "neutral"]
# Model C: SER only, half right.
C_SER = ["happy", "angry", "happy", "happy"]


def answers(rows: list, responses: list) -> list[Answer]:
    return [Answer(r, text) for r, text in zip(rows, responses, strict=True)]


@pytest.fixture
def three_models(tmp_path: Path, db_path: Path) -> Path:
    manifests = tmp_path / "manifests"
    d_asr = write_manifest(manifests, "d-asr", [*ASR_ROWS, *UPPER_ROWS, *LOWER_ROWS])
    d_ser = write_manifest(manifests, "d-ser", SER_ROWS)
    run_a = write_run(
        tmp_path / "run-a",
        "model-a",
        [d_asr, d_ser],
        answers(ASR_ROWS, A_ASR)
        + answers(SER_ROWS, A_SER)
        + answers(UPPER_ROWS, A_UPPER)
        + answers(LOWER_ROWS, A_LOWER),
    )
    run_b = write_run(
        tmp_path / "run-b", "model-b", [d_asr, d_ser], answers(ASR_ROWS, B_ASR) + answers(SER_ROWS, B_SER)
    )
    run_c = write_run(tmp_path / "run-c", "model-c", [d_ser], answers(SER_ROWS, C_SER))
    score_runs(db_path, [run_a, run_b, run_c])
    return db_path


def test_ifr_per_variant(three_models: Path, db) -> None:
    found = db().rows("SELECT model, variant, task, n, compliant, ifr FROM ifr ORDER BY ALL")
    assert ("model-a", "default", "ASR", 4, 3, 75.0) in found
    assert ("model-a", "default", "SER", 4, 2, 50.0) in found
    assert ("model-a", "upper_case", "ASR", 4, 1, 25.0) in found
    assert ("model-a", "lower_case", "ASR", 2, 2, 100.0) in found
    assert ("model-b", "default", "ASR", 4, 4, 100.0) in found


def test_wer_from_known_edits(three_models: Path, db) -> None:
    sql = "SELECT value FROM metric_if WHERE model = ? AND variant = 'default' AND task = 'ASR'"
    assert db().value(sql, ["model-a"]) == pytest.approx(100 * 5 / 11)
    assert db().value(sql, ["model-b"]) == pytest.approx(100 * 1 / 11)
    assert db().value("SELECT DISTINCT metric FROM metric_if WHERE task = 'ASR'") == "WER"


def test_accuracy_counts_errors_and_non_compliance_as_wrong(three_models: Path, db) -> None:
    sql = "SELECT value FROM metric_if WHERE model = ? AND task = 'SER'"
    assert db().value(sql, ["model-a"]) == pytest.approx(25.0)
    assert db().value(sql, ["model-b"]) == pytest.approx(100.0)
    assert db().value(sql, ["model-c"]) == pytest.approx(50.0)


def test_class_value_is_the_mean_over_variants(three_models: Path, db) -> None:
    ifr, variants, n = db().rows(
        "SELECT ifr, variants, n FROM class_scores WHERE model = 'model-a' AND variation_class = 'D2'"
    )[0]
    assert ifr == pytest.approx((25.0 + 100.0) / 2)
    assert (variants, n) == (2, 6)


def test_axis_is_the_mean_over_the_models_tasks(three_models: Path, db) -> None:
    found = {
        (model, cls): (ifr, rps, tasks)
        for model, cls, ifr, rps, tasks in db().rows(
            "SELECT model, variation_class, ifr, rps, tasks FROM axis_scores"
        )
    }
    assert found[("model-a", "D1")][0] == pytest.approx((75.0 + 50.0) / 2)
    # RPS: WER best/value = (1/11)/(5/11) = 0.2; ACC value/best = 25/100 = 0.25.
    assert found[("model-a", "D1")][1] == pytest.approx((0.2 + 0.25) / 2)
    assert found[("model-b", "D1")][1:] == (pytest.approx(1.0), 2)
    # model-c has SER only: its axis averages that one task.
    assert found[("model-c", "D1")] == (pytest.approx(100.0), pytest.approx(0.5), 1)


def test_rps_against_the_best_model(three_models: Path, db) -> None:
    found = {
        (model, task): (rps, best)
        for model, task, rps, best in db().rows(
            "SELECT model, task, rps, best FROM rps WHERE variation_class = 'D1'"
        )
    }
    assert found[("model-a", "ASR")] == (pytest.approx(0.2), pytest.approx(100 / 11))
    assert found[("model-b", "ASR")][0] == pytest.approx(1.0)
    assert found[("model-a", "SER")][0] == pytest.approx(0.25)
    assert found[("model-c", "SER")][0] == pytest.approx(0.5)
    assert ("model-c", "ASR") not in found


def test_area_ratios_walk_the_eleven_axes(three_models: Path, db) -> None:
    found = {model: (ifr, rps, axes) for model, ifr, rps, axes in db().rows("SELECT * FROM area_ratios")}
    # model-a has D1 (index 0) and D2 (index 1): only the (D1, D2) edge has two non-zero radii.
    assert found["model-a"][0] == pytest.approx(100 * 0.625 * 0.625 / 11)
    assert found["model-a"][1] == pytest.approx(100 * 0.225 * 1.0 / 11)
    assert found["model-a"][2] == 2
    # One axis alone spans no area.
    assert found["model-b"][:2] == (0.0, 0.0)
