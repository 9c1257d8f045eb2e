"""The fast scoring core gives exactly the numbers of plain reference implementations.

A reduced full-structure set (bench_score_official's generator at 1 % scale, plus adversarial strings)
is scored row by row and in aggregate by isac's core and by the libraries the paper used, called
directly: sacrebleu (zh BLEU), jiwer (WER), a plain label search (accuracy) and one METEOR 1.5 SCORE
request per row (when Java is present). Every value must be equal, not merely close.
"""

from __future__ import annotations

import json
import random
import re
import sys
from collections.abc import Sequence
from pathlib import Path

import jiwer
import pytest
import sacrebleu
from sacrebleu.metrics.bleu import BLEU
from sacrebleu.tokenizers.tokenizer_zh import TokenizerZh

from isac.runtime.isa_v1 import metrics as official_metrics
from isac.runtime.isa_v1.collect import score_result_dir
from isac.runtime.isa_v1.results import read_results
from isac.runtime.isa_v1.scoring import Sample, build_table, d_samples, f_samples, ifr
from isac.runtime.scoring.metrics.accuracy import METRIC as ACCURACY
from isac.runtime.scoring.metrics.bleu import (
    bleu_from_totals,
    bleu_row_stats,
    sum_bleu_stats,
    zh_code_point_ranges,
    zh_tokenize,
)
from isac.runtime.scoring.metrics.definition import MetricInput
from isac.runtime.scoring.metrics.java_tools import java_available
from isac.runtime.scoring.metrics.wer import english_normalizer, wer_counts

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
MODEL = "bench"

# Chinese, the code points at the edges of sacrebleu's ranges (some of its bounds are two characters
# long), Latin text, digits and every ASCII character the 13a post-tokenizer acts on.
ALPHABET = [
    *"我喜欢猫。爱的一是在不了有和人这中大为",
    *"abcXYZ 0123456789.,-!?'\"()[]{}:;/@~`#$%&*+<=>^_|\\、，。！？\u3000\t\n",
    *["\u3400", "\u4db5", "\u4db6", "\u9fa5", "\u9fbb", "\u9fbc", "\u2000", "\u2001", "\u2a6d", "\u2a6e"],
    *["\U00020000", "\U0002a6d6", "é", "한", "ー"],
]


def _random_texts(rng: random.Random, count: int, longest: int) -> list[str]:
    return ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, longest))) for _ in range(count)]


