"""METEOR is resampled like every other metric: its vectorised score equals the jar's on summed totals,
and the bootstrap's METEOR replicates equal the jar's score of each resample's weighted totals."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from isac.compiler.rows import make_row
from isac.runtime.scoring.bootstrap import BootstrapOptions, compute_replicates
from isac.runtime.scoring.db.schema import open_database
from isac.runtime.scoring.metrics.java_tools import java_available
from isac.runtime.scoring.metrics.meteor_score import meteor_of_totals
from isac.runtime.scoring.metrics.meteor_stats import MeteorStats
from isac.runtime.scoring.pipeline import score_runs
from tests.scoring.score_helpers import Answer, checker, write_manifest, write_run

pytestmark = [
    pytest.mark.java,
    pytest.mark.skipif(not java_available(), reason="needs Java and the METEOR 1.5 jars"),
]
WORDS = [
    "a",
    "dog",
    "barks",
    "loudly",
    "while",
    "cars",
    "pass",
    "by",
    "and",
    "birds",
    "sing",
    "in",
    "the",
    "trees",
    "people",
    "talk",
    "music",
    "plays",
]


def _caption(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choices(WORDS, k=rng.randint(low, high)))


def test_vectorised_meteor_equals_the_jar_on_summed_totals() -> None:
    from isac.runtime.scoring.metrics.meteor_java import Meteor15

    rng = random.Random(1)
    hypotheses = [_caption(rng, 0, 10) for _ in range(120)]
    references = [[_caption(rng, 3, 10) for _ in range(3)] for _ in range(120)]
    with Meteor15() as jar:
        rows = np.array([stats.summable() for stats in jar.row_stats(hypotheses, references)])
        for trial in range(60):
            chosen = np.random.default_rng(trial).integers(0, len(rows), size=rng.randint(1, 30))
            totals = rows[chosen].sum(axis=0)
            assert float(meteor_of_totals(totals)) == pytest.approx(
                jar.score_from_totals(totals.tolist()), abs=1e-12
            )


def test_bootstrap_resamples_meteor_as_the_jar_would(tmp_path: Path) -> None:
    from isac.runtime.scoring.metrics.meteor_java import Meteor15

    rng = random.Random(7)
    rows, answers = [], []
    for item in range(12):
        captions = tuple(_caption(rng, 4, 9) for _ in range(3))
        for variant, variation_class in (("default", "D1"), ("upper_case", "D2")):
            row = make_row(
                dimension="D", variation_class=variation_class, variant=variant, task="AAC",
                subtasks=("AAC",), dataset="audiocaps", item_id=f"clip{item}", audio=f"a/{item}.wav",
                instruction=f"caption {item}", references={"AAC": captions},
                checker=checker("prefix", text="The audio caption is:"),
            )  # fmt: skip
            rows.append(row)
            answers.append(Answer(row, f"The audio caption is: {_caption(rng, 3, 9)}"))
    manifest = write_manifest(tmp_path / "m", "d-aac", rows)
    db = tmp_path / "scores.duckdb"
    score_runs(db, [write_run(tmp_path / "run", "model-a", [manifest], answers)])
    connection = open_database(db, read_only=True)
    try:
        replicates = compute_replicates(connection, BootstrapOptions(resamples=20, seed=3))
        stored = connection.execute(
            "SELECT r.item_id, r.variant, s.meteor_backend, s.meteor_stats FROM row_scores AS s "
            "JOIN rows AS r ON r.id = s.row_id"
        ).fetchall()
        point = dict(
            connection.execute("SELECT variant, value FROM group_scores WHERE variant <> '*'").fetchall()
        )
    finally:
        connection.close()
    assert replicates.fixed_metrics == ()
    variants = replicates.variants
    keys = variants.key_tuples()
    items = list(replicates.items)
    with Meteor15() as jar:
        for column, key in enumerate(keys):
            variant = key[3]
            assert variants.values["value"][0, column] == pytest.approx(point[variant], abs=1e-12)
            vectors = {
                f"audiocaps/{item}": np.array(MeteorStats.from_line(backend, line).summable())
                for item, row_variant, backend, line in stored
                if row_variant == variant
            }
            for resample in (1, 5, 17):
                weights = replicates.item_weights[resample]
                totals = sum(weights[items.index(item)] * vector for item, vector in vectors.items())
                expected = jar.score_from_totals(list(totals))
                assert variants.values["value"][resample, column] == pytest.approx(expected, abs=1e-12)
    # resampling moves the value: the interval has width
    assert np.nanstd(variants.values["value"][1:, 0]) > 0
