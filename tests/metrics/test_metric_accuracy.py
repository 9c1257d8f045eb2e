"""Label accuracy: the first whole-word label in the answer, ignoring case, must be the reference."""

from __future__ import annotations

import pytest

from isac.compiler.errors import ScoringError
from isac.runtime.scoring.metrics.accuracy import (
    AccuracyStats,
    accuracy_row_stats,
    corpus_accuracy,
    extract_label,
)

GENDER = ("male", "female")
EMOTION = ("happy", "sad", "angry", "neutral")


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("female", "female"),
        ("Female.", "female"),
        ("The speaker is FEMALE", "female"),
        ("female, not male", "female"),
        ("male, not female", "male"),
        ("a female-sounding voice", "female"),
        ("females", None),
        ("", None),
        ("I cannot tell", None),
        ('{"gender": "Male"}', "male"),
    ],
)
def test_gender_extraction(answer: str, expected: str | None) -> None:
    assert extract_label(answer, GENDER) == expected


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("sad", "sad"),
        ("Sadness overall", None),
        ("unhappy", None),
        ("neutral, maybe happy", "neutral"),
        ("emotion: ANGRY!", "angry"),
        ("happy_face", None),
    ],
)
def test_emotion_extraction(answer: str, expected: str | None) -> None:
    assert extract_label(answer, EMOTION) == expected


def test_longer_label_wins_at_the_same_position() -> None:
    assert extract_label("very happy indeed", ("very", "very happy")) == "very happy"


def test_row_stats_and_corpus_accuracy() -> None:
    answers = ["Female", "male", "", "The answer is female", "femalE."]
    references = ["female", "female", "male", "female", "Female"]
    stats = accuracy_row_stats(answers, references, GENDER)
    assert [s.correct for s in stats] == [True, False, False, True, True]
    assert [s.predicted for s in stats] == ["female", "male", None, "female", "female"]
    result = corpus_accuracy(stats)
    assert (result.metric, result.value, result.rows) == ("ACC", 60.0, 5)
    assert stats[2].as_row() == (0, None)
    assert [name for name, _ in AccuracyStats.COLUMNS] == ["correct", "predicted"]


def test_errors_name_the_row_or_label_set() -> None:
    with pytest.raises(ScoringError, match="row 1: reference 'robot'"):
        accuracy_row_stats(["male", "female"], ["male", "robot"], GENDER)
    with pytest.raises(ScoringError, match="non-empty set"):
        extract_label("anything", ())
    with pytest.raises(ScoringError, match="one reference per answer"):
        accuracy_row_stats(["male"], [], GENDER)
    with pytest.raises(ScoringError, match="at least one row"):
        corpus_accuracy([])
