"""Readers of official-format result files (model outputs laid out as the official release expects).

D and F files are JSON lists of items {path, text, task, variation_responses}; the N file is
{annotation: [item]} (or a bare list) whose items carry the composite records under
instructions.variations. Each official script walks `variation_responses` its own way, so the reader
takes the task and reproduces that script's walk (which values count as responses, which are
skipped, which are turned into strings). Structural problems raise ScoringError naming the file, the
item and the key.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from isac.compiler.errors import ScoringError
from isac.runtime.isa_v1.rules.n import record_subtasks
from isac.runtime.isa_v1.vocabulary import N_DEFAULT_SEPARATOR

# F variations whose list elements carry a parameter: the element key, and the value when absent.
F_PARAM_KEYS: dict[str, tuple[str, str | None]] = {
    "prefix": ("prefix", ""),
    "suffix": ("suffix", ""),
    "wrap": ("lrt", ""),
    "json": ("key", None),
}
N_STAGES = ("single-stage", "multi-stage")  # the only stages the N script reads, in this order


@dataclass(frozen=True)
class Response:
    """One response to judge: its output group (variation name) and its format parameter, if any."""

    group: str
    text: str
    param: str | None = None


@dataclass(frozen=True)
class ResultItem:
    """One benchmark item of a D or F result file, with its responses in the official walk order."""

    index: int
    text: str
    task: str
    responses: tuple[Response, ...]
    keys: tuple[str, ...] = ()  # the top-level variation keys as given, including ones without responses


@dataclass(frozen=True)
class NRecord:
    """One composite response: stage, branch (separation/json), subtasks and the format parameter."""

    stage: str
    branch: str
    subtasks: tuple[str, ...]
    param: str | None
    response: str


@dataclass(frozen=True)
class NItem:
    """One N item: its references and every composite record."""

    index: int
    text: str
    emotion: str
    gender: str
    records: tuple[NRecord, ...]


class _Where:
    """A location inside a result file, for error messages."""

    def __init__(self, path: Path, spot: str) -> None:
        self.path, self.spot = path, spot

    def at(self, more: str) -> _Where:
        return _Where(self.path, f"{self.spot}{more}")

    def error(self, expected: str, found: Any) -> ScoringError:
        return ScoringError(f"{self.path}: {self.spot}: expected {expected}, got {type(found).__name__}")


def load_json(path: Path) -> Any:
    """Parse a JSON file, naming it in the error when it cannot be read or parsed."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ScoringError(f"{path}: cannot read result file ({error.strerror})") from error
    except ValueError as error:
        raise ScoringError(f"{path}: not valid JSON ({error})") from error


def _text_field(where: _Where, obj: Mapping[str, Any], key: str) -> str:
    value = obj.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise where.at(f": key {key!r}").error("a string", value)
    return value


def _response_field(where: _Where, element: Mapping[str, Any]) -> str:
    value = element.get("response", "")
    if not isinstance(value, str):
        raise where.at(".response").error("a string", value)
    return value


def _param(where: _Where, group: str, meta: Mapping[str, Any]) -> str | None:
    if group not in F_PARAM_KEYS:
        return None
    key, default = F_PARAM_KEYS[group]
    value = meta.get(key, default)
    if value is not None and not isinstance(value, str):
        raise where.at(f".{key}").error("a string", value)
    return value


# ------------------------------------------------------------------------------- per-script walks


def _strings_only(group: str, value: Any) -> Iterator[Response]:
    """D ASR and D SER/GR: a string, a list's strings, a dict's string values (others skipped)."""
    if isinstance(value, str):
        yield Response(group, value)
    elif isinstance(value, list):
        yield from (Response(group, text) for text in value if isinstance(text, str))
    elif isinstance(value, dict):
        yield from (Response(group, text) for text in value.values() if isinstance(text, str))


def _stringified(value: Any) -> Iterator[str]:
    """D S2TT/AAC values: lists' elements and scalars are turned into strings, dicts descended."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        yield from (str(element) for element in value)
    elif isinstance(value, dict):
        for inner in value.values():
            yield from _stringified(inner)
    else:
        yield str(value)


def _nested(group: str, value: Any) -> Iterator[Response]:
    """D S2TT/AAC: a dict's entries are grouped under their inner names."""
    if isinstance(value, dict):
        for inner_group, inner in value.items():
            yield from (Response(str(inner_group), text) for text in _stringified(inner))
    else:
        yield from (Response(group, text) for text in _stringified(value))


def _f_asr(where: _Where, group: str, value: Any) -> Iterator[Response]:
    """F ASR: parameterised variations read only lists of objects; the others only strings."""
    if group in F_PARAM_KEYS:
        if isinstance(value, list):
            for position, element in enumerate(value):
                if isinstance(element, dict):
                    spot = where.at(f"[{position}]")
                    yield Response(group, _response_field(spot, element), _param(spot, group, element))
    elif isinstance(value, str):
        yield Response(group, value)


