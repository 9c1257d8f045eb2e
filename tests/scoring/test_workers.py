"""Large WER/BLEU batches computed by worker processes give exactly the serial statistics."""

from __future__ import annotations

import pytest

from isac.compiler.errors import ScoringError
from isac.runtime.scoring.metrics.bleu import bleu_row_stats
from isac.runtime.scoring.metrics.wer import wer_row_stats
from isac.runtime.scoring.workers import WORKERS_ENV, parallel_rows, worker_count

REFERENCES_ZH = ["他希望晚餐有炖菜。", "把它塞进去，他的肚子劝告他。", "雨落在铁皮屋顶上。"]
ANSWERS_ZH = ["他希望晚餐有炖菜", "", "雨落在屋顶上。", "把它塞进去", "完全不同的句子"]
REFERENCES_EN = ["he hoped there would be stew for dinner", "stuff it into you", "rain on a tin roof"]
ANSWERS_EN = ["He hoped there'd be stew for dinner.", "", "stuff it in to you", "rain on the roof", "no"]


def _rows(answers: list[str], references: list[str], count: int) -> tuple[list[str], list[str]]:
    return [answers[i % len(answers)] for i in range(count)], [
        references[i % len(references)] for i in range(count)
    ]


def test_parallel_bleu_equals_serial() -> None:
    hyps, refs = _rows(ANSWERS_ZH, REFERENCES_ZH, 31)
    references = [(ref, REFERENCES_ZH[0]) if i % 4 == 0 else (ref,) for i, ref in enumerate(refs)]
    serial = bleu_row_stats(hyps, references)
    parallel = parallel_rows(bleu_row_stats, hyps, references, workers=3, min_rows=1)
    assert parallel == serial
    assert len({s.matches for s in serial}) > 1  # the rows really differ, so order matters


def test_parallel_wer_equals_serial() -> None:
    hyps, refs = _rows(ANSWERS_EN, REFERENCES_EN, 23)
    serial = wer_row_stats(hyps, refs)
    assert parallel_rows(wer_row_stats, hyps, refs, workers=2, min_rows=1) == serial
    assert len({s.errors for s in serial}) > 1


def test_small_batches_and_one_worker_stay_in_process() -> None:
    calls: list[int] = []

    def local_metric(hyps, refs):  # type: ignore[no-untyped-def]  # not picklable: must run here
        calls.append(len(hyps))
        return [len(h) for h in hyps]

    assert parallel_rows(local_metric, ["a", "bb"], ["x", "y"], workers=4, min_rows=10) == [1, 2]
    assert parallel_rows(local_metric, ["a", "bb"], ["x", "y"], workers=1, min_rows=1) == [1, 2]
    assert calls == [2, 2]


def test_worker_count_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(WORKERS_ENV, "3")
    assert worker_count() == 3
    monkeypatch.setenv(WORKERS_ENV, "zero")
    with pytest.raises(ScoringError, match="ISAC_SCORE_WORKERS='zero': expected a whole number"):
        worker_count()
    monkeypatch.setenv(WORKERS_ENV, "0")
    with pytest.raises(ScoringError, match="expected at least 1"):
        worker_count()
    monkeypatch.delenv(WORKERS_ENV)
    assert 1 <= worker_count() <= 8
