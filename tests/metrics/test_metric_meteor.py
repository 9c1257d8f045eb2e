"""METEOR 1.5 through one long-lived jar process; the nltk fallback; clear errors without Java."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from isac.compiler.errors import ScoringError
from isac.runtime.scoring.metrics.java_tools import find_java_tools, java_available
from isac.runtime.scoring.metrics.meteor import corpus_meteor, meteor_row_stats, open_meteor
from isac.runtime.scoring.metrics.meteor_nltk import wordnet_available
from isac.runtime.scoring.metrics.meteor_stats import JAR_BACKEND, NLTK_BACKEND, MeteorStats, sum_meteor_stats

needs_java = pytest.mark.skipif(not java_available(), reason="needs Java and the METEOR 1.5 jars")

HYPS = [
    "A dog is barking.",
    "",
    "The cat meows!",
    "people are cheering in a stadium",
    "Rain falls on a metal roof while thunder rumbles",
    "a car engine idles",
]
REFS = [
    ["A dog barks loudly.", "The dog is barking"],
    ["A cat meows."],
    ["The cat meows"],
    ["A crowd cheers and claps", "People cheer at a sports event", "Cheering crowd"],
    ["Heavy rain falls on a roof and thunder rumbles", "Rain and thunder"],
    ["An engine is idling", "A vehicle engine runs"],
]


@needs_java
@pytest.mark.java
def test_known_segments(meteor15) -> None:  # type: ignore[no-untyped-def]
    stats = meteor15.row_stats(HYPS[:3], REFS[:3])
    segment_scores, _ = meteor15.eval_lines([s.line for s in stats])
    assert segment_scores[0] == pytest.approx(0.4535606800758789, abs=1e-12)
    assert segment_scores[1] == 0.0  # empty hypothesis
    assert segment_scores[2] == pytest.approx(1.0)  # identical after tokenization
    assert stats[1].values[0] == 0.0 and stats[1].values[1] == 3.0  # no test words, 3 reference words


@needs_java
@pytest.mark.java
def test_aggregated_stats_equal_the_jar_corpus_score_and_the_process_is_reused(meteor15) -> None:  # type: ignore[no-untyped-def]
    pid = meteor15.pid
    hyps = HYPS * 4 + [refs[0] for refs in REFS]  # repeated rows plus perfect matches
    refs = REFS * 4 + REFS
    stats = meteor_row_stats(hyps, refs, meteor15)
    _, jar_corpus = meteor15.eval_lines([s.line for s in stats])
    result = corpus_meteor(stats, meteor15)
    assert result.value == pytest.approx(jar_corpus, abs=1e-12)
    assert (result.metric, result.rows, result.backend) == ("METEOR", len(hyps), JAR_BACKEND)
    # a subset scores like a corpus made of just those rows
    subset = stats[3:9]
    assert meteor15.corpus_score(subset) == pytest.approx(meteor15.eval_lines([s.line for s in subset])[1])
    assert meteor15.pid == pid and meteor15._process.poll() is None


@needs_java
@pytest.mark.java
def test_concurrent_callers_get_their_own_answers(meteor15) -> None:  # type: ignore[no-untyped-def]
    expected = meteor15.row_stats(HYPS, REFS)
    n = len(HYPS)
    # Several chunks of requests per caller, in different row orders, so exchanges interleave.
    orders = [list(range(n)) * 50, list(reversed(range(n))) * 50, [(i + 2) % n for i in range(n)] * 50]
    results: dict[int, list[MeteorStats]] = {}

    def work(slot: int) -> None:
        order = orders[slot]
        results[slot] = meteor15.row_stats([HYPS[i] for i in order], [REFS[i] for i in order])

    threads = [threading.Thread(target=work, args=(slot,)) for slot in range(len(orders))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for slot, order in enumerate(orders):
        assert results[slot] == [expected[i] for i in order]


@needs_java
@pytest.mark.java
def test_ptb_tokenization_keeps_lines_aligned(meteor15) -> None:  # type: ignore[no-untyped-def]
    texts = ['A dog (barks) "loudly"!', "", "two\nlines\u2028here", "  ", "Café, naïve... end."]
    assert meteor15.tokenize(texts) == [
        "a dog -lrb- barks -rrb- loudly",
        "",
        "two lines here",
        "",
        "café naïve end",
    ]


@needs_java
@pytest.mark.java
def test_close_stops_the_process() -> None:
    from isac.runtime.scoring.metrics.meteor_java import Meteor15

    scorer = Meteor15()
    scorer.close()
    assert scorer._process.poll() is not None
    with pytest.raises(ScoringError, match="not running"):
        scorer.row_stats(["a"], [["a"]])


def test_missing_java_or_jar_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ScoringError, match="needs a Java runtime"):
        find_java_tools()
    monkeypatch.undo()
    if not java_available():
        pytest.skip("no Java to check the jar lookup against")
    monkeypatch.setenv("ISAC_METEOR_HOME", str(tmp_path))
    with pytest.raises(ScoringError, match=r"meteor-1\.5\.jar"):
        find_java_tools()


def test_stats_lines_and_summable_rule() -> None:
    perfect = MeteorStats.from_line(
        JAR_BACKEND, "3.0 3.0 1.0 1.0 2.0 2.0 1.0 1.0" + " 0.0" * 12 + " 1.0 3.0 3.0"
    )
    partial = MeteorStats.from_line(
        JAR_BACKEND, "4.0 4.0 2.0 2.0 2.0 2.0 1.0 1.0" + " 0.0" * 12 + " 1.0 3.0 3.0"
    )
    assert MeteorStats.from_line(JAR_BACKEND, perfect.line) == perfect
    assert perfect.summable()[20] == 0.0  # a perfect one-chunk segment adds no chunk
    assert partial.summable() == partial.values
    backend, totals, rows = sum_meteor_stats([perfect, partial])
    assert (backend, rows, totals[0], totals[20]) == (JAR_BACKEND, 2, 7.0, 1.0)
    with pytest.raises(ScoringError, match="need 23 values"):
        MeteorStats(JAR_BACKEND, (1.0, 2.0))
    with pytest.raises(ScoringError, match="cannot aggregate"):
        sum_meteor_stats([perfect, MeteorStats(NLTK_BACKEND, (0.5,))])
    with pytest.raises(ScoringError, match="unknown meteor_backend"):
        open_meteor("bleu")  # type: ignore[arg-type]


@pytest.mark.skipif(
    not wordnet_available(), reason="WordNet for nltk not installed (scripts/setup_wordnet.sh)"
)
def test_nltk_fallback_is_labelled_and_sane() -> None:
    with open_meteor("nltk-approx") as scorer:
        stats = meteor_row_stats(HYPS, REFS, scorer)
        result = corpus_meteor(stats, scorer)
    scores = [s.values[0] for s in stats]
    assert result.backend == NLTK_BACKEND == stats[0].backend
    assert scores[1] == 0.0
    assert scores[2] > 0.9  # identical
    assert 0.0 < scores[0] < scores[2]
    assert result.value == pytest.approx(sum(scores) / len(scores))


def test_nltk_fallback_without_wordnet_fails_clearly(tmp_path: Path) -> None:
    code = (
        f"import nltk; nltk.data.path[:] = [{str(tmp_path)!r}]\n"
        "from isac.compiler.errors import ScoringError\n"
        "from isac.runtime.scoring.metrics.meteor import open_meteor\n"
        "try:\n    open_meteor('nltk-approx')\n"
        "except ScoringError as e:\n    print('ERR', e)\n"
    )
    env = {**os.environ, "NLTK_DATA": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert "ERR" in done.stdout and "setup_wordnet.sh" in done.stdout
