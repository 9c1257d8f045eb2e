"""The English normaliser agrees with openai-whisper's on every recorded case, and never fails."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from isac.runtime.scoring.normalizers import BasicTextNormalizer, EnglishTextNormalizer
from isac.runtime.scoring.normalizers.spelling import british_to_american

EXPECTED_PATH = Path(__file__).with_name("whisper_expected.json")
EXPECTED: dict[str, Any] = json.loads(EXPECTED_PATH.read_text(encoding="utf-8"))
CASES: list[dict[str, str]] = EXPECTED["cases"]

ENGLISH = EnglishTextNormalizer()
NORMALIZERS = {
    "english": ENGLISH,
    "basic": BasicTextNormalizer(),
    "basic_remove_diacritics_split_letters": BasicTextNormalizer(remove_diacritics=True, split_letters=True),
}


def test_expected_outputs_come_from_the_pinned_whisper_release() -> None:
    assert EXPECTED["whisper_version"] == "20250625"
    assert len(CASES) >= 300
    assert len({case["input"] for case in CASES}) == len(CASES)


@pytest.mark.parametrize("name", sorted(NORMALIZERS))
def test_matches_whisper_on_every_recorded_case(name: str) -> None:
    normalize = NORMALIZERS[name]
    mismatches = [
        (case["input"], normalize(case["input"]), case[name])
        for case in CASES
        if normalize(case["input"]) != case[name]
    ]
    assert mismatches == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("twenty five", "25"),
        ("one hundred and three", "103"),
        ("1,000,000", "1000000"),
        ("$5", "$5"),
        ("five percent", "5%"),
        ("Mr. Smith won't go", "mister smith will not go"),
        ("favourite colours", "favorite colors"),
        ("oh oh seven", "007"),
        ("two and a half", "2.5"),
        ("café naïve", "cafe naive"),
        ("[noise] hello (laughs) um there", "hello there"),
    ],
)
def test_readable_examples(text: str, expected: str) -> None:
    assert ENGLISH(text) == expected


def test_spelling_list_is_complete() -> None:
    mapping = british_to_american()
    assert len(mapping) == 1739
    assert mapping["colour"] == "color"


@given(st.text(alphabet=st.characters(exclude_categories=()), max_size=80))
def test_any_text_normalizes_without_error(text: str) -> None:
    for normalize in NORMALIZERS.values():
        result = normalize(text)
        assert isinstance(result, str)
        assert "  " not in result


@given(
    st.lists(
        st.sampled_from(
            [
                "one",
                "two",
                "twenty",
                "hundred",
                "thousand",
                "point",
                "oh",
                "double",
                "and",
                "a",
                "half",
                "$5",
                "1,000",
                "minus",
                "percent",
                "per",
                "cent",
                "first",
                "ones",
            ]
        ),
        max_size=12,
    ).map(" ".join)
)
def test_number_word_sequences_normalize_without_error(text: str) -> None:
    assert "  " not in ENGLISH(text)
