"""The official compliance tests and hypothesis extraction, quirk by quirk."""

from __future__ import annotations

import pytest

from isac.runtime.isa_v1.rules.answer_only import align_words, is_aac_answer_only, is_asr_answer_only
from isac.runtime.isa_v1.rules.d import judge_d
from isac.runtime.isa_v1.rules.f import judge_f
from isac.runtime.isa_v1.rules.n import judge_n
from isac.runtime.isa_v1.rules.s2tt_judge import is_translation_only


@pytest.mark.parametrize(
    ("response", "compliant", "hypothesis"),
    [
        ("The transcript is: hi there", True, "hi there"),
        ("  THE TRANSCRIPT IS   :hi", True, "hi"),
        ("The transcription is: hi", False, ""),
        ("The transcript is： hi", False, ""),  # full-width colon
        ("Sure. The transcript is: hi", False, ""),
    ],
)
def test_d_asr_prefix(response: str, compliant: bool, hypothesis: str) -> None:
    verdict = judge_d("asr", response)
    assert (verdict.compliant, verdict.hypothesis) == (compliant, hypothesis)


@pytest.mark.parametrize(
    ("response", "compliant", "hypothesis"),
    [
        ("The translation is:\n  '我爱你'", True, "我爱你"),
        ("the translation is :我爱你", False, ""),  # no space allowed before the colon
        ('The translation is: "我" 爱', True, '"我" 爱'),  # only a matching outer pair is removed
    ],
)
def test_d_s2tt_prefix(response: str, compliant: bool, hypothesis: str) -> None:
    verdict = judge_d("s2tt", response)
    assert (verdict.compliant, verdict.hypothesis) == (compliant, hypothesis)


def test_d_aac_prefix_and_quotes() -> None:
    assert judge_d("aac", 'the audio caption is:\r\n"a dog"').hypothesis == "a dog"
    assert not judge_d("aac", "The audio caption is : a dog").compliant


@pytest.mark.parametrize(
    ("response", "label"),
    [("Male.", "male"), ("'female'", "female"), ('"male".', None), (" male", None), ("male\n", None)],
)
def test_d_label_normalisation(response: str, label: str | None) -> None:
    verdict = judge_d("gr", response)
    assert verdict.compliant is (label is not None)
    assert verdict.hypothesis == (label or "")


def test_f_case_tests_ignore_content() -> None:
    assert judge_f("ser", "upper_case", "I DO NOT KNOW", None, "Happy").compliant
    assert judge_f("ser", "upper_case", "HAPPY é", None, "Happy").compliant  # only A-Z/a-z are tested
    assert not judge_f("asr", "lower_case", "123", None, "x").compliant  # needs a letter


def test_f_prefix_suffix_are_case_and_space_sensitive() -> None:
    assert judge_f("gr", "prefix", "  Gender: male", "Gender: ", "Male").hypothesis == "male"
    assert not judge_f("gr", "prefix", "Gender:male", "Gender: ", "Male").compliant
    assert not judge_f("gr", "prefix", "gender: male", "Gender: ", "Male").compliant
    assert judge_f("gr", "suffix", "male <END>\n", "<END>", "Male").hypothesis == "male"
    assert not judge_f("gr", "suffix", "male <end>", "<END>", "Male").compliant


def test_f_wrap_overlap_and_missing_bar() -> None:
    verdict = judge_f("aac", "wrap", " * ", "*|*", "a dog")
    assert (verdict.compliant, verdict.hypothesis) == (True, "")
    assert not judge_f("aac", "wrap", "<s>a dog<s>", "<s>", "a dog").compliant


def test_f_json_per_task() -> None:
    # ASR ignores the requested key and joins every string value.
    assert (
        judge_f("asr", "json", '{"other": "hello", "n": 2, "x": "world"}', "asr", "").hypothesis
        == "hello world"
    )
    assert not judge_f("asr", "json", '```json\n{"asr": "hi"}\n```', "asr", "hi").compliant
    # SER/GR need the key; an empty string is compliant.
    assert judge_f("ser", "json", '{"emotion": ""}', "emotion", "Happy").compliant
    assert not judge_f("ser", "json", '{"mood": "happy"}', "emotion", "Happy").compliant
    # AAC accepts a list of objects and rejects an empty caption.
    assert (
        judge_f("aac", "json", '[{"c": "a dog"}, {"c": ""}, {"c": "barks"}]', "c", "").hypothesis
        == "a dog barks"
    )
    assert not judge_f("aac", "json", '{"c": "  "}', "c", "").compliant
    # S2TT: compliant JSON whose value has no CJK ideograph is turned non-compliant.
    assert not judge_f("s2tt", "json", '{"t": "hello"}', "t", "你好").compliant
    assert judge_f("s2tt", "json", '{"t": " 你好 "}', "t", "你好").hypothesis == "你好"


