from __future__ import annotations

from pathlib import Path

import pytest

from isac.compiler.datasets import load_dataset
from isac.compiler.errors import DatasetError

TABLE = Path("CoVoST2") / "covost_v2.en_zh-CN.tsv"


def test_keeps_test_rows_with_quotes_taken_literally(tmp_path: Path, fake) -> None:
    index = load_dataset("covost2", fake.covost2(tmp_path), {})
    assert [item.item_id for item in index.items] == [
        "common_voice_en_1",
        "common_voice_en_3",
        "common_voice_en_5",
    ]
    by_id = {item.item_id: item for item in index.items}
    # an unbalanced quote inside a field stays part of the text (no CSV quoting)
    assert by_id["common_voice_en_3"].references == {"S2TT": ("他说嗨",), "ASR": ('He said "hi',)}
    assert by_id["common_voice_en_5"].references["ASR"] == ('It\'s "quoted" text',)
    assert by_id["common_voice_en_1"].audio == "CoVoST2/clips/common_voice_en_1.mp3"


def test_extension_mapping_for_converted_clips(tmp_path: Path, fake) -> None:
    root = fake.covost2(tmp_path, extension=".wav")
    with pytest.raises(DatasetError, match="3 of 3 items have no audio"):
        load_dataset("covost2", root, {})
    index = load_dataset("covost2", root, {"audio_ext": "wav"})
    assert index.items[0].audio == "CoVoST2/clips/common_voice_en_1.wav"


def test_other_split_and_missing_audio_skip(tmp_path: Path, fake) -> None:
    root = fake.covost2(tmp_path, missing=["common_voice_en_1"])
    dev = load_dataset("covost2", root, {"split": "dev"})
    assert [item.item_id for item in dev.items] == ["common_voice_en_4"]
    test = load_dataset("covost2", root, {}, skip_missing_audio=True)
    assert test.missing_audio == ("common_voice_en_1",)
    assert len(test.items) == 2


def test_missing_column_names_file_and_column(tmp_path: Path, fake) -> None:
    root = fake.covost2(tmp_path)
    table = root / TABLE
    table.write_text(
        table.read_text(encoding="utf-8").replace("translation\t", "target\t", 1), encoding="utf-8"
    )
    with pytest.raises(
        DatasetError, match=r"covost_v2\.en_zh-CN\.tsv:1: header lacks column\(s\) translation"
    ):
        load_dataset("covost2", root, {})


def test_wrong_field_count_names_line(tmp_path: Path, fake) -> None:
    root = fake.covost2(tmp_path)
    table = root / TABLE
    table.write_text(table.read_text(encoding="utf-8") + "x.mp3\tonly two\n", encoding="utf-8")
    with pytest.raises(DatasetError, match=r"\.tsv:7: expected 5 tab-separated fields, got 2"):
        load_dataset("covost2", root, {})


def test_missing_table_is_named(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match=r"index file not found: .*covost_v2\.en_zh-CN\.tsv"):
        load_dataset("covost2", tmp_path, {})
