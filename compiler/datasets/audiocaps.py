"""AudioCaps test set (AAC): YouTube clips with five human captions each.

Layout under the data root (defaults):

    AudioCaps/test.csv                      header audiocap_id, youtube_id, start_time, caption
    AudioCaps/audio/test/Y<youtube_id>.wav

Captions of one clip are ordered by `audiocap_id` (numerically). The official test set lists 975 clips;
the paper used the 964 it could download, so `skip_missing_audio` is the usual setting.

Item id: the YouTube id (without the "Y" of the file name). References: {"AAC": (caption, ...)}.

Options:
    path        folder under the data root (default "AudioCaps")
    csv         caption table inside `path` (default "test.csv")
    audio_dir   audio folder inside `path` (default "audio/test")
    audio_name  file name template with {youtube_id} and {start_time} (default "Y{youtube_id}.wav")
"""

from __future__ import annotations

import csv
import io
import string
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from isac.compiler.datasets.base import DatasetItem
from isac.compiler.datasets.common import (
    check_options,
    posix_relative,
    read_text,
    relative_option,
    str_option,
)
from isac.compiler.errors import DatasetError

NAME = "audiocaps"
OPTIONS: dict[str, str] = {
    "path": "folder under the data root, default 'AudioCaps'",
    "csv": "caption table inside path, default 'test.csv'",
    "audio_dir": "audio folder inside path, default 'audio/test'",
    "audio_name": "file name template using {youtube_id} and {start_time}, default 'Y{youtube_id}.wav'",
}
REQUIRED_COLUMNS: tuple[str, ...] = ("audiocap_id", "youtube_id", "start_time", "caption")
TEMPLATE_FIELDS = frozenset({"youtube_id", "start_time"})


@dataclass(frozen=True)
class CaptionRow:
    """One row of the caption table."""

    audiocap_id: int
    youtube_id: str
    start_time: str
    caption: str


class AudioCapsAdapter:
    """Indexes the clips of an AudioCaps caption table."""

    name = NAME

    def index(self, root: Path, options: Mapping[str, Any]) -> tuple[list[DatasetItem], list[Path]]:
        """One item per clip with its captions, and the caption table read."""
        check_options(NAME, options, OPTIONS)
        base = root / relative_option(NAME, options, "path", "AudioCaps")
        table = base / relative_option(NAME, options, "csv", "test.csv")
        audio_dir = base / relative_option(NAME, options, "audio_dir", "audio/test")
        template = _checked_template(str_option(NAME, options, "audio_name", "Y{youtube_id}.wav"))

        clips: dict[str, list[CaptionRow]] = {}
        for row in parse_captions(read_text(table), table):
            clips.setdefault(row.youtube_id, []).append(row)
        items: list[DatasetItem] = []
        for youtube_id, rows in clips.items():
            starts = {row.start_time for row in rows}
            if len(starts) > 1:
                raise DatasetError(
                    f"{table}: clip {youtube_id} has start_time values {sorted(starts)}; expected one"
                )
            name = template.format(youtube_id=youtube_id, start_time=rows[0].start_time)
            captions = tuple(row.caption for row in sorted(rows, key=lambda row: row.audiocap_id))
            items.append(DatasetItem(youtube_id, posix_relative(audio_dir / name, root), {"AAC": captions}))
        return items, [table]


def parse_captions(text: str, file: Path) -> list[CaptionRow]:
    """Rows of the caption table, checking the header, field counts and numeric ids."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        records = [(reader.line_num, fields) for fields in reader]
    except csv.Error as error:
        raise DatasetError(f"{file}:{reader.line_num}: malformed CSV ({error})") from None
    header = records[0][1] if records else None
    if not header:
        raise DatasetError(f"{file}: empty file; expected a header row with {', '.join(REQUIRED_COLUMNS)}")
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise DatasetError(
            f"{file}:1: header lacks column(s) {', '.join(missing)}; expected {', '.join(REQUIRED_COLUMNS)}"
        )
    position = {column: header.index(column) for column in REQUIRED_COLUMNS}
    rows: list[CaptionRow] = []
    for line, fields in records[1:]:
        if not fields:
            continue
        if len(fields) != len(header):
            raise DatasetError(
                f"{file}:{line}: expected {len(header)} comma-separated fields, got {len(fields)}"
            )
        audiocap_id = fields[position["audiocap_id"]].strip()
        if not audiocap_id.isdigit():
            raise DatasetError(f"{file}:{line}: column 'audiocap_id' must be an integer, got {audiocap_id!r}")
        youtube_id = fields[position["youtube_id"]].strip()
        caption = fields[position["caption"]].strip()
        if not youtube_id or not caption or "/" in youtube_id:
            raise DatasetError(f"{file}:{line}: columns 'youtube_id' and 'caption' must be non-empty")
        rows.append(CaptionRow(int(audiocap_id), youtube_id, fields[position["start_time"]].strip(), caption))
    return rows


def _checked_template(template: str) -> str:
    fields = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    if not fields <= TEMPLATE_FIELDS or "/" in template:
        raise DatasetError(
            f"dataset adapter {NAME!r}: option 'audio_name' may only use {{youtube_id}} and {{start_time}} "
            f"in a file name, got {template!r}"
        )
    return template


ADAPTER = AudioCapsAdapter  # registered as the dataset adapter "audiocaps" (the module name)
