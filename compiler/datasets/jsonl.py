"""Custom data as a JSON Lines file: one object per line naming an item, its audio and its references.

    {"id": "clip-001", "audio": "my-data/clip-001.wav", "references": {"ASR": "hello world", "GR": "Male"}}

Keys (no others allowed, so a typo is caught):
    id          non-empty string, unique in the file
    audio       path of the audio file relative to the data root (POSIX, no "..")
    references  object mapping a task name (any task the spec declares: ASR, SER, a task of your own...)
                to a string or a non-empty list of strings. For a task with a label set, compile
                lowercases the label ("Male" -> "male") and refuses one outside the set.
Blank lines are skipped.

Options:
    file   the JSONL file, relative to the data root (required)
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from isac.compiler.datasets.base import DatasetItem
from isac.compiler.datasets.common import check_options, iter_lines, read_text, relative_option
from isac.compiler.errors import DatasetError
from isac.compiler.unicode_text import find_bad_text

TASK_NAME = re.compile(r"^[A-Z][A-Z0-9]*$")  # as the spec's task names

NAME = "jsonl"
OPTIONS: dict[str, str] = {"file": "the JSONL file relative to the data root (required)"}
KEYS: tuple[str, ...] = ("id", "audio", "references")


class JsonlAdapter:
    """Indexes a JSON Lines file of custom items."""

    name = NAME

    def index(self, root: Path, options: Mapping[str, Any]) -> tuple[list[DatasetItem], list[Path]]:
        """Every item of the file, and the file itself."""
        check_options(NAME, options, OPTIONS)
        if "file" not in options:
            raise DatasetError(f"dataset adapter {NAME!r}: option 'file' (the JSONL file) is required")
        file = root / relative_option(NAME, options, "file", "")
        return parse_jsonl(read_text(file), file), [file]


def parse_jsonl(text: str, file: Path) -> list[DatasetItem]:
    """Validate and convert every non-blank line; errors name the line number and the key."""
    items: list[DatasetItem] = []
    first_line: dict[str, int] = {}
    for line in iter_lines(text):
        if not line.text.strip():
            continue
        where = f"{file}:{line.number}"
        item = parse_record(line.text, where)
        if item.item_id in first_line:
            raise DatasetError(
                f"{where}: key 'id': {item.item_id!r} already used on line {first_line[item.item_id]}"
            )
        first_line[item.item_id] = line.number
        items.append(item)
    return items


def parse_record(text: str, where: str) -> DatasetItem:
    """One line as an item; `where` ("file:line") prefixes every error."""
    try:
        record = json.loads(text)
    except json.JSONDecodeError as error:
        raise DatasetError(f"{where}: not valid JSON ({error.msg} at column {error.colno})") from None
    if not isinstance(record, dict):
        raise DatasetError(f"{where}: expected a JSON object with keys {', '.join(KEYS)}")
    bad = find_bad_text(record)
    if bad is not None:
        raise DatasetError(
            f"{where}: key {bad[0] or '(a key name)'!r} holds a lone UTF-16 surrogate at character {bad[1]} "
            "(half of a character, e.g. a \\ud83d escape); expected valid Unicode text"
        )
    unknown = sorted(set(record) - set(KEYS))
    if unknown:
        raise DatasetError(
            f"{where}: unknown key(s) {', '.join(map(repr, unknown))}; expected {', '.join(KEYS)}"
        )
    for key in KEYS:
        if key not in record:
            raise DatasetError(f"{where}: missing key {key!r}")
    item_id = record["id"]
    if not isinstance(item_id, str) or not item_id.strip():
        raise DatasetError(f"{where}: key 'id' must be a non-empty string, got {item_id!r}")
    return DatasetItem(item_id, _audio(record["audio"], where), _references(record["references"], where))


def _audio(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise DatasetError(f"{where}: key 'audio' must be a non-empty path string, got {value!r}")
    path = PurePosixPath(value)
    if path.is_absolute() or ".." in path.parts or "\\" in value:
        raise DatasetError(
            f"{where}: key 'audio' must be a POSIX path relative to the data root without '..', got {value!r}"
        )
    return path.as_posix()


def _references(value: Any, where: str) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict) or not value:
        raise DatasetError(f"{where}: key 'references' must be a non-empty object {{task: text or [texts]}}")
    references: dict[str, tuple[str, ...]] = {}
    for task, texts in value.items():
        key = f"references.{task}"
        if not isinstance(task, str) or not TASK_NAME.match(task):
            raise DatasetError(
                f"{where}: key {key!r}: not a task name; expected upper-case letters and digits (e.g. ASR)"
            )
        values = [texts] if isinstance(texts, str) else texts
        if (
            not isinstance(values, list)
            or not values
            or not all(isinstance(v, str) and v.strip() for v in values)
        ):
            raise DatasetError(f"{where}: key {key!r} must be a non-empty string or a non-empty list of them")
        references[task] = tuple(values)
    return references


ADAPTER = JsonlAdapter  # registered as the dataset adapter "jsonl" (the module name)
