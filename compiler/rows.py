"""The manifest row: the contract between the compiler, the runtime and the scorer.

A row holds everything needed to run and to score one (item, variant) pair, with no lookup back into
the spec. Rows are written as canonical JSON (sorted keys, UTF-8, no insignificant whitespace) and a
row's `id` is the content hash of every other field, so any edit to a row changes or breaks its id.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Dimension = Literal["D", "F", "N"]


ROW_ID_LENGTH = 16  # hex characters of sha256: 64 bits, collision-free at benchmark scale


class CheckerSpec(BaseModel):
    """A compiled format checker: a registered kind plus the parameters it needs.

    Kinds and their parameters (see docs/contracts.md): prefix {text, case_sensitive},
    suffix {text, case_sensitive}, wrap {left, right}, json_key {key}, upper_case {}, lower_case {},
    label {labels}, text {forbidden, script?, script_share?}, separator {separator, subtasks, labels},
    json_keys {keys, subtasks, labels}.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: str
    params: dict[str, Any] = Field(default_factory=dict)


class ManifestRow(BaseModel):
    """One executable, scorable test case."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    dimension: Dimension
    variation_class: str  # a radar axis of the spec, e.g. D1, F3, N2
    variant: str  # e.g. "default", "upper_case", "syntax_error", "prefix", "separator"
    task: str  # "ASR" for single-task rows; "ASR+SER+GR" for composite rows
    subtasks: tuple[str, ...]  # (task,) for single-task rows; the ordered subtasks for N rows
    dataset: str
    item_id: str
    audio: str  # POSIX path relative to the data root
    instruction: str  # the exact rendered text sent to the model
    references: dict[str, tuple[str, ...]]  # per subtask: transcripts, translations, captions or one label
    checker: CheckerSpec
    meta: dict[str, str] = Field(default_factory=dict)  # provenance: which fragments built the instruction

    def to_json(self) -> str:
        """Canonical JSON line (no trailing newline)."""
        return canonical_json(self.model_dump(mode="json"))


def canonical_json(value: Any) -> str:
    """Serialise with sorted keys, UTF-8 text and no insignificant whitespace."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def row_id(fields: dict[str, Any]) -> str:
    """Content hash of a row's fields other than `id`."""
    payload = canonical_json({key: value for key, value in fields.items() if key != "id"})
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:ROW_ID_LENGTH]


def make_row(**fields: Any) -> ManifestRow:
    """Build a row and stamp it with its content hash."""
    row = ManifestRow(id="", **fields)
    dumped = row.model_dump(mode="json")
    return row.model_copy(update={"id": row_id(dumped)})
