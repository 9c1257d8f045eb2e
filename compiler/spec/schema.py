"""JSON Schema validation of spec files, reporting every error with its file and key path.

The schema files are generated from the models (`isac.compiler.spec.schema_files`, `isac schema`) and
travel with the spec directory; this module loads them and words their errors for people.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, ValidationError
from referencing import Registry, Resource

from isac.compiler.errors import SpecError
from isac.compiler.spec.schema_files import SCHEMA_FILES


def key_path(parts: Iterable[str | int]) -> str:
    """`["rewrites", "simple", 3]` -> `rewrites.simple[3]`; the empty path is `(top level)`."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def _short(value: Any, limit: int = 70) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _type_mismatch(error: ValidationError) -> bool:
    """The error says the value itself has the wrong type (not something inside it)."""
    return error.validator == "type" and not error.relative_path


def explain(error: ValidationError) -> list[ValidationError]:
    """The errors worth reporting for one schema error.

    An `anyOf`/`oneOf` (a shorthand such as `metric: wer` or `{name: wer}`) fails as a whole; when the
    value's type fits exactly one alternative, what is wrong inside that alternative is reported instead,
    at its own key path. Otherwise the error stays and `describe` lists the types expected.
    """
    if error.validator not in ("anyOf", "oneOf") or not error.context:
        return [error]
    branches: dict[Any, list[ValidationError]] = {}
    for sub in error.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    fitting = [errors for errors in branches.values() if not any(map(_type_mismatch, errors))]
    if len(fitting) != 1:
        return [error]
    return [leaf for sub in fitting[0] for leaf in explain(sub)]


def _condition(error: ValidationError) -> str:
    """ " when kind is typo" for an error raised by an `if`/`then` clause (its description), else ""."""
    if "then" not in error.schema_path or not isinstance(error.schema, dict):
        return ""
    reason = error.schema.get("description")
    return f" {reason}" if isinstance(reason, str) else ""


def describe(error: ValidationError, *, owner: Any = None) -> str:
    """A readable message for one schema error (jsonschema's own repeats whole lists).

    `owner` is the mapping holding the offending key, when known: a key that the variant's `kind` does not
    allow is reported with that kind.
    """
    validator, expected, instance = error.validator, error.validator_value, error.instance
    if validator == "not" and expected == {}:  # a key a kind's `then` clause forbids (constraints.FORBIDDEN)
        kind = owner.get("kind") if isinstance(owner, Mapping) else None
        return f"not allowed when kind is {kind}" if isinstance(kind, str) else "not allowed here"
    if validator in ("anyOf", "oneOf"):
        types = [sub.validator_value for sub in error.context or () if _type_mismatch(sub)]
        if types and len(types) == len({sub.relative_schema_path[0] for sub in error.context or ()}):
            return f"expected {' or '.join(map(str, types))}, found {_short(instance)}"
        if validator == "oneOf" and not error.context:
            return f"matches more than one of the allowed forms: {_short(instance)}"
        return f"does not match any allowed form: {_short(instance)}"
    if validator == "required":
        return f"{error.message}{_condition(error)}"
    if validator == "minItems":
        return f"expected at least {expected} items, found {len(instance)}"
    if validator == "maxItems":
        return f"expected at most {expected} items, found {len(instance)}"
    if validator == "minProperties":
        return f"expected at least {expected} entries, found {len(instance)}"
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
    if validator == "const":
        return f"expected {_short(expected)}; found {_short(instance)}"
    if validator == "pattern":
        where = "key " if "propertyNames" in error.schema_path else ""
        return f"{where}{_short(instance)} does not match the pattern {expected}"
    if validator in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        bound = {"minimum": ">=", "exclusiveMinimum": ">", "maximum": "<=", "exclusiveMaximum": "<"}[
            validator
        ]
        return f"expected a number {bound} {expected}, found {_short(instance)}"
    if validator == "not":
        return f"holds a key that is not allowed{_condition(error)}"
    return error.message


def _owner(document: Any, path: Iterable[str | int]) -> Any:
    """The value at `path` inside `document` (None when the path does not lead anywhere)."""
    value = document
    for part in path:
        try:
            value = value[part]
        except (KeyError, IndexError, TypeError):
            return None
    return value


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
                    f"{path}: schema file not found (a spec directory carries its JSON Schemas in schema/; "
                    f"write them with `isac schema --out {schema_dir}`)"
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
        found = [leaf for error in validator.iter_errors(document) for leaf in explain(error)]
        found.sort(key=lambda error: list(map(str, error.absolute_path)))
        return [
            f"{file}: {key_path(error.absolute_path)}: "
            f"{describe(error, owner=_owner(document, list(error.absolute_path)[:-1]))}"
            for error in found
        ]


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
