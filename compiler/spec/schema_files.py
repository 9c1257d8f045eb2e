"""The spec's JSON Schema files, generated from the models (`isac schema --out spec/schema`).

The models in `isac.compiler.spec.models` are the single source; the files in `spec/schema/` are their
generated image, committed so that a spec directory validates itself and so that editors and other tools
can use them. A test fails when the committed files differ from what this module generates.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from isac.compiler.spec.models import Benchmark, DDimension, FDimension, NDimension, TaskSpec

SCHEMA_ID_BASE = "https://isac.local/spec/schema/"
DIALECT = "https://json-schema.org/draft/2020-12/schema"

# schema file name -> (model, the YAML file(s) it validates)
SCHEMA_MODELS: dict[str, tuple[type[BaseModel], str]] = {
    "benchmark.schema.json": (Benchmark, "benchmark.yaml"),
    "task.schema.json": (TaskSpec, "tasks/<task>.yaml"),
    "d.schema.json": (DDimension, "dimensions/d.yaml"),
    "f.schema.json": (FDimension, "dimensions/f.yaml"),
    "n.schema.json": (NDimension, "dimensions/n.yaml"),
}
SCHEMA_FILES: tuple[str, ...] = tuple(SCHEMA_MODELS)


class SpecSchemaGenerator(GenerateJsonSchema):
    """Pydantic's generator, adapted to schemas of hand-written YAML files.

    - An optional key is omitted, never written as null: `X | None = None` generates the schema of X.
    - A dict whose keys have a pattern states it with `propertyNames` (pydantic's `patternProperties`
      would let any other key through unchecked).
    - Properties carry no auto-generated titles ("Task Descriptions"), only their descriptions.
    """

    def nullable_schema(self, schema: core_schema.NullableSchema) -> JsonSchemaValue:
        """The inner schema alone: YAML omits an optional key rather than setting it to null."""
        return self.generate_inner(schema["schema"])

    def dict_schema(self, schema: core_schema.DictSchema) -> JsonSchemaValue:
        """`propertyNames` + `additionalProperties` in place of a single `patternProperties` entry."""
        json_schema = super().dict_schema(schema)
        patterns = json_schema.pop("patternProperties", None)
        if patterns:
            ((pattern, values),) = patterns.items()
            json_schema["propertyNames"] = {"pattern": pattern}
            json_schema["additionalProperties"] = values
        return json_schema

    def field_title_should_be_set(self, schema: Any) -> bool:
        """Never: the key itself is the title."""
        return False


def schema_document(file_name: str) -> dict[str, Any]:
    """The JSON Schema of one spec file, as a dict, with its `$schema`, `$id`, title and description."""
    model, yaml_file = SCHEMA_MODELS[file_name]
    schema = model.model_json_schema(by_alias=True, mode="validation", schema_generator=SpecSchemaGenerator)
    summary = (model.__doc__ or "").strip().split("\n\n")[0]
    schema["$schema"] = DIALECT
    schema["$id"] = SCHEMA_ID_BASE + file_name
    schema["title"] = summary if summary.startswith(yaml_file) else f"{yaml_file}: {summary}"
    schema["description"] = (
        f"Validates {yaml_file} of an isac spec directory. Generated from "
        f"{model.__module__}.{model.__qualname__} by `isac schema --out spec/schema`; do not edit by hand."
    )
    return schema


def render_schema(file_name: str) -> str:
    """One schema file's exact text: sorted keys, 2-space indent, trailing newline."""
    return json.dumps(schema_document(file_name), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def generate_schemas() -> dict[str, str]:
    """Every schema file's name and exact text."""
    return {name: render_schema(name) for name in SCHEMA_FILES}


def write_schemas(out_dir: Path) -> list[Path]:
    """Write every schema file into `out_dir` (created if needed); return the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in generate_schemas().items():
        path = out_dir / name
        path.write_bytes(text.encode("utf-8"))
        written.append(path)
    return written


def stale_schemas(schema_dir: Path) -> list[str]:
    """Names of the schema files in `schema_dir` that are missing or differ from the generated ones."""
    stale = []
    for name, text in generate_schemas().items():
        path = schema_dir / name
        if not path.is_file() or path.read_bytes() != text.encode("utf-8"):
            stale.append(name)
    return stale
