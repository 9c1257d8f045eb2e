"""Without Java, AAC METEOR falls back to nltk's METEOR, labelled `nltk-approx` wherever it is stored."""

from __future__ import annotations

from pathlib import Path

import pytest

from isac.runtime.scoring.metrics import meteor as meteor_module
from isac.runtime.scoring.metrics.meteor_nltk import wordnet_available
from isac.runtime.scoring.metrics.meteor_stats import NLTK_BACKEND
from isac.runtime.scoring.pipeline import score_runs
from tests.scoring.score_helpers import Answer, checker, row, write_manifest, write_run

pytestmark = pytest.mark.skipif(not wordnet_available(), reason="WordNet for nltk not installed")

CAPTIONS = [
    ("A dog barks while birds chirp", "Birds sing and a dog is barking"),
    ("Rain falls on a tin roof", "Heavy rain hits a metal roof"),
]
RESPONSES = [
    "The audio caption is: a dog barks and birds sing",
    "The audio caption is: rain falls on a tin roof",
]


def test_no_java_scores_with_the_labelled_nltk_fallback(
    tmp_path: Path, db_path: Path, db, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(meteor_module, "java_available", lambda: False)
    spec = checker("prefix", text="The audio caption is:", case_sensitive=False)
    rows = [row("AAC", f"c{i}", refs, spec) for i, refs in enumerate(CAPTIONS)]
    manifest = write_manifest(tmp_path / "m", "d-aac", rows)
    answers = [Answer(r, text) for r, text in zip(rows, RESPONSES, strict=True)]
    (report,) = score_runs(db_path, [write_run(tmp_path / "run", "m", [manifest], answers)])

    assert any("nltk-approx" in warning for warning in report.warnings)
    assert db().rows("SELECT DISTINCT meteor_backend FROM row_scores WHERE subtask = 'AAC'") == [
        (NLTK_BACKEND,)
    ]
    segments = [float(line) for (line,) in db().rows("SELECT meteor_stats FROM scored ORDER BY item_id")]
    assert segments[1] == 1.0  # an exact copy of a reference
    assert 0.0 < segments[0] < 1.0
    pooled = db().rows("SELECT meteor, backend FROM meteor_scores WHERE variant = '*'")
    assert pooled == [(pytest.approx(sum(segments) / 2), NLTK_BACKEND)]
    assert db().value("SELECT value FROM metric_if WHERE task = 'AAC'") == pytest.approx(sum(segments) / 2)
