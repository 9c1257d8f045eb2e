"""A metric is one module: the exact-match example of docs/extending.md, registered and used by a task.

The database columns, the `variant_stats` sums and the `metric_if` branch all come from the definition.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
import yaml

from isac.runtime.cli import main
from isac.runtime.scoring.metric_registry import METRICS
from isac.runtime.scoring.metrics.definition import (
    Columns,
    MetricDefinition,
    MetricInput,
    StatColumn,
    integer_column,
)

REPO = Path(__file__).resolve().parents[2]


def _row_stats(batch: MetricInput) -> Columns:
    references = batch.first_references()
    exact = [
        int(answer.strip() == ref.strip()) for answer, ref in zip(batch.answers, references, strict=True)
    ]
    return {"exact_match_hits": integer_column(exact)}


EXACT_MATCH = MetricDefinition(
    name="exact_match",
    label="EM",
    higher_is_better=True,
    version="exact-match-1",
    columns=(StatColumn("exact_match_hits", "BIGINT"),),
    row_stats=_row_stats,
    value_sql="100.0 * CAST({exact_match_hits} AS DOUBLE) / {n}",
)


@pytest.fixture
def exact_match() -> Iterator[None]:
    METRICS.register("exact_match", EXACT_MATCH)
    yield
    METRICS.unregister("exact_match")


def test_a_registered_metric_scores_the_task_that_declares_it(tmp_path: Path, exact_match: None) -> None:
    spec = tmp_path / "spec"
    shutil.copytree(REPO / "spec", spec)
    gr = yaml.safe_load((spec / "tasks" / "gr.yaml").read_text(encoding="utf-8"))
    gr["metric"] = "exact_match"
    (spec / "tasks" / "gr.yaml").write_text(yaml.safe_dump(gr, sort_keys=False), encoding="utf-8")
    assert main(["validate", str(spec)]) == 0
    out = tmp_path / "out"
    data = REPO / "data" / "mini"
    assert main(["compile", str(spec), "--data-root", str(data), "--out", str(out / "set")]) == 0
    for model, name in (("oracle", "oracle"), ("constant:male", "constant")):
        assert (
            main(["exec", str(out / "set" / "f-gr.jsonl"), "--model", model, "--out", str(out / name)]) == 0
        )
    db = out / "scores.duckdb"
    assert main(["score", str(out / "oracle"), str(out / "constant"), "--db", str(db)]) == 0
    connection = duckdb.connect(str(db), read_only=True)
    try:
        found = connection.execute(
            "SELECT model, variant, metric, value, ifr FROM metric_if WHERE task = 'GR' "
            "ORDER BY model, variant"
        ).fetchall()
        table = connection.execute("SELECT name FROM pragma_table_info('row_scores')").fetchall()
    finally:
        connection.close()
    assert ("exact_match_hits",) in table
    values = {(model, variant): (metric, value, ifr) for model, variant, metric, value, ifr in found}
    assert values[("oracle", "answer_only")] == ("EM", 100.0, 100.0)
    assert values[("oracle", "json")] == ("EM", 100.0, 100.0)
    # "male" is compliant answer-only and lower-case; an exact match only on the male items
    metric, value, ifr = values[("constant:male", "answer_only")]
    assert (metric, ifr) == ("EM", 100.0) and 0.0 < value < 100.0
    assert values[("constant:male", "upper_case")] == ("EM", 0.0, 0.0)
