"""Bootstrap CIs: point estimates equal the views, resampled corpus metrics equal a slow reference,
intervals cover a known parameter at the nominal rate, and paired comparison finds planted changes only."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest
from sacrebleu.metrics import BLEU

from isac.compiler.rows import ManifestRow, make_row
from isac.runtime.scoring.bootstrap import (
    BootstrapOptions,
    compute_replicates,
    interval,
    multinomial_weights,
    write_ci_tables,
)
from isac.runtime.scoring.compare import adjust, compare, p_value
from isac.runtime.scoring.db.schema import open_database
from isac.runtime.scoring.pipeline import score_runs
from tests.scoring.score_helpers import Answer, checker, write_manifest, write_run

WORDS = [
    "the",
    "old",
    "mill",
    "stood",
    "quietly",
    "beside",
    "river",
    "all",
    "through",
    "winter",
    "a",
    "cat",
    "sat",
    "on",
    "mat",
]
VARIANTS = {"default": "D1", "upper_case": "D2", "lower_case": "D2", "simple": "D4", "complex": "D4"}
PREFIX = {"ASR": "The transcription is:", "S2TT": "The translation is:"}


def _rows(items: int = 24) -> list[ManifestRow]:
    rng = random.Random(3)
    rows = []
    for task in ("ASR", "S2TT"):
        for item in range(items):
            reference = " ".join(rng.choices(WORDS, k=rng.randint(5, 12)))
            for variant, variation_class in VARIANTS.items():
                rows.append(
                    make_row(
                        dimension="D",
                        variation_class=variation_class,
                        variant=variant,
                        task=task,
                        subtasks=(task,),
                        dataset=task.lower(),
                        item_id=f"{task}-{item}",
                        audio=f"a/{task}-{item}.wav",
                        instruction=f"{task} {variant} {item}",
                        references={task: (reference,)},
                        checker=checker("prefix", text=PREFIX[task], case_sensitive=False),
                        meta={"task_description": str(item % 4), "ending": str(item % 2)},
                    )
                )
    return rows


def _answer(row: ManifestRow, rng: random.Random, comply: float, noise: float) -> Answer:
    reference = row.references[row.task][0].split()
    words = [w if rng.random() > noise else rng.choice(WORDS) for w in reference]
    if rng.random() < 0.2:
        words = words[:-1]
    text = " ".join(words)
    return Answer(row, f"{PREFIX[row.task]} {text}" if rng.random() < comply else text)


def _score(tmp_path: Path, models: dict[str, tuple[float, float, dict[str, float]]]) -> Path:
    rows = _rows()
    manifest = write_manifest(tmp_path / "m", "d-all", rows)
    db = tmp_path / "scores.duckdb"
    runs = []
    for name, (comply, noise, per_class) in models.items():
        rng = random.Random(name if name != "copy" else "a")
        answers = [_answer(r, rng, per_class.get(r.variation_class, comply), noise) for r in rows]
        runs.append(write_run(tmp_path / name, name, [manifest], answers))
    score_runs(db, runs, meteor=False)
    return db


@pytest.fixture(scope="module")
def two_models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _score(tmp_path_factory.mktemp("boot"), {"a": (0.8, 0.2, {}), "b": (0.6, 0.3, {})})


def test_point_estimates_equal_the_views(two_models: Path) -> None:
    connection = open_database(two_models)
    try:
        replicates = compute_replicates(connection, BootstrapOptions(resamples=20, seed=1))
        write_ci_tables(connection, replicates)
        mismatches = connection.execute(
            """
            SELECT count(*) FROM metric_if AS v
            JOIN metric_if_ci AS c USING (model, variation_class, variant, task)
            WHERE abs(v.value - c.value) > 1e-9 OR abs(v.ifr - c.ifr) > 1e-9 OR v.n <> c.n
            """
        ).fetchone()[0]
        assert mismatches == 0
        assert connection.execute("SELECT count(*) FROM metric_if_ci").fetchone()[0] == 20  # 2 x 2 x 5
        rps = connection.execute(
            "SELECT max(abs(r.rps - c.rps)) FROM rps AS r "
            "JOIN class_scores_ci AS c USING (model, variation_class, task)"
        ).fetchone()[0]
        assert rps < 1e-9
        areas = connection.execute(
            "SELECT max(abs(a.ifr_area - c.ifr_area) + abs(a.rps_area - c.rps_area)) "
            "FROM area_ratios AS a JOIN area_ratios_ci AS c USING (model)"
        ).fetchone()[0]
        assert areas < 1e-9
        lo_hi = connection.execute(
            "SELECT bool_and(ifr_area_lo <= ifr_area AND ifr_area <= ifr_area_hi) FROM area_ratios_ci"
        ).fetchone()[0]
        assert lo_hi
        assert connection.execute("SELECT method, resamples FROM bootstrap_info").fetchone() == ("items", 20)
    finally:
        connection.close()


def test_resampled_corpus_wer_and_bleu_equal_a_slow_reference(two_models: Path) -> None:
    connection = open_database(two_models, read_only=True)
    try:
        replicates = compute_replicates(connection, BootstrapOptions(resamples=5, seed=7))
        stored = connection.execute(
            "SELECT model, variant, task, dataset || '/' || item_id, wer_errors, wer_ref_words, "
            "bleu_sys_len, bleu_ref_len, bleu_match_1, bleu_match_2, bleu_match_3, bleu_match_4, "
            "bleu_total_1, "
            "bleu_total_2, bleu_total_3, bleu_total_4 FROM scored"
        ).fetchall()
    finally:
        connection.close()
    column = {key: i for i, key in enumerate(replicates.variants.key_tuples())}
    item_column = {item: i for i, item in enumerate(replicates.items)}
    for b in range(6):
        weights = replicates.item_weights[b]
        totals: dict[tuple[str, str, str], list[float]] = {}
        for model, variant, task, item, *stats in stored:
            w = weights[item_column[item]]
            sums = totals.setdefault((model, variant, task), [0.0] * 12)
            for k, value in enumerate(stats):
                sums[k] += w * (value or 0)
        for (model, variant, task), sums in totals.items():
            got = replicates.variants.values["value"][
                b, column[(model, "D", VARIANTS[variant], variant, task)]
            ]
            if task == "ASR":
                expected = 100.0 * sums[0] / sums[1]
            else:
                counts = [round(x) for x in sums[2:]]
                expected = BLEU.compute_bleu(
                    counts[2:6], counts[6:10], counts[0], counts[1], smooth_method="exp"
                ).score
            assert got == pytest.approx(expected, rel=1e-9, abs=1e-9), (b, model, variant, task)


def test_binomial_ifr_interval_covers_the_true_rate_about_95_percent() -> None:
    rng = np.random.default_rng(11)
    true_rate, items, runs, covered = 0.7, 200, 1000, 0
    for _ in range(runs):
        compliant = (rng.random(items) < true_rate).astype(float)
        weights = multinomial_weights(rng, ["set"] * items, 400)
        replicates = 100.0 * (weights @ compliant) / weights.sum(axis=1)
        low, high = interval(replicates[:, None], 0.95)
        covered += bool(low[0] <= 100 * true_rate <= high[0])
    assert 0.93 <= covered / runs <= 0.97


def test_same_seed_same_intervals_and_two_way_is_not_narrower(two_models: Path) -> None:
    connection = open_database(two_models, read_only=True)
    try:
        first = compute_replicates(connection, BootstrapOptions(resamples=200, seed=3))
        again = compute_replicates(connection, BootstrapOptions(resamples=200, seed=3))
        two_way = compute_replicates(connection, BootstrapOptions(resamples=200, seed=3, two_way=True))
    finally:
        connection.close()
    assert np.array_equal(first.areas.values["ifr_area"], again.areas.values["ifr_area"], equal_nan=True)
    one_low, one_high = interval(first.classes.values["ifr"], 0.95)
    two_low, two_high = interval(two_way.classes.values["ifr"], 0.95)
    assert np.array_equal(first.classes.values["ifr"][0], two_way.classes.values["ifr"][0])
    assert np.mean(two_high - two_low) > np.mean(one_high - one_low)


def test_compare_detects_a_planted_drop_and_not_an_identical_copy(tmp_path: Path) -> None:
    db = _score(tmp_path, {"a": (0.9, 0.1, {}), "copy": (0.9, 0.1, {}), "tuned": (0.9, 0.1, {"D2": 0.3})})
    connection = open_database(db, read_only=True)
    try:
        same = compare(connection, "a", "copy", resamples=300)
        planted = compare(connection, "a", "tuned", resamples=300)
    finally:
        connection.close()
    assert same.significant() == []
    assert all(d.difference in (0.0, None) for d in same.differences)
    flagged = {(d.level, d.cell, d.quantity) for d in planted.significant()}
    assert ("class", "D2/ASR", "ifr") in flagged and ("class", "D2/S2TT", "ifr") in flagged
    assert not any(cell.startswith(("D1", "D4")) for level, cell, q in flagged if level == "class")
    assert all(d.better == "a" for d in planted.significant() if d.quantity == "ifr")


def test_p_value_and_corrections() -> None:
    assert p_value(np.array([0.0, 1.0, -1.0, 0.5])) == 1.0
    assert p_value(np.array([0.0, 0.0, 0.0])) == 1.0
    draws = np.random.default_rng(0).normal(2.0, 1.0, 20000)
    assert p_value(np.array([2.0, *draws])) == pytest.approx(0.0455, abs=0.002)  # |d| = 2 se
    assert p_value(np.array([10.0, *draws])) < 1e-20  # far below 1 / (B + 1)
    assert adjust([0.01, 0.04, 0.03, None], "holm") == pytest.approx([0.03, 0.06, 0.06, None])
    assert adjust([0.01, 0.04, 0.03], "bh") == pytest.approx([0.03, 0.04, 0.04])


def test_provenance_is_stored_for_every_scored_run(two_models: Path) -> None:
    connection = open_database(two_models, read_only=True)
    try:
        runs = connection.execute("SELECT count(*) FROM runs").fetchone()[0]
        records = [
            json.loads(data)
            for (data,) in connection.execute("SELECT data FROM provenance ORDER BY model").fetchall()
        ]
    finally:
        connection.close()
    assert len(records) == runs == 2
    for record in records:
        assert record["profile"] == "default" and record["isac_scored_with"]
        assert record["model_fingerprint"]["generation"] == {"max_new_tokens": 64}
        assert record["metrics"]["S2TT"]["signature"].startswith("nrefs:1")
        assert record["metrics"]["ASR"]["metric"] == "wer"
        assert record["usage"]["responses"] == 240 and record["usage"]["prompt_tokens"] == 2400
        assert record["scale"]["comparable_with_paper"] is False
        assert "D ASR: 24 items, the paper has 2620" in record["scale"]["reasons"]
        assert record["manifest_sets"][0]["lock"] is None  # the test manifests have no lock file
