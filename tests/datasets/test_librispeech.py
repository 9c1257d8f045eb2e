from __future__ import annotations

from pathlib import Path

import pytest

from isac.compiler.datasets import load_dataset
from isac.compiler.errors import DatasetError


def test_items_references_and_sorting(tmp_path: Path, fake) -> None:
    root = fake.librispeech(tmp_path)
    index = load_dataset("librispeech", root, {})
    assert [item.item_id for item in index.items] == [
        "1089-134686-0000",
        "1089-134686-0001",
        "121-121726-0000",
        "121-121726-0001",
    ]
    first = index.items[0]
    assert first.audio == "LibriSpeech/test-clean/1089/134686/1089-134686-0000.flac"
    assert first.references == {"ASR": ("HE HOPED THERE WOULD BE STEW",), "GR": ("male",)}
    assert index.items[2].references["GR"] == ("female",)
    assert index.name == "librispeech" and index.adapter == "librispeech"
    assert index.missing_audio == ()


def test_fingerprint_is_independent_of_creation_order_and_location(tree, fake) -> None:
    one = load_dataset("librispeech", fake.librispeech(tree("a")), {})
    two = load_dataset("librispeech", fake.librispeech(tree("b"), reverse=True), {})
    assert one.fingerprint == two.fingerprint
    assert len(one.fingerprint) == 64


def test_fingerprint_changes_with_an_index_byte_but_not_with_audio(tree, fake) -> None:
    root = fake.librispeech(tree("a"))
    before = load_dataset("librispeech", root, {}).fingerprint
    fake.write_audio(root / "LibriSpeech" / "test-clean" / "121" / "121726" / "extra.flac")
    assert load_dataset("librispeech", root, {}).fingerprint == before
    trans = root / "LibriSpeech" / "test-clean" / "121" / "121726" / "121-121726.trans.txt"
    trans.write_text(trans.read_text().replace("ALSO", "ALSo"))
    assert load_dataset("librispeech", root, {}).fingerprint != before


def test_missing_audio_raises_with_count_and_ids(tmp_path: Path, fake) -> None:
    root = fake.librispeech(tmp_path, missing=["121-121726-0001"])
    with pytest.raises(DatasetError, match=r"1 of 4 items have no audio.*121-121726-0001"):
        load_dataset("librispeech", root, {})


def test_missing_audio_skipped_when_asked(tmp_path: Path, fake) -> None:
    root = fake.librispeech(tmp_path, missing=["121-121726-0001", "1089-134686-0000"])
    index = load_dataset("librispeech", root, {}, skip_missing_audio=True)
    assert [item.item_id for item in index.items] == ["1089-134686-0001", "121-121726-0000"]
    assert index.missing_audio == ("1089-134686-0000", "121-121726-0001")


def test_no_audio_check_keeps_every_item(tmp_path: Path, fake) -> None:
    root = fake.librispeech(tmp_path, missing=["121-121726-0001"])
    assert len(load_dataset("librispeech", root, {}, check_audio=False).items) == 4


def test_bad_transcript_line_names_file_and_line(tmp_path: Path, fake) -> None:
    root = fake.librispeech(tmp_path)
    trans = root / "LibriSpeech" / "test-clean" / "121" / "121726" / "121-121726.trans.txt"
    trans.write_text(trans.read_text() + "not-an-id SOMETHING\n")
    with pytest.raises(DatasetError, match=r"121-121726\.trans\.txt:3: expected"):
        load_dataset("librispeech", root, {})


def test_utterance_of_another_chapter_is_refused(tmp_path: Path, fake) -> None:
    root = fake.librispeech(tmp_path)
    trans = root / "LibriSpeech" / "test-clean" / "121" / "121726" / "121-121726.trans.txt"
    trans.write_text("121-999999-0000 WRONG CHAPTER\n")
    with pytest.raises(DatasetError, match=r"121-121726\.trans\.txt:1: utterance 121-999999-0000"):
        load_dataset("librispeech", root, {})


def test_unknown_sex_names_speakers_file_and_line(tmp_path: Path, fake) -> None:
    root = fake.librispeech(tmp_path, speakers=fake.SPEAKERS_TXT.replace("| M |", "| X |"))
    with pytest.raises(DatasetError, match=r"SPEAKERS\.TXT:4: SEX column must be M or F, got 'X'"):
        load_dataset("librispeech", root, {})


def test_speakers_line_missing_columns(tmp_path: Path, fake) -> None:
    root = fake.librispeech(tmp_path, speakers=fake.SPEAKERS_TXT + "999 only-one-column\n")
    with pytest.raises(DatasetError, match=r"SPEAKERS\.TXT:6: expected 'ID \| SEX"):
        load_dataset("librispeech", root, {})


def test_speaker_absent_from_table(tmp_path: Path, fake) -> None:
    root = fake.librispeech(tmp_path, speakers="; empty table\n")
    with pytest.raises(DatasetError, match=r"SPEAKERS\.TXT: no line for speaker"):
        load_dataset("librispeech", root, {})


def test_missing_speakers_file_is_named(tmp_path: Path, fake) -> None:
    root = fake.librispeech(tmp_path)
    (root / "LibriSpeech" / "SPEAKERS.TXT").unlink()
    with pytest.raises(DatasetError, match=r"index file not found: .*SPEAKERS\.TXT"):
        load_dataset("librispeech", root, {})


def test_missing_split_folder_describes_layout(tmp_path: Path, fake) -> None:
    root = fake.librispeech(tmp_path)
    with pytest.raises(DatasetError, match=r"folder not found: .*test-other"):
        load_dataset("librispeech", root, {"split": "test-other"})


def test_path_and_extension_options(tmp_path: Path, fake) -> None:
    root = fake.librispeech(tmp_path / "inner")
    for flac in (root / "LibriSpeech").rglob("*.flac"):
        flac.rename(flac.with_suffix(".wav"))
    index = load_dataset("librispeech", tmp_path, {"path": "inner/LibriSpeech", "audio_ext": "wav"})
    assert index.items[0].audio == "inner/LibriSpeech/test-clean/1089/134686/1089-134686-0000.wav"


def test_unknown_option_and_escaping_path_are_refused(tmp_path: Path, fake) -> None:
    root = fake.librispeech(tmp_path)
    with pytest.raises(DatasetError, match=r"unknown option\(s\) 'splt'"):
        load_dataset("librispeech", root, {"splt": "test-clean"})
    with pytest.raises(DatasetError, match=r"option 'path' must be a path relative"):
        load_dataset("librispeech", root, {"path": "../elsewhere"})
