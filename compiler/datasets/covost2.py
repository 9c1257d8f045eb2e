"""CoVoST 2 English -> Chinese (S2TT) over Common Voice English clips.

Layout under the data root (defaults):

    CoVoST2/covost_v2.en_zh-CN.tsv   tab-separated, header row; columns path, sentence, translation,
                                     client_id, split (other columns are ignored)
    CoVoST2/clips/<path>             the Common Voice clip named in the `path` column (common_voice_en_1.mp3)

Only rows whose `split` is `test` are kept (15531 in the official release). Fields are plain text
split on tabs: quotes inside a sentence are part of it (no CSV quoting), as in the released file.

Item id: the clip's file name without extension (`common_voice_en_123`). References:
{"S2TT": (translation,), "ASR": (sentence,)}.

Options:
    path       folder under the data root (default "CoVoST2")
    tsv        the table inside `path` (default "covost_v2.en_zh-CN.tsv")
    clips      clip folder inside `path` (default "clips")
    split      value of the split column to keep (default "test")
    audio_ext  replace each clip's extension, e.g. "wav" when the mp3 clips were converted (default: keep)
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from isac.compiler.datasets.base import DatasetItem
from isac.compiler.datasets.common import (
    check_options,
    extension_option,
    iter_lines,
    posix_relative,
    read_text,
    relative_option,
    replace_extension,
    str_option,
)
from isac.compiler.errors import DatasetError

NAME = "covost2"
OPTIONS: dict[str, str] = {
    "path": "folder under the data root, default 'CoVoST2'",
    "tsv": "table inside path, default 'covost_v2.en_zh-CN.tsv'",
    "clips": "clip folder inside path, default 'clips'",
    "split": "split column value to keep, default 'test'",
    "audio_ext": "replacement clip extension such as 'wav', default: keep the table's",
}
REQUIRED_COLUMNS: tuple[str, ...] = ("path", "sentence", "translation", "client_id", "split")


class CoVoST2Adapter:
    """Indexes one split of a CoVoST 2 translation table."""

    name = NAME

    def index(self, root: Path, options: Mapping[str, Any]) -> tuple[list[DatasetItem], list[Path]]:
        """Items of the chosen split and the one table file read."""
        check_options(NAME, options, OPTIONS)
        base = root / relative_option(NAME, options, "path", "CoVoST2")
        table = base / relative_option(NAME, options, "tsv", "covost_v2.en_zh-CN.tsv")
        clips = base / relative_option(NAME, options, "clips", "clips")
        split = str_option(NAME, options, "split", "test")
        extension = extension_option(NAME, options, "audio_ext", None)

        items: list[DatasetItem] = []
        for clip, sentence, translation in parse_table(read_text(table), table, split):
            audio = posix_relative(clips / replace_extension(clip, extension), root)
            item_id = PurePosixPath(clip).stem
            items.append(DatasetItem(item_id, audio, {"S2TT": (translation,), "ASR": (sentence,)}))
        return items, [table]


def parse_table(text: str, file: Path, split: str) -> list[tuple[str, str, str]]:
    """(clip path, sentence, translation) of every row of `split`, checking the header and field counts."""
    lines = iter(iter_lines(text))
    header = next(lines, None)
    if header is None:
        raise DatasetError(f"{file}: empty file; expected a header row with {', '.join(REQUIRED_COLUMNS)}")
    columns = header.text.split("\t")
    missing = [column for column in REQUIRED_COLUMNS if column not in columns]
    if missing:
        raise DatasetError(
            f"{file}:1: header lacks column(s) {', '.join(missing)}; expected tab-separated "
            f"{', '.join(REQUIRED_COLUMNS)}"
        )
    position = {column: columns.index(column) for column in REQUIRED_COLUMNS}
    rows: list[tuple[str, str, str]] = []
    for line in lines:
        if not line.text:
            continue
        fields = line.text.split("\t")
        if len(fields) != len(columns):
            raise DatasetError(
                f"{file}:{line.number}: expected {len(columns)} tab-separated fields, got {len(fields)}"
            )
        if fields[position["split"]] != split:
            continue
        clip = fields[position["path"]]
        if not clip or "/" in clip or "\\" in clip or clip.startswith("."):
            raise DatasetError(f"{file}:{line.number}: column 'path' must be a clip file name, got {clip!r}")
        for column in ("sentence", "translation"):
            if not fields[position[column]].strip():
                raise DatasetError(f"{file}:{line.number}: column {column!r} is empty")
        rows.append((clip, fields[position["sentence"]].strip(), fields[position["translation"]].strip()))
    return rows


ADAPTER = CoVoST2Adapter  # registered as the dataset adapter "covost2" (the module name)
