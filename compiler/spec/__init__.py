"""The spec: the whole benchmark as YAML data, validated by JSON Schema and loaded into typed models."""

from isac.compiler.spec.loader import SpecProblems, load_spec, spec_sha256
from isac.compiler.spec.models import Spec, TaskSpec

__all__ = ["Spec", "SpecProblems", "TaskSpec", "load_spec", "spec_sha256"]
