"""The SQL BLEU of summed statistics equals sacrebleu's corpus BLEU (exp smoothing, zh tokenizer)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
import sacrebleu
from hypothesis import given, settings
from hypothesis import strategies as st

from isac.runtime.scoring.db.schema import open_database
from isac.runtime.scoring.metrics.bleu import bleu_row_stats
from isac.runtime.scoring.pipeline import score_runs
from tests.scoring.score_helpers import Answer, checker, row, write_manifest, write_run

SENTENCE = st.text(alphabet="他她我们的是在有一个猫狗吃饭。，abc ", min_size=0, max_size=14)


@pytest.fixture(scope="module")
def connection() -> Iterator[duckdb.DuckDBPyConnection]:
    with tempfile.TemporaryDirectory() as directory:
        handle = open_database(Path(directory) / "macros.duckdb")
        yield handle
        handle.close()


def _sql_bleu(connection: duckdb.DuckDBPyConnection, hyps: list[str], refs: list[list[str]]) -> float:
    stats = bleu_row_stats(hyps, refs)
    sys_len = sum(s.sys_len for s in stats)
    ref_len = sum(s.ref_len for s in stats)
    matches = [sum(s.matches[n] for s in stats) for n in range(4)]
    totals = [sum(s.totals[n] for s in stats) for n in range(4)]
    return connection.execute(
        "SELECT bleu_score(?::DOUBLE, ?::DOUBLE, ?, ?, ?, ?, ?, ?, ?, ?)",
        [sys_len, ref_len, *matches, *totals],
    ).fetchall()[0][0]


@settings(max_examples=150, deadline=None)
@given(pairs=st.lists(st.tuples(SENTENCE, SENTENCE.filter(lambda s: s.strip())), min_size=1, max_size=6))
def test_sql_bleu_matches_sacrebleu(
    connection: duckdb.DuckDBPyConnection, pairs: list[tuple[str, str]]
) -> None:
    hyps = [hyp for hyp, _ in pairs]
    refs = [ref for _, ref in pairs]
    expected = sacrebleu.corpus_bleu(hyps, [refs], tokenize="zh").score
    assert _sql_bleu(connection, hyps, [[ref] for ref in refs]) == pytest.approx(expected, abs=1e-9)


def test_metric_if_bleu_end_to_end(tmp_path: Path, db_path: Path, db) -> None:
    spec = checker("prefix", text="The translation is:", case_sensitive=False)
    references = ["他希望晚餐有炖菜。", "把它塞进去，他的肚子劝告他。", "今天天气很好。"]
    rows = [row("S2TT", f"s{i}", ref, spec) for i, ref in enumerate(references)]
    responses = ["The translation is: 他希望晚餐有菜。", "The translation is: 把它塞进去。", "今天天气很好。"]
    manifest = write_manifest(tmp_path / "m", "d-s2tt", rows)
    run = write_run(
        tmp_path / "run", "m", [manifest], [Answer(r, t) for r, t in zip(rows, responses, strict=True)]
    )
    score_runs(db_path, [run])
    # The third response lacks the prefix: it is scored as an empty hypothesis.
    hyps = ["他希望晚餐有菜。", "把它塞进去。", ""]
    expected = sacrebleu.corpus_bleu(hyps, [references], tokenize="zh").score
    assert db().value("SELECT value FROM metric_if WHERE task = 'S2TT'") == pytest.approx(expected)
    assert db().value("SELECT ifr FROM metric_if WHERE task = 'S2TT'") == pytest.approx(200 / 3)
