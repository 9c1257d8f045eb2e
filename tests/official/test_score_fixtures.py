"""Official-format fixtures for every task and dimension, scored and checked against hand-worked values.

The fixtures (fixtures/results/) hold a handful of items each; the comments below count the edits,
hits and compliant responses behind every expected number.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sacrebleu

from isac.compiler.errors import ScoringError
from isac.runtime.isa_v1.collect import score_result_dir
from isac.runtime.isa_v1.results import read_n_results, read_results
from isac.runtime.isa_v1.scoring import score_d, score_f, score_n
from isac.runtime.scoring.metrics.java_tools import java_available

RESULTS = Path(__file__).parent / "fixtures" / "results"
MODEL = "fixture"


def _d(task: str) -> dict:  # type: ignore[type-arg]
    return score_d(
        task, read_results(RESULTS / "d" / f"{MODEL}_{task}_results.json", "d", task), meteor=False
    )


def _f(task: str) -> dict:  # type: ignore[type-arg]
    return score_f(
        task, read_results(RESULTS / "f" / f"{MODEL}_{task}_results.json", "f", task), meteor=False
    )


def test_d_asr() -> None:
    # Two 2-word references. default: both comply, 0 errors. case: upper "THE TRANSCRIPT IS : ..." complies
    # (spaces before the colon allowed), "transcription" does not -> 2 of 4, 4 deletions / 8 words.
    # robust: "hello there" (1 sub) + 2 non-compliant (4 del) -> 5 / 8.
    # alter_symbol: "hello" (1 del) -> 1 / 4.
    # all: 11 of 18 compliant; 0 + 4 + 5 + 2 + 2 + 2 + 1 = 16 errors over 36 words.
    table = _d("asr")
    assert table == {
        "default": {"ifr": 100.0, "wer": 0.0},
        "case": {"ifr": 50.0, "wer": 50.0},
        "robust": {"ifr": 50.0, "wer": 62.5},
        "semantic_equal_simple": {"ifr": 50.0, "wer": 50.0},
        "semantic_equal_neutral": {"ifr": 50.0, "wer": 50.0},
        "semantic_equal_complex": {"ifr": 50.0, "wer": 50.0},  # full-width colon fails
        "alter_symbol": {"ifr": 100.0, "wer": 25.0},
        "all": {"ifr": 61.11, "wer": 44.44},
    }
    assert list(table) == [*list(table)[:-1], "all"]


def test_d_ser_and_gr() -> None:
    # SER item 1 (Happy): "Happy." ok+right; case "HAPPY" ok+right, " happy" fails (no trimming);
    # robust "'sad'" ok+wrong, '"angry".' fails; "happy\n" fails; "Neutral" ok+wrong; a sentence fails.
    # Item 2 (Sad): all nine comply and are right. all: 14/18 compliant = 77.78, 12/18 right = 66.67.
    ser = _d("ser")
    assert next(iter(ser)) == "all"
    assert ser["all"] == {"ifr": 77.78, "acc": 66.67}
    assert ser["case"] == {"ifr": 75.0, "acc": 75.0}
    assert ser["robust"] == {"ifr": 75.0, "acc": 50.0}
    assert ser["semantic_equal_neutral"] == {"ifr": 100.0, "acc": 50.0}
    assert ser["alter_symbol"] == {"ifr": 100.0, "acc": 100.0}
    # GR (one Male item): "FEMALE" ok+wrong, "male\n" fails, "man" fails: 7/9 compliant, 5/9 right.
    gr = _d("gr")
    assert gr["all"] == {"ifr": 77.78, "acc": 55.56}
    assert gr["case"] == {"ifr": 50.0, "acc": 0.0}
    assert gr["robust"] == {"ifr": 50.0, "acc": 50.0}


def test_d_s2tt_against_sacrebleu() -> None:
    table = _d("s2tt")
    # Keys sorted alphabetically, inner names of the nested dicts, then "all".
    assert list(table) == [
        "alter_symbol",
        "default",
        "grammar_robust",
        "lower_case",
        "semantic_equal_complex",
        "semantic_equal_neutral",
        "semantic_equal_simple",
        "syntax_robust",
        "upper_case",
        "all",
    ]
    # Item 2 has only blank references and is skipped entirely: every variation has one response.
    assert table["lower_case"]["ifr"] == 0.0  # "is :" fails
    assert table["grammar_robust"]["ifr"] == 0.0  # full-width colon fails
    assert table["upper_case"]["bleu"] == 100.0  # newline collapsed, quotes removed, matches ref 2
    refs = [["我喜欢猫。"], ["我爱猫。"]]
    expected = sacrebleu.corpus_bleu(["猫"], refs, tokenize="zh")
    assert table["syntax_robust"]["bleu"] == round(expected.score, 2)
    assert table["syntax_robust"]["bp"] == round(expected.bp, 4)
    assert table["syntax_robust"]["len_ratio"] == round(expected.sys_len / expected.ref_len, 4) == 0.25
    hyps = ["我喜欢猫。", "", "", "我喜欢猫。", "", "我喜欢猫。", "猫", "我爱猫。", "我喜欢猫。"]
    pooled = sacrebleu.corpus_bleu(hyps, [["我喜欢猫。"] * 9, ["我爱猫。"] * 9], tokenize="zh")
    assert table["all"]["ifr"] == 66.67  # 6 of 9
    assert table["all"]["bleu"] == round(pooled.score, 2)
    assert table["all"]["p1"] == round(pooled.precisions[0], 2)


def test_d_aac_ifr_without_meteor() -> None:
    table = _d("aac")
    assert table["syntax_robust"]["ifr"] == 100.0  # newline to space, then the prefix
    assert table["lower_case"]["ifr"] == table["grammar_robust"]["ifr"] == 0.0
    assert table["all"]["ifr"] == 66.67 and table["all"]["METEOR"] == "N/A"
    if java_available():  # CIDEr-D and ROUGE-L need only the PTB tokenizer
        # One audio item: every row has the same references, so every n-gram has df = N and idf 0:
        # CIDEr-D is 0 (the release's definition). ROUGE-L of the 6 compliant "a dog barks" rows is 1,
        # "a dog barks loudly" scores P = 3/4, R = 1: 2.44 * 0.75 / (1 + 1.44 * 0.75) = 0.879808;
        # non-compliant rows 0: (5 + 0.879808) / 9 = 0.6533.
        assert table["all"]["CIDEr-D"] == 0.0
        assert table["semantic_equal_complex"]["ROUGE-L"] == 0.8798
        assert table["all"]["ROUGE-L"] == 0.6533
    else:
        assert table["all"]["CIDEr-D"] == table["all"]["ROUGE-L"] == "N/A"


def test_f_asr() -> None:
    # References of 8, 3 and 4 words (15). constrain: item 1 ok (0 err), item 2 fails (ratio 1),
    # item 3 fails ("the speaker") -> 7 deletions. upper: 2 del + 3 + 0. lower: 0 + 0 + 4.
    # prefix: missing trailing space (8) + ok + wrong case (4). suffix: 0 + case (3) + 0.
    # wrap: "*" fits "*|*" with an empty body (8) + 0 + no "|" (4). json: key ignored (0) + fenced (3) + 4.
    # all: 11 of 21 compliant; 7 + 5 + 4 + 12 + 3 + 12 + 7 = 50 errors over 105 words = 47.62.
    assert _f("asr") == {
        "constrain": {"ifr": 33.33, "wer": 46.67},
        "upper_case": {"ifr": 66.67, "wer": 33.33},
        "lower_case": {"ifr": 66.67, "wer": 26.67},
        "prefix": {"ifr": 33.33, "wer": 80.0},
        "suffix": {"ifr": 66.67, "wer": 20.0},
        "wrap": {"ifr": 66.67, "wer": 80.0},
        "json": {"ifr": 33.33, "wer": 46.67},
        "all": {"ifr": 52.38, "wer": 47.62},
    }


def test_f_ser_and_gr() -> None:
    # Item 3's text has no label: it counts for IFR (3 responses per variation) but not for ACC (2).
    ser = _f("ser")
    assert ser["prefix"] == {"ifr": 100.0, "acc": 50.0}  # "unhappy" holds no whole-word label
    assert ser["json"] == {"ifr": 66.67, "acc": 0.0}  # the empty string complies and is wrong
    assert ser["constrain"] == {"ifr": 66.67, "acc": 50.0}  # "Neutral." fails
    assert ser["all"] == {"ifr": 76.19, "acc": 50.0}  # 16/21 compliant, 7/14 right
    gr = _f("gr")
    assert gr["lower_case"] == {"ifr": 100.0, "acc": 0.0}  # "male" in a female item
    assert gr["wrap"] == {"ifr": 0.0, "acc": 0.0}
    assert gr["all"] == {"ifr": 85.71, "acc": 71.43}


def test_f_s2tt_against_sacrebleu() -> None:
    table = _f("s2tt")
    assert list(table) == ["constrain", "prefix", "suffix", "wrap", "json", "all"]
    # Each variation: one compliant Chinese answer equal to its reference, one non-compliant.
    # (" is" fails the judge; ASCII colon fails the prefix; "I like cats" has no CJK; no closing wrap;
    # wrong json key.)
    expected = sacrebleu.corpus_bleu(["我喜欢猫。", ""], [["我喜欢猫。", "他说你好。"]], tokenize="zh")
    for variation in ("constrain", "prefix", "wrap", "json"):
        assert table[variation] == {"ifr": 50.0, "bleu": round(expected.score, 2)}
    swapped = sacrebleu.corpus_bleu(["", "他说你好。"], [["我喜欢猫。", "他说你好。"]], tokenize="zh")
    assert table["suffix"] == {"ifr": 50.0, "bleu": round(swapped.score, 2)}


def test_f_aac_ifr_without_meteor() -> None:
    table = _f("aac")
    # Item 2: "the audio" blacklisted, "Rain" has lowercase, "Caption:rain" lacks the space, no " #",
    # "'" fits "'|'" by overlap, "" caption rejected. lower_case ignores content ("there is ...").
    assert {name: entry["ifr"] for name, entry in table.items()} == {
        "constrain": 50.0,
        "upper_case": 50.0,
        "lower_case": 100.0,
        "prefix": 50.0,
        "suffix": 50.0,
        "wrap": 100.0,
        "json": 50.0,
        "all": 64.29,
    }


def test_n() -> None:
    table = score_n(read_n_results(RESULTS / "n" / f"{MODEL}_n_results.json"))
    # 2-task records: ASR|SER ok, SER|GR fails ("(male)"), ASR|GR json ok, GR|ASR ok, ASR|SER with "|" ok,
    # SER|GR json ok ("Sad"/"Female" compared lowercased). 3-task: one ok (labels valid but wrong),
    # one json with "the speaker" in the ASR value, one with 2 parts for 3 tasks.
    assert table == {
        "single-stage": {
            "2-TASK": {
                "ASR": {"ifr": 100.0, "wer": 0.0, "n": 4},
                "SER": {"ifr": 75.0, "acc": 75.0, "n": 4},
                "GR": {"ifr": 75.0, "acc": 75.0, "n": 4},
            },
            "3-TASK": {
                "ASR": {"ifr": 33.33, "wer": 66.67, "n": 3},  # 6 deletions over 3 x 3 words
                "SER": {"ifr": 33.33, "acc": 0.0, "n": 3},
                "GR": {"ifr": 33.33, "acc": 0.0, "n": 3},
            },
            "separation": {"ifr": 66.67, "n": 6},
            "json": {"ifr": 66.67, "n": 3},
        }
    }


def test_missing_files_are_listed(tmp_path: Path) -> None:
    shutil.copytree(RESULTS / "d", tmp_path / "d")
    collected = score_result_dir(tmp_path, MODEL, meteor=False)
    assert list(collected.model.d) == ["asr", "gr", "ser", "aac", "s2tt"]
    assert collected.model.f == {} and collected.model.n == {}
    assert len(collected.missing) == 6
    assert tmp_path / "n" / f"{MODEL}_n_results.json" in collected.missing


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"a": 1}', "expected a JSON list"),
        ('[{"text": 3, "variation_responses": {}}]', "item 0: key 'text'"),
        ('[{"text": "x", "variation_responses": {"prefix": [{"prefix": 1, "response": "y"}]}}]', "prefix"),
    ],
)
def test_malformed_file_names_file_item_and_key(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ScoringError, match=message) as caught:
        read_results(path, "f", "ser")
    assert str(path) in str(caught.value)


@pytest.mark.java
@pytest.mark.slow
def test_aac_meteor_with_java() -> None:
    from isac.runtime.isa_v1.metrics import meteor_available

    if not meteor_available():
        pytest.skip("METEOR 1.5 needs Java and the pycocoevalcap jars")
    d_table = score_d("aac", read_results(RESULTS / "d" / f"{MODEL}_aac_results.json", "d", "aac"))
    # Non-compliant variations score empty captions: METEOR 0. The same caption scores the same METEOR
    # whatever its case (PTB tokenisation lowercases).
    assert d_table["lower_case"]["METEOR"] == d_table["semantic_equal_neutral"]["METEOR"] == 0.0
    assert (
        d_table["default"]["METEOR"] == d_table["upper_case"]["METEOR"] == d_table["syntax_robust"]["METEOR"]
    )
    assert 0 < d_table["all"]["METEOR"] < d_table["default"]["METEOR"]
    f_table = score_f("aac", read_results(RESULTS / "f" / f"{MODEL}_aac_results.json", "f", "aac"))
    # The json list ["a dog", "barks"] joins to the constrain caption "a dog barks".
    assert f_table["json"]["METEOR"] == f_table["constrain"]["METEOR"] > 0
