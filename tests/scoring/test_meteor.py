"""METEOR 1.5 per variant comes from the jar's aggregation of the stored segment statistics."""

from __future__ import annotations

from pathlib import Path

import pytest

from isac.runtime.scoring.metrics.java_tools import java_available
from isac.runtime.scoring.pipeline import score_runs
from tests.scoring.score_helpers import Answer, checker, row, write_manifest, write_run

pytestmark = [
    pytest.mark.java,
    pytest.mark.slow,
    pytest.mark.skipif(not java_available(), reason="METEOR 1.5 needs Java and the pycocoevalcap jars"),
]

CAPTIONS = [
    ("A dog barks while birds chirp", "Birds sing and a dog is barking"),
    ("Rain falls on a tin roof", "Heavy rain hits a metal roof"),
    ("A man speaks over traffic noise", "A person talks as cars pass by"),
]


def test_meteor_matches_a_direct_corpus_score(tmp_path: Path, db_path: Path, db) -> None:
    from isac.runtime.scoring.metrics.meteor_java import Meteor15

    spec = checker("prefix", text="The audio caption is:", case_sensitive=False)
    rows = [row("AAC", f"c{i}", refs, spec) for i, refs in enumerate(CAPTIONS)]
    responses = [
        "The audio caption is: a dog barks and birds sing",
        "rain on a roof",
        "The audio caption is: a man talks",
    ]
    manifest = write_manifest(tmp_path / "m", "d-aac", rows)
    run = write_run(
        tmp_path / "run", "m", [manifest], [Answer(r, t) for r, t in zip(rows, responses, strict=True)]
    )
    with Meteor15() as meteor:
        (report,) = score_runs(db_path, [run], meteor_scorer=meteor)
        hyps = ["a dog barks and birds sing", "", "a man talks"]
        expected = meteor.corpus_score(meteor.row_stats(hyps, [list(refs) for refs in CAPTIONS]))
    assert report.meteor_groups == 2  # the variant and the pooled dimension
    assert db().value("SELECT value FROM metric_if WHERE task = 'AAC'") == pytest.approx(expected, abs=1e-9)
    assert 0.0 < expected < 1.0
    assert db().value("SELECT meteor FROM meteor_scores WHERE variant = '*'") == pytest.approx(
        expected, abs=1e-9
    )
