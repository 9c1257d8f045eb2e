"""JSON Schema validation of spec files, reporting every error with its file and key path."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, ValidationError
from referencing import Registry, Resource

from isac.compiler.errors import SpecError

SCHEMA_FILES: tuple[str, ...] = (
    "benchmark.schema.json",
    "task.schema.json",
    "d.schema.json",
    "f.schema.json",
    "n.schema.json",
)


def key_path(parts: Iterable[str | int]) -> str:
    """`["rewrites", "simple", 3]` -> `rewrites.simple[3]`; the empty path is `(top level)`."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def _short(value: Any, limit: int = 70) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def describe(error: ValidationError) -> str:
    """A readable message for one schema error (jsonschema's own repeats whole lists)."""
    validator, expected, instance = error.validator, error.validator_value, error.instance
    if validator == "minItems":
        return f"expected at least {expected} items, found {len(instance)}"
    if validator == "maxItems":
        return f"expected at most {expected} items, found {len(instance)}"
    if validator == "minLength" and expected == 1:
        return "expected a non-empty string"
    if validator == "uniqueItems":
        seen: set[str] = set()
        repeated = [item for item in map(_short, instance) if item in seen or seen.add(item)]
        return f"expected unique items; repeated: {', '.join(repeated[:3])}"
    if validator == "type":
        return f"expected {expected}, found {_short(instance)}"
    if validator == "enum":
        return f"expected one of {', '.join(map(str, expected))}; found {_short(instance)}"
    if validator == "pattern":
        return f"{_short(instance)} does not match the pattern {expected}"
    if validator == "not":
        return "holds a key that is not allowed for this kind"
    return error.message


class SchemaSet:
    """The spec's schemas, loaded from `<spec dir>/schema/` and cross-referenced by their $id."""

    def __init__(self, schema_dir: Path) -> None:
        self._validators: dict[str, Draft202012Validator] = {}
        schemas: dict[str, dict[str, Any]] = {}
        for name in SCHEMA_FILES:
            path = schema_dir / name
            try:
                schemas[name] = json.loads(path.read_text(encoding="utf-8"))
            except FileNotFoundError:
                raise SpecError(
                    f"{path}: schema file not found (a spec directory carries its JSON Schemas in schema/)"
                ) from None
            except json.JSONDecodeError as error:
                raise SpecError(f"{path}:{error.lineno}: invalid JSON: {error.msg}") from None
        registry: Registry = Registry().with_resources(
            (schema["$id"], Resource.from_contents(schema)) for schema in schemas.values()
        )
        for name, schema in schemas.items():
            Draft202012Validator.check_schema(schema)
            self._validators[name] = Draft202012Validator(schema, registry=registry)

    def errors(self, schema_name: str, document: Any, *, file: str) -> list[str]:
        """Every violation of `schema_name` in `document`, as `file: key.path: message`."""
        validator = self._validators[schema_name]
        found = sorted(validator.iter_errors(document), key=lambda error: list(map(str, error.absolute_path)))
        return [f"{file}: {key_path(error.absolute_path)}: {describe(error)}" for error in found]


@cache
def _cached(schema_dir: str, stamp: tuple[tuple[str, float], ...]) -> SchemaSet:
    return SchemaSet(Path(schema_dir))


def load_schemas(schema_dir: Path) -> SchemaSet:
    """A `SchemaSet`, cached per directory and file modification times."""
    stamp = tuple(
        (name, (schema_dir / name).stat().st_mtime if (schema_dir / name).exists() else -1.0)
        for name in SCHEMA_FILES
    )
    return _cached(str(schema_dir.resolve()), stamp)


def require_mapping(document: Any, *, file: str) -> Mapping[str, Any]:
    """A YAML document must be a mapping at its top level."""
    if not isinstance(document, Mapping):
        raise SpecError(f"{file}: expected a mapping at the top level, found {type(document).__name__}")
    return document
