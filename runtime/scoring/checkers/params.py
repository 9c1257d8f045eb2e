"""Validation of raw checker params as they appear in manifest rows.

Every failure raises ScoringError naming the checker kind and the offending param, because a bad param
set means the manifest (or the spec that compiled it) is wrong and must be fixed there.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from isac.compiler.errors import ScoringError


class ParamReader:
    """Reads the params of one kind, rejecting unknown names and ill-typed values."""

    def __init__(self, kind: str, raw: Mapping[str, Any], allowed: Sequence[str]) -> None:
        if not isinstance(raw, Mapping):
            raise ScoringError(f"checker {kind!r}: params must be an object, got {type(raw).__name__}")
        unknown = sorted(str(name) for name in raw if name not in allowed)
        if unknown:
            raise ScoringError(
                f"checker {kind!r}: unknown param(s) {unknown}; expected only {sorted(allowed)}"
            )
        self.kind = kind
        self.raw = raw

    def fail(self, name: str, expected: str) -> ScoringError:
        """An error naming the kind, the param, what was expected and what was found."""
        found = self.raw.get(name, "<missing>")
        return ScoringError(f"checker {self.kind!r}: param {name!r} must be {expected}; got {found!r}")

    def text(self, name: str) -> str:
        """A required string with at least one non-whitespace character."""
        value = self.raw.get(name)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(name, "a non-empty string")
        return value

    def flag(self, name: str, default: bool) -> bool:
        """An optional boolean."""
        value = self.raw.get(name, default)
        if not isinstance(value, bool):
            raise self.fail(name, "true or false")
        return value

    def text_list(self, name: str, *, required: bool, allow_empty: bool) -> tuple[str, ...]:
        """A list of non-empty strings; missing means empty when not required."""
        if name not in self.raw and not required:
            return ()
        return self._strings(name, self.raw.get(name), allow_empty=allow_empty)

    def label_map(self, name: str, subtasks: Sequence[str]) -> dict[str, tuple[str, ...]]:
        """An optional {subtask: [label, ...]} map whose subtasks are among `subtasks`."""
        value = self.raw.get(name, {})
        if not isinstance(value, Mapping):
            raise self.fail(name, "an object mapping subtasks to label lists")
        result: dict[str, tuple[str, ...]] = {}
        for subtask, labels in value.items():
            if subtask not in subtasks:
                raise self.fail(name, f"keyed by subtasks among {list(subtasks)}")
            result[subtask] = self._strings(f"{name}.{subtask}", labels, allow_empty=False)
        return result

    def _strings(self, name: str, value: Any, *, allow_empty: bool) -> tuple[str, ...]:
        expected = "a list of non-empty strings" + ("" if allow_empty else " (at least one)")
        if isinstance(value, str) or not isinstance(value, Sequence):
            raise ScoringError(f"checker {self.kind!r}: param {name!r} must be {expected}; got {value!r}")
        items = tuple(value)
        if not all(isinstance(item, str) and item.strip() for item in items) or (
            not items and not allow_empty
        ):
            raise ScoringError(f"checker {self.kind!r}: param {name!r} must be {expected}; got {value!r}")
        return items


def distinct(reader: ParamReader, name: str, items: Sequence[str]) -> None:
    """Reject a list param that names the same item twice."""
    if len(set(items)) != len(items):
        raise reader.fail(name, "a list without duplicates")