@pytest.fixture(scope="module")
def official_set(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """bench_score_official's seeded input at 1 % scale (every task, dimension and variation)."""
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import bench_score_official
    finally:
        sys.path.remove(str(BENCHMARKS))
    root = tmp_path_factory.mktemp("official") / "results"
    bench_score_official.synthesize(root, 0.01)
    return root


# ---------------------------------------------------------------------------------------------- BLEU


def test_zh_code_points_are_sacrebleus() -> None:
    ours = {code for first, last in zh_code_point_ranges() for code in range(first, last + 1)}
    is_chinese = TokenizerZh._is_chinese_char.__wrapped__  # the predicate without its small cache
    differing = [code for code in range(0x110000) if (code in ours) != is_chinese(chr(code))]
    assert differing == []


def test_zh_tokenize_is_sacrebleus() -> None:
    reference = BLEU(tokenize="zh")
    texts = _random_texts(random.Random(3), 5000, 40)
    assert [zh_tokenize(text) for text in texts] == [reference._preprocess_segment(text) for text in texts]


def _sacrebleu_segment(metric: BLEU, hypothesis: str, references: Sequence[str]) -> tuple[int, ...]:
    info = metric._extract_reference_info([metric._preprocess_segment(ref) for ref in references])
    return tuple(metric._compute_segment_statistics(metric._preprocess_segment(hypothesis), info))


def test_bleu_rows_and_corpus_equal_sacrebleu() -> None:
    rng = random.Random(5)
    references = [[text] for text in _random_texts(rng, 300, 30)]
    hypotheses = _random_texts(rng, 1500, 30)
    rows = [references[rng.randrange(len(references))] for _ in hypotheses]
    hypotheses[::7] = [""] * len(hypotheses[::7])  # empty answers repeat, as non-compliant ones do
    stats = bleu_row_stats(hypotheses, rows)
    plain = BLEU(tokenize="zh")
    for hypothesis, refs, row in zip(hypotheses, rows, stats, strict=True):
        assert row.as_row() == _sacrebleu_segment(plain, hypothesis, refs)
    total, _ = sum_bleu_stats(stats)
    ours = bleu_from_totals(total)
    expected = sacrebleu.corpus_bleu(hypotheses, [[refs[0] for refs in rows]], tokenize="zh")
    assert (ours.score, list(ours.precisions), ours.bp) == (expected.score, expected.precisions, expected.bp)
    assert (ours.sys_len, ours.ref_len) == (expected.sys_len, expected.ref_len)


def test_bleu_with_several_references_per_row() -> None:
    rng = random.Random(6)
    hypotheses = _random_texts(rng, 400, 25)
    rows = [tuple(_random_texts(rng, rng.randint(1, 3), 25)) for _ in hypotheses]
    plain = BLEU(tokenize="zh")
    stats = bleu_row_stats(hypotheses, rows)
    assert [row.as_row() for row in stats] == [
        _sacrebleu_segment(plain, hyp, refs) for hyp, refs in zip(hypotheses, rows, strict=True)
    ]


# ----------------------------------------------------------------------------------------------- WER


def test_wer_rows_and_corpus_equal_jiwer() -> None:
    rng = random.Random(7)
    words = ["the", "cat", "sat", "on", "mat", "Mr.", "twenty", "5", "colour", "it's", "  ", "\t"]
    references = [" ".join(rng.choice(words) for _ in range(rng.randint(0, 12))) for _ in range(200)]
    rows = [references[rng.randrange(len(references))] for _ in range(1000)]
    hypotheses = [" ".join(rng.choice(words) for _ in range(rng.randint(0, 12))) for _ in rows]
    hypotheses[::5] = [""] * len(hypotheses[::5])
    errors, ref_words = wer_counts(hypotheses, rows)
    normalize = english_normalizer()
    refs_n, hyps_n = [normalize(text) for text in rows], [normalize(text) for text in hypotheses]
    for index, (ref, hyp) in enumerate(zip(refs_n, hyps_n, strict=True)):
        out = jiwer.process_words(ref, hyp)
        assert (errors[index], ref_words[index]) == (
            out.substitutions + out.deletions + out.insertions,
            out.hits + out.substitutions + out.deletions,
        )
    assert official_metrics.corpus_wer(rows, hypotheses) == 100 * float(jiwer.wer(refs_n, hyps_n))


# ------------------------------------------------------------------------------------------ accuracy


def _first_label(answer: str, labels: Sequence[str]) -> str | None:
    """Plain search: the label whose whole-word occurrence starts first (the longer one on a tie)."""
    best: tuple[int, int, str] | None = None
    lowered = answer.lower()
    for label in labels:
        for start in range(len(lowered)):
            end = start + len(label)
            if lowered[start:end] != label:
                continue
            before = lowered[start - 1] if start else " "
            after = lowered[end] if end < len(lowered) else " "
            if re.match(r"\w", before) or re.match(r"\w", after):
                continue
            candidate = (start, -len(label), label)
            best = candidate if best is None or candidate < best else best
            break
    return None if best is None else best[2]


def test_accuracy_rows_equal_a_plain_search() -> None:
    rng = random.Random(8)
    labels = ("happy", "sad", "angry", "neutral")
    fillers = ["it", "sounds", "unhappy", "Sad.", "HAPPY", "neutrally", "angry!", "", "sadness", "(sad)"]
    answers = [" ".join(rng.choice(fillers) for _ in range(rng.randint(0, 5))) for _ in range(2000)]
    references = [(rng.choice(labels),) for _ in answers]
    batch = MetricInput("SER", {}, labels, [str(i) for i in range(len(answers))], answers, references, None)  # type: ignore[arg-type]
    correct = ACCURACY.row_stats(batch)["accuracy_correct"].tolist()
    expected = [
        int(_first_label(answer, labels) == ref) for answer, (ref,) in zip(answers, references, strict=True)
    ]
    assert correct == expected
    assert sum(correct) == sum(expected) > 0


# ------------------------------------------------------------------------- official tables, end to end


def _plain_wer_entry(samples: Sequence[Sample]) -> dict[str, object]:
    normalize = official_metrics.normalize_english
    refs = [normalize(s.references[0]) for s in samples]
    hyps = [normalize(s.hypothesis) for s in samples]
    return {"ifr": ifr(samples), "wer": round(100 * float(jiwer.wer(refs, hyps)), 2)}


def _plain_bleu(samples: Sequence[Sample]) -> sacrebleu.metrics.bleu.BLEUScore:
    width = max(len(s.references) for s in samples)
    streams = [
        [s.references[k] if k < len(s.references) else s.references[0] for s in samples] for k in range(width)
    ]
    return sacrebleu.corpus_bleu([s.hypothesis for s in samples], streams, tokenize="zh")


def _plain_d_s2tt_entry(samples: Sequence[Sample]) -> dict[str, object]:
    score = _plain_bleu(samples)
    p1, p2, p3, p4 = score.precisions
    return {
        "ifr": ifr(samples),
        "bleu": round(score.score, 2),
        **{f"p{n}": round(p, 2) for n, p in enumerate((p1, p2, p3, p4), start=1)},
        "bp": round(score.bp, 4),
        "len_ratio": round(score.sys_len / score.ref_len, 4),
    }


def test_official_tables_equal_plain_library_calls(official_set: Path) -> None:
    collected = score_result_dir(official_set, MODEL, meteor=False).model
    for dimension, samples_of in (("d", d_samples), ("f", f_samples)):
        tables = collected.d if dimension == "d" else collected.f
        asr = samples_of(
            "asr", read_results(official_set / dimension / f"{MODEL}_asr_results.json", dimension, "asr")
        )
        assert tables["asr"] == build_table(asr, _plain_wer_entry, "seen")
        s2tt_path = official_set / dimension / f"{MODEL}_s2tt_results.json"
        s2tt = samples_of("s2tt", read_results(s2tt_path, dimension, "s2tt"))
        if dimension == "d":
            expected = build_table(s2tt, _plain_d_s2tt_entry, "sorted")
        else:
            expected = build_table(
                s2tt, lambda s: {"ifr": ifr(s), "bleu": round(_plain_bleu(s).score, 2)}, "seen"
            )
        assert tables["s2tt"] == expected
        assert json.dumps(tables["s2tt"]) == json.dumps(expected)  # key order too


# -------------------------------------------------------------------------------------------- METEOR


@pytest.mark.skipif(not java_available(), reason="METEOR 1.5 needs Java and the pycocoevalcap jars")
def test_meteor_rows_and_corpus_equal_one_request_per_row(official_set: Path) -> None:
    from isac.runtime.scoring.metrics.meteor_java import _SEPARATOR, Meteor15, _protocol_text
    from isac.runtime.scoring.metrics.meteor_stats import JAR_BACKEND, MeteorStats

    samples = d_samples("aac", read_results(official_set / "d" / f"{MODEL}_aac_results.json", "d", "aac"))
    samples += f_samples("aac", read_results(official_set / "f" / f"{MODEL}_aac_results.json", "f", "aac"))
    hypotheses, references = [s.hypothesis for s in samples], [list(s.references) for s in samples]
    assert len(set(hypotheses)) < len(hypotheses)  # repeated answers: the deduplication is exercised
    with Meteor15() as scorer:
        fast = scorer.row_stats(hypotheses, references)
        # The plain route: every row's texts in one tokenizer run (repeats included), one request per row.
        flat = [
            text
            for hypothesis, refs in zip(hypotheses, references, strict=True)
            for text in (hypothesis, *refs)
        ]
        tokens = iter(scorer.tokenize(flat))
        plain: list[MeteorStats] = []
        for refs in references:
            hypothesis_tokens = next(tokens)
            ref_tokens = [next(tokens) for _ in refs]
            fields = [*(_protocol_text(r) for r in ref_tokens), _protocol_text(hypothesis_tokens)]
            (reply,) = scorer._exchange([_SEPARATOR.join(["SCORE", *fields])], 1)
            plain.append(MeteorStats.from_line(JAR_BACKEND, reply))
        assert [row.line for row in fast] == [row.line for row in plain]
        assert scorer.corpus_score(fast) == scorer.corpus_score(plain)
        assert fast[0].backend == JAR_BACKEND
