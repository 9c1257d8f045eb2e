from __future__ import annotations

from pathlib import Path

import pytest

from isac.compiler.datasets import load_dataset
from isac.compiler.errors import DatasetError


def test_clips_with_captions_in_audiocap_id_order(tmp_path: Path, fake) -> None:
    index = load_dataset("audiocaps", fake.audiocaps(tmp_path), {})
    assert [item.item_id for item in index.items] == ["abc123", "mmm555", "zzz999"]
    first = index.items[0]
    assert first.audio == "AudioCaps/audio/test/Yabc123.wav"
    assert first.references == {
        "AAC": ("A dog barks", "Barking and talking", "A dog barks, then a man speaks"),
    }
    assert index.items[1].references["AAC"] == ('Wind, then "thunder"',)


def test_missing_clips_are_skipped_like_the_paper(tmp_path: Path, fake) -> None:
    root = fake.audiocaps(tmp_path, missing=["zzz999"])
    with pytest.raises(
        DatasetError, match=r"1 of 3 items have no audio.*zzz999 \(AudioCaps/audio/test/Yzzz999\.wav\)"
    ):
        load_dataset("audiocaps", root, {})
    index = load_dataset("audiocaps", root, {}, skip_missing_audio=True)
    assert index.missing_audio == ("zzz999",)
    assert [item.item_id for item in index.items] == ["abc123", "mmm555"]
    # the spec can ask for the same through the dataset's options
    assert load_dataset("audiocaps", root, {"skip_missing_audio": True}) == index
    with pytest.raises(DatasetError, match="option 'skip_missing_audio' must be true or false"):
        load_dataset("audiocaps", root, {"skip_missing_audio": "yes"})


def test_audio_name_template(tmp_path: Path, fake) -> None:
    root = fake.audiocaps(tmp_path)
    index = load_dataset(
        "audiocaps", root, {"audio_name": "{youtube_id}_{start_time}.flac"}, check_audio=False
    )
    assert index.items[0].audio == "AudioCaps/audio/test/abc123_30.flac"
    with pytest.raises(DatasetError, match="option 'audio_name' may only use"):
        load_dataset("audiocaps", root, {"audio_name": "{caption}.wav"})


def test_missing_column_and_bad_id_name_file_and_line(tmp_path: Path, fake) -> None:
    root = fake.audiocaps(tmp_path)
    table = root / "AudioCaps" / "test.csv"
    original = table.read_text()
    table.write_text(original.replace("start_time,", "", 1))
    with pytest.raises(DatasetError, match=r"test\.csv:1: header lacks column\(s\) start_time"):
        load_dataset("audiocaps", root, {})
    table.write_text(original + "x9,abc123,30,Another caption\n")
    with pytest.raises(DatasetError, match=r"test\.csv:7: column 'audiocap_id' must be an integer"):
        load_dataset("audiocaps", root, {})
    table.write_text(original + "300,abc123\n")
    with pytest.raises(DatasetError, match=r"test\.csv:7: expected 4 comma-separated fields, got 2"):
        load_dataset("audiocaps", root, {})


def test_inconsistent_start_time(tmp_path: Path, fake) -> None:
    root = fake.audiocaps(tmp_path)
    table = root / "AudioCaps" / "test.csv"
    table.write_text(table.read_text() + "400,abc123,45,Other start\n")
    with pytest.raises(DatasetError, match="clip abc123 has start_time values"):
        load_dataset("audiocaps", root, {})
