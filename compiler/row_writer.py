"""Serialising compiled rows: canonical JSON lines assembled from pre-encoded parts, stamped with their id.

`rows.ManifestRow` is the contract; building one pydantic model per row and dumping it twice (for the
id, then for the file) dominated compile time, so the compiler writes the same bytes directly. The tests
check that every line equals `ManifestRow.to_json()` of the parsed row and that ids equal `make_row`'s.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from json.encoder import encode_basestring  # type: ignore[attr-defined]

from isac.compiler.datasets.base import DatasetItem
from isac.compiler.rows import ROW_ID_LENGTH, ManifestRow, canonical_json


@dataclass(frozen=True, slots=True)
class CompiledRow:
    """A manifest row as the compiler emits it: its canonical JSON line, serialised once.

    Building a pydantic `ManifestRow` and dumping it twice (once for the id, once for the file) per row
    dominated compile time; this holds the same bytes `ManifestRow.to_json()` would produce (the tests
    check that), and `to_row()` gives the validated model when one is needed.
    """

    line: str

    def to_json(self) -> str:
        """The canonical JSON line (no newline)."""
        return self.line

    def to_row(self) -> ManifestRow:
        """The validated `ManifestRow`."""
        return ManifestRow.model_validate_json(self.line)


# The same output as `rows.canonical_json`, with the encoder built once instead of per call.
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
canonical = _CANONICAL.encode
# A JSON string literal exactly as json.dumps(..., ensure_ascii=False) writes it.
_json_string = encode_basestring


@lru_cache(maxsize=256)
def _json_label(value: str) -> str:
    """Encoded form of the few distinct dimension / class / variant names."""
    return encode_basestring(value)


@dataclass(frozen=True, slots=True)
class RowCommon:
    """The fields every row of one (item, task or subtask order) shares, already canonical JSON."""

    audio: str
    dataset: str
    item_id: str
    references: str
    subtasks: str
    task: str

    @classmethod
    def of(cls, item: DatasetItem, dataset: str, order: Sequence[str]) -> RowCommon:
        """Encode the shared fields of `item`'s rows for the subtasks `order`."""
        return cls(
            audio=_json_string(item.audio),
            dataset=_json_string(dataset),
            item_id=_json_string(item.item_id),
            references=canonical_json({name: list(item.references[name]) for name in order}),
            subtasks=canonical_json(list(order)),
            task=_json_string("+".join(order)),
        )


def serialize_row(
    common: RowCommon,
    *,
    dimension: str,
    variation_class: str,
    variant: str,
    instruction: str,
    checker: str,
    meta: Mapping[str, str],
) -> CompiledRow:
    """Assemble a row's canonical JSON line and stamp it with its content hash.

    Fields are written in sorted key order, exactly as `canonical_json` would write them, but the parts
    shared by an item's rows are encoded once (`RowCommon`); `checker` is already canonical JSON. The
    id is the hash of the line without it, as in `rows.row_id`.
    """
    head = (
        f'{{"audio":{common.audio},"checker":{checker},"dataset":{common.dataset},'
        f'"dimension":{_json_label(dimension)}'
    )
    tail = (
        f',"instruction":{_json_string(instruction)},"item_id":{common.item_id},'
        f'"meta":{canonical(meta)},"references":{common.references},"subtasks":{common.subtasks},'
        f'"task":{common.task},"variant":{_json_label(variant)},'
        f'"variation_class":{_json_label(variation_class)}}}'
    )
    identifier = hashlib.sha256((head + tail).encode("utf-8")).hexdigest()[:ROW_ID_LENGTH]
    return CompiledRow(f'{head},"id":"{identifier}"{tail}')