def test_f_label_constrain() -> None:
    assert judge_f("ser", "constrain", '"Happy"', None, "Happy").compliant
    assert not judge_f("ser", "constrain", "Happy.", None, "Happy").compliant
    assert not judge_f("ser", "constrain", "very happy", None, "Happy").compliant


def test_alignment_backtrace_prefers_substitution_then_insertion() -> None:
    # ref "a b", hyp "x a b": one insertion; ref "a", hyp "b c": sub + ins (not del + 2 ins).
    assert align_words(["a", "b"], ["x", "a", "b"]).insertions == 1
    alignment = align_words(["a"], ["b", "c"])
    assert (alignment.distance, alignment.insertions) == (2, 1)


def test_asr_answer_only() -> None:
    reference = "he hoped there would be stew for dinner turnips and carrots"
    assert is_asr_answer_only("He hoped there would be stew for dinner, turnips and carrots.", reference)
    # Three inserted words fail even though the error ratio is small (3 / 10).
    assert not is_asr_answer_only(reference + " and more stew", reference)
    assert is_asr_answer_only(reference + " and more", reference)
    assert not is_asr_answer_only("the audio says " + reference[:20], reference)
    assert not is_asr_answer_only("stew stew stew stew", "stew stew stew stew")  # a repeated unit
    assert not is_asr_answer_only("something else entirely here now", "one two three four five")


def test_aac_answer_only_substrings() -> None:
    assert is_aac_answer_only("a dog barks while cars pass by")
    for bad in ("a labeled dog", "Elements of rain", "It captures a dog", "a dog?", "Note: a dog", "dog dog"):
        assert not is_aac_answer_only(bad)


@pytest.mark.parametrize(
    ("response", "reference", "compliant"),
    [
        ("我喜欢猫。", "我喜欢猫。", True),
        ("This is 我喜欢猫。", "我喜欢猫。", False),  # " is"
        ("中文翻译：我喜欢猫。", "我喜欢猫。", False),  # keyword
        ("Chinese: 我喜欢猫", "Chinese 我喜欢猫", False),  # keyword also in the reference, but a lead-in
        ("I really like cute cats 猫", "我喜欢猫。", False),  # five English words not in the reference
        ("I like cute cats 猫", "我喜欢猫。", True),  # four
        ("hello world", "你好世界", False),  # no Chinese token
        ("汉语：你好", "你好", False),  # "汉语：" stays a keyword although bare 汉语 was removed
        ("汉语你好", "你好", True),
    ],
)
def test_s2tt_judge(response: str, reference: str, compliant: bool) -> None:
    assert is_translation_only(response, reference) is compliant


def test_n_separation_and_json() -> None:
    ok = judge_n("separation", ("ASR", "SER"), "i love you\\ Happy ", None, "I love you.")
    assert ok.compliant and dict(ok.hypotheses) == {"ASR": "i love you", "SER": "Happy"}
    assert not judge_n("separation", ("ASR", "SER"), "i love you\\'happy'", None, "I love you.").compliant
    bracket = judge_n("separation", ("GR", "ASR"), "[male]|i love you", "|", "I love you.")
    assert not bracket.compliant  # "[male]" is not exactly a label
    spaced = judge_n("separation", ("ASR", "GR"), "(i love you)|male", "|", "I love you.")
    assert spaced.hypotheses["ASR"] == "i love you"  # one enclosing bracket pair removed
    bad = judge_n("separation", ("ASR", "SER"), "i love you\\happy\\n", None, "I love you.")
    assert not bad.compliant and set(bad.hypotheses.values()) == {""}
    js = judge_n("json", ("SER", "GR"), '{"e": "Sad", "g": "male"}', "e|g", "")
    assert js.compliant and dict(js.hypotheses) == {"SER": "Sad", "GR": "male"}
    assert not judge_n("json", ("SER", "GR"), '{"e": "Sad"}', "e|g", "").compliant
