"""`export_official_metrics`: a model's scores in the official merged collect_all_metrics layout."""

from __future__ import annotations

from pathlib import Path

import pytest

from isac.compiler.errors import ScoringError
from isac.runtime.isa_v1.export import export_official_metrics
from isac.runtime.isa_v1.merged import models_from_json
from isac.runtime.scoring.pipeline import score_runs
from tests.scoring.oracle_set import composite_rows, oracle, single_rows
from tests.scoring.score_helpers import Answer, write_manifest, write_run


@pytest.fixture
def exported(tmp_path: Path, db_path: Path) -> dict:
    rows = [*single_rows("D"), *single_rows("F"), *composite_rows()]
    manifest = write_manifest(tmp_path / "m", "all", rows)
    # The oracle answers everything except D ASR upper_case, which fails its format.
    answers = [
        Answer(r, "no" if (r.dimension, r.task, r.variant) == ("D", "ASR", "upper_case") else oracle(r))
        for r in rows
    ]
    run = write_run(tmp_path / "run", "oracle", answers=answers, manifests=[manifest])
    score_runs(db_path, [run], meteor=False)
    return export_official_metrics(db_path, "oracle")


def test_layout_and_official_names(exported: dict) -> None:
    model = exported["oracle"]
    assert list(model) == ["d", "f", "n"]
    assert list(model["d"]) == ["asr", "gr", "ser", "s2tt", "aac"]
    assert list(model["d"]["asr"]) == [
        "default",
        "case",
        "robust",
        "semantic_equal_simple",
        "semantic_equal_neutral",
        "semantic_equal_complex",
        "alter_symbol",
        "all",
    ]
    assert next(iter(model["d"]["ser"])) == "all"
    assert sorted(model["d"]["s2tt"])[:3] == ["all", "alter_symbol", "default"]
    assert {"grammar_robust", "syntax_robust", "lower_case", "upper_case"} <= set(model["d"]["aac"])
    assert list(model["f"]["asr"]) == [
        "constrain",
        "upper_case",
        "lower_case",
        "prefix",
        "suffix",
        "wrap",
        "json",
        "all",
    ]
    assert "upper_case" not in model["f"]["s2tt"]
    assert set(model["d"]["s2tt"]["default"]) == {"ifr", "bleu", "p1", "p2", "p3", "p4", "bp", "len_ratio"}
    assert set(model["f"]["s2tt"]["prefix"]) == {"ifr", "bleu"}
    assert model["d"]["aac"]["default"] == {"ifr": 100.0, "METEOR": "N/A"}


def test_values_pool_like_the_official_scripts(exported: dict) -> None:
    d_asr = exported["oracle"]["d"]["asr"]
    # D ASR case pools upper_case (0 %) and lower_case (100 %) rows: 50 %.
    assert d_asr["case"] == {"ifr": 50.0, "wer": 50.0}
    assert d_asr["default"] == {"ifr": 100.0, "wer": 0.0}
    # all: 2 of 18 rows fail (each item's upper_case).
    assert d_asr["all"]["ifr"] == round(100 * 16 / 18, 2)
    assert exported["oracle"]["d"]["ser"]["case"] == {"ifr": 100.0, "acc": 100.0}


def test_n_block(exported: dict) -> None:
    stage = exported["oracle"]["n"]["only"]["single-stage"]
    # 2 items x (3 two-subtask combinations containing ASR: 2 of 3) x 2 formats.
    assert stage["2-TASK"]["ASR"] == {"ifr": 100.0, "wer": 0.0, "n": 8}
    assert stage["3-TASK"]["GR"] == {"ifr": 100.0, "acc": 100.0, "n": 8}
    assert stage["separation"] == {"ifr": 100.0, "n": 10}
    assert stage["json"]["n"] == 10


def test_loads_as_official_merged_metrics(exported: dict) -> None:
    models = models_from_json(exported, "export")
    assert models["oracle"].single_stage()["2-TASK"]["SER"]["acc"] == 100.0


def test_unknown_model(exported: dict, db_path: Path) -> None:
    with pytest.raises(ScoringError, match="no scored rows for model 'nobody'"):
        export_official_metrics(db_path, "nobody")
