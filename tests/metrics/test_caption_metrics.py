"""CIDEr-D and ROUGE-L (COCO caption definitions) against values worked out by hand, and the
isa-v1 AAC table filled with them through `score_d` (PTB tokenizer, needs Java)."""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

import pytest

from isac.runtime.isa_v1.results import read_results
from isac.runtime.isa_v1.scoring import score_d
from isac.runtime.scoring.metrics.cider import cider_d_scores, corpus_cider_d, ngram_counts
from isac.runtime.scoring.metrics.java_tools import java_available
from isac.runtime.scoring.metrics.rouge import corpus_rouge_l, lcs_length, rouge_l_score

# Two items. A: hypothesis "a dog", reference "a dog barks". B: hypothesis "rain falls" = reference.
HYPOTHESES = ["a dog", "rain falls"]
REFERENCES = [["a dog barks"], ["rain falls"]]

# CIDEr-D by hand. N = 2 items; every reference n-gram occurs in exactly one item (df = 1) and the
# hypothesis n-grams are all reference n-grams, so every tf-idf weight is 1 x (ln 2 - ln 1) = L.
# Item A, order 1: hyp {a, dog} . ref {a, dog, barks} = 2 L^2 (clipped: min(L, L) L), norms sqrt2 L and
#   sqrt3 L -> 2 / sqrt6. Order 2: {a dog} vs {a dog, dog barks}: L^2 / (L sqrt2 L) = 1 / sqrt2.
#   Orders 3 and 4: the hypothesis has none -> 0. Length = bigram count: 1 vs 2, delta -1, penalty
#   exp(-1 / (2 * 6^2)) = exp(-1/72). Score = 10 * exp(-1/72) * (2/sqrt6 + 1/sqrt2) / 4 ~= 3.75647.
# Item B: identical 2-word sentences: orders 1 and 2 give cosine 1, orders 3 and 4 give 0, penalty 1:
#   10 * (1 + 1 + 0 + 0) / 4 = 5.
CIDER_A = 10 * math.exp(-1 / 72) * (2 / math.sqrt(6) + 1 / math.sqrt(2)) / 4
CIDER_B = 5.0
# ROUGE-L by hand (beta = 1.2, beta^2 = 1.44). A: LCS("a dog barks", "a dog") = 2, P = 2/2 = 1,
# R = 2/3; F = 2.44 * 1 * 2/3 / (2/3 + 1.44 * 1) = 4.88 / 6.32 ~= 0.772152. B: F = 1.
ROUGE_A = 4.88 / 6.32
ROUGE_B = 1.0


def test_cider_d_by_hand() -> None:
    assert pytest.approx(3.75647, abs=1e-5) == CIDER_A
    assert cider_d_scores(HYPOTHESES, REFERENCES) == pytest.approx([CIDER_A, CIDER_B], abs=1e-12)
    assert corpus_cider_d(HYPOTHESES, REFERENCES) == pytest.approx((CIDER_A + CIDER_B) / 2, abs=1e-12)


def test_cider_d_single_item_corpus_is_zero() -> None:
    # One item: idf = ln 1 - ln 1 = 0 for every n-gram, so even a perfect caption scores 0 (the
    # release's definition; a group with one row scores 0).
    assert corpus_cider_d(["a dog barks"], [["a dog barks"]]) == 0.0


def test_cider_d_empty_hypothesis_and_counts() -> None:
    assert cider_d_scores(["", "rain falls"], REFERENCES)[0] == 0.0
    counts = ngram_counts("a b a")
    assert counts[("a",)] == 2 and counts[("a", "b", "a")] == 1 and len(counts) == 5


def test_rouge_l_by_hand() -> None:
    assert pytest.approx(0.772152, abs=1e-6) == ROUGE_A
    assert rouge_l_score("a dog", ["a dog barks"]) == pytest.approx(ROUGE_A, abs=1e-12)
    assert corpus_rouge_l(HYPOTHESES, REFERENCES) == pytest.approx((ROUGE_A + ROUGE_B) / 2, abs=1e-12)
    # Max precision and max recall are taken over references separately: P = 1 from "a dog barks",
    # R = 1 from "a dog" itself.
    assert rouge_l_score("a dog", ["a dog barks", "a dog"]) == 1.0
    assert rouge_l_score("", ["rain falls"]) == 0.0
    assert lcs_length(["a", "b", "c", "d"], ["b", "d", "x"]) == 2


def test_agrees_with_the_coco_scorers_on_random_captions() -> None:
    # The installed pycocoevalcap scorers are the reference implementation being reproduced.
    cider_module = pytest.importorskip("pycocoevalcap.cider.cider")
    rouge_module = pytest.importorskip("pycocoevalcap.rouge.rouge")
    rng = random.Random(7)
    words = ["a", "dog", "cat", "barks", "meows", "the", "rain", "falls", "on", "roof", "loud"]
    for _ in range(60):
        size = rng.randint(1, 6)
        hyps = [" ".join(rng.choice(words) for _ in range(rng.randint(0, 8))) for _ in range(size)]
        refs = [
            [" ".join(rng.choice(words) for _ in range(rng.randint(1, 8))) for _ in range(rng.randint(1, 4))]
            for _ in range(size)
        ]
        gts = {index: refs[index] for index in range(size)}
        res = {index: [hyps[index]] for index in range(size)}
        _, expected_cider = cider_module.Cider().compute_score(gts, res)
        _, expected_rouge = rouge_module.Rouge().compute_score(gts, res)
        assert cider_d_scores(hyps, refs) == pytest.approx(list(expected_cider), abs=1e-12)
        assert [rouge_l_score(h, r) for h, r in zip(hyps, refs, strict=True)] == pytest.approx(
            list(expected_rouge), abs=1e-12
        )


@pytest.mark.java
def test_official_d_aac_table_has_cider_and_rouge(tmp_path: Path) -> None:
    if not java_available():
        pytest.skip("the PTB tokenizer needs Java and the pycocoevalcap CoreNLP jar")
    # The same two items as official D AAC results; only the default variation, both compliant. The
    # PTB tokenizer lowercases and drops the final period, so the hand values above apply unchanged.
    items = [
        {"path": "/a.wav", "text": "A dog barks.", "task": "audiocaption",
         "variation_responses": {"default": "The audio caption is: A dog."}},
        {"path": "/b.wav", "text": "Rain falls.", "task": "audiocaption",
         "variation_responses": {"default": "The audio caption is: rain falls"}},
    ]  # fmt: skip
    path = tmp_path / "m_aac_results.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    table = score_d("aac", read_results(path, "d", "aac"), meteor=False)
    assert table["default"]["ifr"] == 100.0
    assert table["default"]["CIDEr-D"] == round((CIDER_A + CIDER_B) / 2, 4) == 4.3782
    assert table["default"]["ROUGE-L"] == round((ROUGE_A + ROUGE_B) / 2, 4) == 0.8861
    assert table["default"]["METEOR"] == "N/A"  # METEOR off
