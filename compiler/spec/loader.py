"""Load a spec directory: parse YAML, validate every file against its schema, then build typed models.

The models (`isac.compiler.spec.models`) are the single source: they generate the schema files
(`isac schema`), and, once every document passed its schema, `Spec.model_validate` builds the typed spec
from the documents themselves.

Layout (see docs/spec-format.md):

    SPEC_DIR/benchmark.yaml        name, version, seed, task list, datasets, base punctuation
    SPEC_DIR/tasks/<task>.yaml     one per task: dataset, metric, formats, fragment pools
    SPEC_DIR/dimensions/d.yaml     D variants        SPEC_DIR/dimensions/f.yaml   F variants
    SPEC_DIR/dimensions/n.yaml     composite (N) instructions (optional)
    SPEC_DIR/schema/*.json         the JSON Schemas the files above are validated against (generated)

Errors are collected, not raised one by one: a broken spec reports every problem at once, each with its
file and key path.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import regex
import yaml
from pydantic import ValidationError

from isac.compiler.errors import SpecError
from isac.compiler.spec.models import Spec
from isac.compiler.spec.schema import key_path, load_schemas
from isac.compiler.spec.strict_yaml import load_yaml

BENCHMARK_FILE = "benchmark.yaml"
TASKS_DIR = "tasks"
DIMENSION_FILES: dict[str, str] = {
    "d": "dimensions/d.yaml",
    "f": "dimensions/f.yaml",
    "n": "dimensions/n.yaml",
}
SCHEMA_DIR = "schema"


class SpecProblems(SpecError):
    """Several problems found in one spec; `problems` lists them one per line."""

    def __init__(self, spec_dir: Path, problems: list[str]) -> None:
        self.problems = problems
        lines = "\n".join(f"  {problem}" for problem in problems)
        noun = "problem" if len(problems) == 1 else "problems"
        super().__init__(f"{len(problems)} {noun} in spec {spec_dir}:\n{lines}")


def spec_files(spec_dir: Path) -> list[Path]:
    """Every file that defines the spec (YAML and schemas), sorted by relative POSIX path."""
    files = [
        path
        for path in spec_dir.rglob("*")
        if path.is_file()
        and path.suffix in {".yaml", ".yml", ".json"}
        and not any(part.startswith(".") for part in path.relative_to(spec_dir).parts)
    ]
    return sorted(files, key=lambda path: path.relative_to(spec_dir).as_posix())


def spec_sha256(spec_dir: Path) -> str:
    """sha256 over each spec file's relative path and bytes; independent of where the spec lives."""
    digest = hashlib.sha256()
    for path in spec_files(spec_dir):
        data = path.read_bytes()
        name = path.relative_to(spec_dir).as_posix().encode("utf-8")
        digest.update(len(name).to_bytes(8, "big") + name + len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


def _read_yaml(path: Path, spec_dir: Path, problems: list[str]) -> Any:
    rel = path.relative_to(spec_dir).as_posix()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.append(f"{rel}: file not found")
        return None
    except UnicodeDecodeError:
        problems.append(f"{rel}: not valid UTF-8")
        return None
    try:
        document = load_yaml(text, file=rel)
    except SpecError as error:  # a duplicate key, an alias bomb
        problems.append(str(error))
        return None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{rel}:{mark.line + 1}" if mark is not None else rel
        problems.append(f"{where}: invalid YAML: {getattr(error, 'problem', None) or error}")
        return None
    if document is None:
        problems.append(f"{rel}: the file is empty; expected a YAML mapping")
    return document


def load_spec(spec_dir: Path) -> Spec:
    """Load, validate and type a spec directory; raise `SpecProblems` listing every problem."""
    spec_dir = Path(spec_dir)
    if not spec_dir.is_dir():
        raise SpecError(f"{spec_dir}: spec directory not found")
    schemas = load_schemas(spec_dir / SCHEMA_DIR)
    problems: list[str] = []

    documents: dict[str, Any] = {}
    benchmark = _read_yaml(spec_dir / BENCHMARK_FILE, spec_dir, problems)
    if benchmark is not None:
        problems += schemas.errors("benchmark.schema.json", benchmark, file=BENCHMARK_FILE)
        documents[BENCHMARK_FILE] = benchmark
    task_docs: dict[str, Any] = {}
    for path in sorted((spec_dir / TASKS_DIR).glob("*.yaml")):
        rel = path.relative_to(spec_dir).as_posix()
        document = _read_yaml(path, spec_dir, problems)
        if document is not None:
            problems += schemas.errors("task.schema.json", document, file=rel)
            task_docs[rel] = document
    for key, rel in DIMENSION_FILES.items():
        path = spec_dir / rel
        if key == "n" and not path.exists():
            continue  # a spec without composite instructions
        document = _read_yaml(path, spec_dir, problems)
        if document is not None:
            problems += schemas.errors(f"{key}.schema.json", document, file=rel)
            documents[rel] = document
    if problems:
        raise SpecProblems(spec_dir, problems)

    problems += _check_task_files(documents[BENCHMARK_FILE], task_docs)
    if problems:
        raise SpecProblems(spec_dir, problems)
    spec = _typed_spec(spec_dir, documents, task_docs)
    problems += _cross_check(spec)
    if problems:
        raise SpecProblems(spec_dir, problems)
    return spec


def _check_task_files(benchmark: Mapping[str, Any], task_docs: Mapping[str, Any]) -> list[str]:
    """Every listed task has exactly one file; a task file not listed is simply not compiled."""
    problems = []
    files_by_task: dict[str, list[str]] = {}
    for rel, doc in task_docs.items():
        files_by_task.setdefault(doc["task"], []).append(rel)
    for index, name in enumerate(benchmark["tasks"]):
        files = files_by_task.get(name, [])
        if not files:
            problems.append(
                f"{BENCHMARK_FILE}: tasks[{index}]: {name!r} has no file {TASKS_DIR}/{name.lower()}.yaml"
            )
        elif len(files) > 1:
            problems.append(f"{BENCHMARK_FILE}: tasks[{index}]: {name!r} is defined by {', '.join(files)}")
    return problems


def _typed_spec(spec_dir: Path, documents: Mapping[str, Any], task_docs: Mapping[str, Any]) -> Spec:
    """The typed spec, validated by pydantic from the documents (which already passed their schemas)."""
    benchmark = documents[BENCHMARK_FILE]
    by_name = {doc["task"]: {**doc, "file": rel} for rel, doc in task_docs.items()}
    n_doc = documents.get(DIMENSION_FILES["n"])
    try:
        return Spec.model_validate(
            {
                **benchmark,
                "root": str(spec_dir),
                "sha256": spec_sha256(spec_dir),
                "tasks": {name: by_name[name] for name in benchmark["tasks"]},  # in benchmark order
                "d_variants": documents[DIMENSION_FILES["d"]]["variants"],
                "f_variants": documents[DIMENSION_FILES["f"]]["variants"],
                "n": n_doc,
            }
        )
    except ValidationError as error:  # only when spec/schema/ is out of date with the models
        by_task = {name: doc["file"] for name, doc in by_name.items()}
        raise SpecProblems(
            spec_dir, [_model_problem(problem, by_task) for problem in error.errors()]
        ) from None


def _model_problem(problem: Any, task_files: Mapping[str, str]) -> str:
    """One pydantic problem as `file: key.path: message`, the loc of the Spec traced back to its file."""
    loc = list(problem["loc"])
    head, rest = (loc[0], loc[1:]) if loc else ("", [])
    if head == "tasks" and rest:
        file, parts = task_files.get(str(rest[0]), BENCHMARK_FILE), rest[1:]
    elif head in ("d_variants", "f_variants"):
        file, parts = DIMENSION_FILES[str(head)[0]], ["variants", *rest]
    elif head == "n":
        file, parts = DIMENSION_FILES["n"], rest
    else:
        file, parts = BENCHMARK_FILE, loc
    hint = "the schema files may be stale: run `isac schema --out SPEC_DIR/schema`"
    return f"{file}: {key_path(parts)}: {problem['msg']} ({hint})"


def _cross_check(spec: Spec) -> list[str]:
    """References between files: tasks have files, datasets exist, variant names are unique, ..."""
    problems: list[str] = []
    task_files: dict[str, str] = {}
    for name, task in spec.tasks.items():
        task_files[name] = task.file
        expected = f"{TASKS_DIR}/{name.lower()}.yaml"
        if task.file != expected:
            problems.append(f"{task.file}: task: {name} belongs in {expected}")
        if task.dataset not in spec.datasets:
            problems.append(
                f"{task.file}: dataset: {task.dataset!r} is not declared in {BENCHMARK_FILE} datasets"
            )
    from isac.compiler.datasets import ADAPTERS  # imported here: the adapters are not needed to load a spec

    adapters = ADAPTERS.names()
    for name, dataset in spec.datasets.items():
        if dataset.adapter not in adapters:
            problems.append(
                f"{BENCHMARK_FILE}: datasets.{name}.adapter: unknown adapter {dataset.adapter!r}; "
                f"expected one of {', '.join(adapters)}"
            )
    problems += _check_metrics(spec)
    problems += _check_target_scripts(spec)
    problems += _unique_variants("dimensions/d.yaml", [v.variant for v in spec.d_variants])
    problems += _unique_variants("dimensions/f.yaml", [v.variant for v in spec.f_variants])
    for index, variant in enumerate(spec.f_variants):
        for excluded in variant.exclude_tasks:
            if excluded not in spec.tasks:
                problems.append(
                    f"dimensions/f.yaml: variants[{index}].exclude_tasks: unknown task {excluded!r}"
                )
    if spec.n is not None:
        problems += _check_n(spec)
    return problems


def _check_metrics(spec: Spec) -> list[str]:
    """Each task's metric is registered (the schema only checks the name's spelling)."""
    try:
        # imported here: the runtime's scoring code is not needed to load a spec, and a light install
        # (or a checkout predating the metric registry) loads specs without it
        from isac.runtime.scoring.metric_registry import METRICS
    except ImportError:
        return []
    known = METRICS.names()
    return [
        f"{task.file}: metric.name: unknown metric {task.metric.name!r}; expected one of {', '.join(known)}"
        for task in spec.tasks.values()
        if task.metric.name not in known
    ]


def _check_target_scripts(spec: Spec) -> list[str]:
    """A task's target_script is a Unicode script name, on an open-text (not a label) task."""
    problems = []
    for task in spec.tasks.values():
        if task.target_script is None:
            continue
        if task.is_label_task:
            problems.append(f"{task.file}: target_script: only for open-text tasks (this one has labels)")
        try:
            regex.compile(rf"\p{{Script={task.target_script}}}")
        except regex.error:
            problems.append(
                f"{task.file}: target_script: {task.target_script!r} is not a Unicode script name "
                "(e.g. Han, Latin, Cyrillic, Arabic, Devanagari)"
            )
    return problems


def _unique_variants(file: str, names: list[str]) -> list[str]:
    seen: set[str] = set()
    problems = []
    for index, name in enumerate(names):
        if name in seen:
            problems.append(f"{file}: variants[{index}].variant: {name!r} appears twice")
        seen.add(name)
    return problems


def _check_n(spec: Spec) -> list[str]:
    assert spec.n is not None
    file = DIMENSION_FILES["n"]
    problems = []
    if spec.n.dataset not in spec.datasets:
        problems.append(f"{file}: dataset: {spec.n.dataset!r} is not declared in {BENCHMARK_FILE} datasets")
    for index, name in enumerate(spec.n.tasks):
        task = spec.tasks.get(name)
        if task is None:
            problems.append(f"{file}: tasks[{index}]: unknown task {name!r}")
        elif task.composite is None:
            problems.append(f"{task.file}: composite: required because {file} composes task {name}")
    for size in spec.n.sizes:
        if size > len(spec.n.tasks):
            problems.append(f"{file}: classes.{size}: larger than the {len(spec.n.tasks)} tasks composed")
    problems += _unique_variants(file, [fmt.variant for fmt in spec.n.formats])
    # a composite JSON answer needs one distinct key per subtask, whatever keys are drawn
    owners: dict[str, str] = {}
    for name in spec.n.tasks:
        task = spec.tasks.get(name)
        for key in task.json_keys if task else ():
            if key in owners and owners[key] != name:
                problems.append(
                    f"{task.file}: json_keys: {key!r} is also a key of {owners[key]}, both composed in {file}"
                )
            owners.setdefault(key, name)
    return problems