def _f_general(where: _Where, group: str, value: Any, *, objects_in_dicts: bool) -> Iterator[Response]:
    """F S2TT/SER/GR (and AAC with `objects_in_dicts`): strings, list elements, dict values."""
    if isinstance(value, str):
        yield Response(group, value, _param(where, group, {}))
    elif isinstance(value, list):
        for position, element in enumerate(value):
            spot = where.at(f"[{position}]")
            if isinstance(element, dict):
                yield Response(group, _response_field(spot, element), _param(spot, group, element))
            elif isinstance(element, str):
                yield Response(group, element, _param(spot, group, {}))
    elif isinstance(value, dict):
        for inner_key, inner in value.items():
            spot = where.at(f".{inner_key}")
            if isinstance(inner, str):
                yield Response(group, inner, _param(spot, group, {}))
            elif objects_in_dicts and isinstance(inner, dict):
                yield Response(group, _response_field(spot, inner), _param(spot, group, inner))


def _walk(dimension: str, task: str, where: _Where, group: str, value: Any) -> Iterator[Response]:
    if dimension == "d":
        return _nested(group, value) if task in ("s2tt", "aac") else _strings_only(group, value)
    if task == "asr":
        return _f_asr(where, group, value)
    return _f_general(where, group, value, objects_in_dicts=task == "aac")


# ------------------------------------------------------------------------------------ D / F files


def read_results(path: Path, dimension: str, task: str) -> list[ResultItem]:
    """Items of a D or F result file of one task, walked the way that task's official script walks."""
    data = load_json(path)
    if not isinstance(data, list):
        raise ScoringError(f"{path}: expected a JSON list of result items, got {type(data).__name__}")
    items = []
    for index, raw in enumerate(data):
        where = _Where(path, f"item {index}")
        if not isinstance(raw, dict):
            raise where.error("an object", raw)
        responses = raw.get("variation_responses") or {}
        if not isinstance(responses, dict):
            raise where.at(": key 'variation_responses'").error("an object", responses)
        walked = tuple(
            response
            for group, value in responses.items()
            for response in _walk(dimension, task, where.at(f": variation_responses.{group}"), group, value)
        )
        items.append(
            ResultItem(
                index=index,
                text=_text_field(where, raw, "text"),
                task=_text_field(where, raw, "task"),
                responses=walked,
                keys=tuple(str(key) for key in responses),
            )
        )
    return items


# ------------------------------------------------------------------------------------------ N file


def _n_records(where: _Where, stages: Mapping[str, Any]) -> Iterator[NRecord]:
    for stage in N_STAGES:
        branches = stages.get(stage) or {}
        if not isinstance(branches, dict):
            raise where.at(f".{stage}").error("an object", branches)
        for branch in ("separation", "json"):
            blocks = branches.get(branch) or []
            if not isinstance(blocks, list):
                raise where.at(f".{stage}.{branch}").error("a list of lists of records", blocks)
            param_key = "separator" if branch == "separation" else "key"
            default = N_DEFAULT_SEPARATOR if branch == "separation" else ""
            for b, block in enumerate(blocks):
                if not isinstance(block, list):
                    continue  # the official script skips such blocks
                for r, record in enumerate(block):
                    if not isinstance(record, dict):
                        continue
                    spot = where.at(f".{stage}.{branch}[{b}][{r}]")
                    param = record.get(param_key, default)
                    if not isinstance(param, str) or (branch == "separation" and not param):
                        raise spot.at(f".{param_key}").error("a non-empty string", param)
                    task = record.get("task", "")
                    if not isinstance(task, str):
                        raise spot.at(".task").error("a string", task)
                    yield NRecord(stage, branch, record_subtasks(task), param, _response_field(spot, record))


def read_n_results(path: Path) -> list[NItem]:
    """Items of an N result file ({annotation: [...]} or a bare list)."""
    data = load_json(path)
    if isinstance(data, dict) and "annotation" in data:
        data = data["annotation"]
    if not isinstance(data, list):
        raise ScoringError(f"{path}: expected {{'annotation': [items]}} or a list of items")
    items = []
    for index, raw in enumerate(data):
        where = _Where(path, f"item {index}")
        if not isinstance(raw, dict):
            raise where.error("an object", raw)
        instructions = raw.get("instructions") or {}
        if not isinstance(instructions, dict):
            raise where.at(": key 'instructions'").error("an object", instructions)
        stages = instructions.get("variations") or {}
        if not isinstance(stages, dict):
            raise where.at(": instructions.variations").error("an object", stages)
        items.append(
            NItem(
                index=index,
                text=_text_field(where, raw, "text").strip(),
                emotion=_text_field(where, raw, "emotion").strip().lower(),
                gender=_text_field(where, raw, "gender").strip().lower(),
                records=tuple(_n_records(where.at(": instructions.variations"), stages)),
            )
        )
    return items
