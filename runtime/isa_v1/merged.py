"""The merged metrics format (`collect_all_metrics`): {model: {"d": {task: table}, "f": ..., "n": ...}}.

`ModelMetrics` wraps one model's entry so the aggregation reads typed fields instead of walking raw
dicts; loading validates the shape and names the file and key at fault.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from isac.compiler.errors import ScoringError

PUBLISHED_RESOURCE = "isa_bench_v1_metrics.json"


@dataclass(frozen=True)
class ModelMetrics:
    """One model's official metric tables: d/f map task -> variation -> field -> value; n is the N block."""

    name: str
    d: Mapping[str, Mapping[str, Mapping[str, Any]]] = field(default_factory=dict)
    f: Mapping[str, Mapping[str, Mapping[str, Any]]] = field(default_factory=dict)
    n: Mapping[str, Any] = field(default_factory=dict)

    def single_stage(self) -> Mapping[str, Any]:
        """The N `single-stage` block ({} for models without N results)."""
        only = self.n.get("only", {})
        return only.get("single-stage", {}) if isinstance(only, Mapping) else {}

    def to_json_obj(self) -> dict[str, Any]:
        """The model's value in a merged file."""
        return {"d": dict(self.d), "f": dict(self.f), "n": dict(self.n)}


def _dimension(source: str, model: str, value: Any, key: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(table, dict) for table in value.values()):
        raise ScoringError(f"{source}: model {model!r}: key {key!r} must map tasks to metric tables")
    return value


def models_from_json(data: Any, source: str) -> dict[str, ModelMetrics]:
    """Parse a merged metrics object; `source` names the file in errors."""
    if not isinstance(data, dict):
        raise ScoringError(f"{source}: expected an object {{model: {{d, f, n}}}}")
    models = {}
    for name, entry in data.items():
        if not isinstance(entry, dict):
            raise ScoringError(f"{source}: model {name!r}: expected an object with keys d, f, n")
        models[name] = ModelMetrics(
            name=name,
            d=_dimension(source, name, entry.get("d"), "d"),
            f=_dimension(source, name, entry.get("f"), "f"),
            n=_dimension(source, name, entry.get("n"), "n"),
        )
    return models


def load_merged(path: Path) -> dict[str, ModelMetrics]:
    """Models of a merged metrics file (the published file or an `isac score-official` output)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ScoringError(f"{path}: cannot read metrics file ({error.strerror})") from error
    except ValueError as error:
        raise ScoringError(f"{path}: not valid JSON ({error})") from error
    return models_from_json(data, str(path))


def load_published() -> dict[str, ModelMetrics]:
    """The published ISA-Bench v1 metrics shipped with isac (11 models, two of them `-modified`)."""
    text = resources.files("isac.runtime.isa_v1.data").joinpath(PUBLISHED_RESOURCE).read_text("utf-8")
    return models_from_json(json.loads(text), f"isac.runtime.isa_v1.data/{PUBLISHED_RESOURCE}")


def write_merged(models: Mapping[str, ModelMetrics], path: Path) -> None:
    """Write models in the official merged format (UTF-8, 2-space indent, key order kept)."""
    payload = {name: model.to_json_obj() for name, model in models.items()}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
