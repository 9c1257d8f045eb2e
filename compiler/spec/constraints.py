"""Constraint building blocks for the spec models, each stated once for pydantic and for JSON Schema.

Pydantic turns most constraints into JSON Schema by itself (`min_length` -> minItems, `pattern`, `Literal` ->
enum). What it cannot express is written here once: `UniqueItems` (checked by pydantic and emitted as
`uniqueItems`), and conditional requirements (`if`/`then` clauses, emitted through `json_schema_extra`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler, StringConstraints
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema

NonEmpty = Annotated[str, StringConstraints(min_length=1)]

TASK_NAME = r"^[A-Z][A-Z0-9]*$"
VARIANT_NAME = r"^[a-z][a-z0-9_]*$"
DATASET_NAME = r"^[a-z][a-z0-9_-]*$"
METRIC_NAME = r"^[a-z][a-z0-9_-]*$"
CLASS_NAME = r"^[A-Z][A-Za-z0-9_]*$"
VERSION = r"^[0-9A-Za-z][0-9A-Za-z._-]*$"
LABEL = r"^[a-z]+$"
JSON_KEY = r"^[A-Za-z_][A-Za-z0-9_]*$"


def _require_unique(items: Sequence[Any]) -> Sequence[Any]:
    seen: set[str] = set()
    for item in items:
        text = json.dumps(item, sort_keys=True, ensure_ascii=False)
        if text in seen:
            raise ValueError(f"expected unique items; repeated: {text}")
        seen.add(text)
    return items


@dataclass(frozen=True)
class UniqueItems:
    """Annotation: the sequence holds no item twice (pydantic check + JSON Schema `uniqueItems`)."""

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_after_validator_function(_require_unique, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema["uniqueItems"] = True
        return json_schema


Pool = Annotated[tuple[NonEmpty, ...], UniqueItems()]
"""Distinct non-empty strings (fragments, templates, values); a field adds `Field(min_length=n)`."""


def when(condition: Mapping[str, Any], then: Mapping[str, Any], *, reason: str) -> dict[str, Any]:
    """An `if`/`then` clause: where every key of `condition` holds its value(s), `then` applies.

    `condition` maps a key (or `"outer.inner"`, one level deep) to one value or a tuple of values.
    `reason` becomes the `then` clause's description; error messages quote it ("... when kind is typo").
    """
    properties: dict[str, Any] = {}
    required: list[str] = []
    for key, value in condition.items():
        match = {"enum": list(value)} if isinstance(value, tuple) else {"const": value}
        outer, _, inner = key.partition(".")
        if inner:
            match = {"properties": {inner: match}, "required": [inner]}
        properties[outer] = match
        required.append(outer)
    return {
        "if": {"properties": properties, "required": required},
        "then": {**then, "description": reason},
    }


# the schema of a key that must be absent; not `false`, whose errors jsonschema reports without the key
FORBIDDEN: dict[str, Any] = {"not": {}}


@dataclass(frozen=True)
class KindKeys:
    """The keys one `kind` of variant must and may hold, beyond those every kind holds."""

    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()


def kind_rules(rules: Mapping[str, KindKeys], *, all_keys: Iterable[str]) -> list[dict[str, Any]]:
    """One `if kind == K` clause per kind: its required keys, and `FORBIDDEN` for keys other kinds use."""
    kind_specific = {key for keys in rules.values() for key in (*keys.required, *keys.optional)}
    unknown = kind_specific - set(all_keys)
    if unknown:  # a rule naming a key the model lacks is a programming error, caught at import
        raise ValueError(f"kind rules name keys the model does not have: {sorted(unknown)}")
    clauses = []
    for kind, keys in rules.items():
        allowed = {*keys.required, *keys.optional}
        then: dict[str, Any] = {}
        if keys.required:
            then["required"] = list(keys.required)
        forbidden = sorted(kind_specific - allowed)
        if forbidden:
            then["properties"] = {key: FORBIDDEN for key in forbidden}
        clauses.append(when({"kind": kind}, then, reason=f"when kind is {kind}"))
    return clauses
