"""Gains and forgetting read off the shared paired comparison, on small scored databases (real DuckDB)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from isac.compiler.errors import ScoringError
from isac.compiler.rows import ManifestRow, make_row
from isac.runtime.sft.compare import compare_runs
from tests.scoring.score_helpers import Answer, Manifest, checker, write_manifest, write_run

WORDS = [
    *("the", "old", "mill", "stood", "quietly", "beside", "a", "river", "all", "through"),
    *("winter", "while", "cat", "sat", "on", "mat"),
]
PREFIX = "The transcription is:"
VARIANTS = {"default": "D1", "upper_case": "D2"}
ITEMS = 40


def _manifest(directory: Path) -> tuple[Manifest, list[ManifestRow]]:
    rng = random.Random(5)
    rows = []
    for item in range(ITEMS):
        reference = " ".join(rng.choices(WORDS, k=rng.randint(6, 12)))
        for variant, variation_class in VARIANTS.items():
            rows.append(
                make_row(
                    dimension="D",
                    variation_class=variation_class,
                    variant=variant,
                    task="ASR",
                    subtasks=("ASR",),
                    dataset="asr",
                    item_id=f"ASR-{item}",
                    audio=f"a/ASR-{item}.wav",
                    instruction=f"ASR {variant} {item}",
                    references={"ASR": (reference,)},
                    checker=checker("prefix", text=PREFIX, case_sensitive=False),
                )
            )
    return write_manifest(directory, "d-asr", rows), rows


def _run(
    tmp_path: Path, name: str, manifest: Manifest, rows: list[ManifestRow], noise: dict[str, float]
) -> Path:
    """Every answer compliant; `noise` = the share of words replaced, per class (the metric, WER)."""
    rng = random.Random(11)  # the same draws in every run: only the planted noise differs
    answers = []
    for row in rows:
        words = row.references["ASR"][0].split()
        draws = [(rng.random(), rng.choice(WORDS)) for _ in words]
        level = noise.get(row.variation_class, 0.05)
        text = " ".join(other if r < level else word for word, (r, other) in zip(words, draws, strict=True))
        answers.append(Answer(row, f"{PREFIX} {text}"))
    return write_run(tmp_path / name, name, [manifest], answers)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp_path = tmp_path_factory.mktemp("what-changed")
    manifest, rows = _manifest(tmp_path / "m")
    return {
        "base": _run(tmp_path, "base", manifest, rows, {}),
        "copy": _run(tmp_path, "copy", manifest, rows, {}),
        "worse": _run(tmp_path, "worse", manifest, rows, {"D1": 0.6}),  # WER up on the default only
        "better": _run(tmp_path, "better", manifest, rows, {"D1": 0.6, "D2": 0.6}),
    }


def test_a_planted_metric_drop_on_d1_is_forgetting(runs: dict[str, Path], tmp_path: Path) -> None:
    comparison = compare_runs(runs["base"], runs["worse"], tmp_path / "scores.duckdb", resamples=300)
    d1 = comparison.get("variant", "D1/default/ASR", "value")
    assert d1.before is not None and d1.after is not None and d1.after > d1.before + 20  # WER, %
    assert d1.drop and d1.better == "before" and d1.p_adjusted is not None and d1.p_adjusted < 0.05
    flagged = {(c.level, c.cell, c.quantity) for c in comparison.forgetting()}
    assert flagged == {("variant", "D1/default/ASR", "value"), ("class", "D1/ASR", "value")}
    assert comparison.gains() == []
    assert not comparison.get("class", "D2/ASR", "value").significant  # D2 untouched
    assert comparison.get("class", "D1/ASR", "ifr").delta == 0.0  # compliance unchanged
    markdown = comparison.markdown()
    assert markdown.startswith("## What fine-tuning changed")
    assert "IFR or metric): class D1/ASR metric" in markdown
    assert json.loads(json.dumps(comparison.to_json()))["forgetting"][0].startswith("class D1/ASR metric")


def test_an_identical_copy_flags_nothing(runs: dict[str, Path], tmp_path: Path) -> None:
    comparison = compare_runs(runs["base"], runs["copy"], tmp_path / "scores.duckdb", resamples=300)
    assert comparison.changes and all(change.delta in (0.0, None) for change in comparison.changes)
    assert comparison.forgetting() == [] and comparison.gains() == []
    assert "none detected." in comparison.markdown()


def test_a_gain_is_not_forgetting(runs: dict[str, Path], tmp_path: Path) -> None:
    # "better" against "worse": WER falls on D2 (a gain), D1 stays as it was
    comparison = compare_runs(runs["better"], runs["worse"], tmp_path / "scores.duckdb", resamples=300)
    assert {(c.level, c.cell, c.quantity) for c in comparison.gains()} == {
        ("class", "D2/ASR", "value"),
        ("variant", "D2/upper_case/ASR", "value"),
    }
    assert comparison.forgetting() == []


def test_an_existing_database_is_never_overwritten(runs: dict[str, Path], tmp_path: Path) -> None:
    db = tmp_path / "scores.duckdb"
    db.write_bytes(b"kept")
    with pytest.raises(ScoringError, match="already exists"):
        compare_runs(runs["base"], runs["copy"], db)
    assert db.read_bytes() == b"kept"
