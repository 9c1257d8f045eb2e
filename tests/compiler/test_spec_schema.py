"""The spec models are the single source of the schema files, the checks and the typed spec."""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from isac.compiler.errors import SpecError
from isac.compiler.registry import Registry
from isac.compiler.spec import SpecProblems, load_spec
from isac.compiler.spec.models import DVariant, MetricSpec, TaskSpec
from isac.compiler.spec.schema_files import SCHEMA_FILES, generate_schemas, stale_schemas
from isac.compiler.spec.strict_yaml import load_yaml
from isac.runtime.cli import main
from tests.compiler.helpers import SPEC_DIR, copy_spec

METRIC_MODULE = "isac.runtime.scoring.metric_registry"


def _edit(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _problems(spec_dir: Path) -> str:
    with pytest.raises(SpecProblems) as caught:
        load_spec(spec_dir)
    return "\n".join(caught.value.problems)


# ----------------------------------------------------------------------------------------- schema files


def test_committed_schema_files_are_the_generated_ones() -> None:
    stale = stale_schemas(SPEC_DIR / "schema")
    assert not stale, (
        f"spec/schema/ differs from the schemas generated from the models ({', '.join(stale)}); "
        "run `isac schema --out spec/schema` and commit the result"
    )
    assert sorted(path.name for path in (SPEC_DIR / "schema").iterdir()) == sorted(SCHEMA_FILES)


def test_schema_command_writes_deterministic_files_with_ids(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["schema", "--out", str(tmp_path / "a")]) == 0
    assert main(["schema", "--out", str(tmp_path / "b")]) == 0
    capsys.readouterr()
    for name, text in generate_schemas().items():
        first = (tmp_path / "a" / name).read_bytes()
        assert first == (tmp_path / "b" / name).read_bytes() == text.encode("utf-8")
        document = json.loads(first)
        canonical = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        assert first == canonical.encode("utf-8")  # sorted keys, 2-space indent, trailing newline
        assert b'\n  "$id": ' in first
        assert document["$id"] == f"https://isac.local/spec/schema/{name}"
        assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert document["title"].split(":")[0] in {
            "benchmark.yaml",
            "tasks/<task>.yaml",
            "dimensions/d.yaml",
            "dimensions/f.yaml",
            "dimensions/n.yaml",
        }
        assert "isac schema --out spec/schema" in document["description"]


def test_schema_check_reports_stale_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "--out", str(tmp_path)]) == 0
    assert main(["schema", "--out", str(tmp_path), "--check"]) == 0
    (tmp_path / "d.schema.json").write_text("{}\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["schema", "--out", str(tmp_path), "--check"]) == 1
    out = capsys.readouterr().out
    assert "d.schema.json" in out and "task.schema.json" not in out and "isac schema --out" in out


def test_schema_states_what_pydantic_cannot() -> None:
    task = json.loads(generate_schemas()["task.schema.json"])
    assert task["properties"]["task_descriptions"]["uniqueItems"] is True
    assert task["properties"]["task_descriptions"]["minItems"] == 20
    assert "file" not in task["properties"]  # filled in by the loader, not written in YAML
    assert {clause["then"]["required"][0] for clause in task["allOf"]} == {"labels", "forbidden"}
    metric = task["properties"]["metric"]["anyOf"]
    assert metric[0]["type"] == "string" and metric[1] == {"$ref": "#/$defs/MetricSpec"}
    d_variant = json.loads(generate_schemas()["d.schema.json"])["$defs"]["DVariant"]
    assert "class" in d_variant["properties"] and "variation_class" not in d_variant["properties"]
    assert len(d_variant["allOf"]) == 7  # one clause per kind


# ----------------------------------------------------------------------------------------- typed models


def test_the_typed_spec_is_built_from_the_documents() -> None:
    spec = load_spec(SPEC_DIR)
    punctuation = next(v for v in spec.d_variants if v.kind == "punctuation")
    assert punctuation.punctuation is not None and " => " in punctuation.punctuation.connecting
    assert all(v.punctuation is None for v in spec.d_variants if v.kind != "punctuation")
    wrap = next(v for v in spec.f_variants if v.kind == "wrap")
    assert wrap.pairs[0] == ("<answer>", "</answer>")
    assert spec.n is not None and spec.n.sizes == {2: "N1", 3: "N2"}
    assert spec.n.more_than_words == {"ASR": 5} and spec.n.require_references == ("ASR", "SER", "GR")
    assert spec.datasets["iemocap"].name == "iemocap"
    assert spec.tasks["ASR"].file == "tasks/asr.yaml"
    assert spec.tasks["ASR"].metric == MetricSpec(
        name="wer", direction="lower", options={"normalizer": "whisper-english"}
    )
    assert spec.axes[0].variation_class == "D1" and spec.axes[-1].name == "three subtasks"


def test_metric_shorthand_and_aliases_validate_through_pydantic() -> None:
    document = yaml.safe_load((SPEC_DIR / "tasks" / "ser.yaml").read_text(encoding="utf-8"))
    task = TaskSpec.model_validate({**document, "metric": "accuracy", "file": "tasks/ser.yaml"})
    assert task.metric == MetricSpec(name="accuracy")
    variant = DVariant.model_validate(
        {"variant": "simple", "class": "D4", "kind": "rewrite", "level": "simple"}
    )
    assert variant.variation_class == "D4"
    with pytest.raises(ValidationError, match="expected unique items"):
        TaskSpec.model_validate({**document, "json_keys": ["a", "b", "a"], "file": "tasks/ser.yaml"})


def test_models_refuse_what_a_stale_schema_lets_through(tmp_path: Path) -> None:
    spec_dir = copy_spec(tmp_path)
    schema_path = spec_dir / "schema" / "task.schema.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    del schema["properties"]["answer_only"]["minItems"]  # as if written before the minimum existed
    schema_path.write_text(json.dumps(schema), encoding="utf-8")
    _edit(spec_dir / "tasks" / "gr.yaml", lambda d: d.update(answer_only=d["answer_only"][:2]))
    text = _problems(spec_dir)
    assert "tasks/gr.yaml: answer_only: " in text and "at least 8 items" in text
    assert "isac schema --out" in text


# ----------------------------------------------------------------------------------------- messages


def test_kind_rules_and_conditions_are_worded_with_the_key(tmp_path: Path) -> None:
    spec_dir = copy_spec(tmp_path)
    _edit(spec_dir / "dimensions" / "d.yaml", lambda d: d["variants"][5].update(rate=0.3))
    _edit(spec_dir / "dimensions" / "d.yaml", lambda d: d["variants"][4].pop("operations"))
    _edit(spec_dir / "dimensions" / "f.yaml", lambda d: d["variants"][0].update(values=["x"]))
    _edit(spec_dir / "dimensions" / "n.yaml", lambda d: d["formats"][1].update(separators=["|"]))
    _edit(spec_dir / "tasks" / "asr.yaml", lambda d: d["default_format"].pop("prefix"))
    _edit(spec_dir / "tasks" / "ser.yaml", lambda d: d.pop("labels"))
    text = _problems(spec_dir)
    assert "dimensions/d.yaml: variants[5].rate: not allowed when kind is rewrite" in text
    assert "dimensions/d.yaml: variants[4]: 'operations' is a required property when kind is typo" in text
    assert "dimensions/f.yaml: variants[0].values: not allowed when kind is answer_only" in text
    assert "dimensions/n.yaml: formats[1].separators: not allowed when kind is json" in text
    assert "tasks/asr.yaml: default_format: 'prefix' is a required property when checker is prefix" in text
    assert (
        "tasks/ser.yaml: (top level): 'labels' is a required property when default_format.checker is label"
    ) in text


def test_shorthand_fields_give_one_clear_message(tmp_path: Path) -> None:
    spec_dir = copy_spec(tmp_path)
    _edit(spec_dir / "tasks" / "ser.yaml", lambda d: d.update(metric=["f1"]))
    _edit(spec_dir / "tasks" / "gr.yaml", lambda d: d.update(metric="F1"))
    _edit(spec_dir / "tasks" / "asr.yaml", lambda d: d.update(metric={"name": "wer", "direction": "up"}))
    _edit(spec_dir / "tasks" / "aac.yaml", lambda d: d.update(metric={"direction": "higher"}, composite=None))
    problems = _problems(spec_dir).splitlines()
    assert 'tasks/ser.yaml: metric: expected string or object, found ["f1"]' in problems
    assert 'tasks/gr.yaml: metric: "F1" does not match the pattern ^[a-z][a-z0-9_-]*$' in problems
    assert 'tasks/asr.yaml: metric.direction: expected one of higher, lower; found "up"' in problems
    assert "tasks/aac.yaml: metric: 'name' is a required property" in problems
    assert "tasks/aac.yaml: composite: expected string, found null" in problems
    assert len(problems) == 5  # one message per mistake, no dump of every alternative


def test_dict_keys_are_checked(tmp_path: Path) -> None:
    spec_dir = copy_spec(tmp_path)
    _edit(spec_dir / "benchmark.yaml", lambda d: d["datasets"].update(Clotho={"adapter": "jsonl"}))
    assert 'benchmark.yaml: datasets: key "Clotho" does not match the pattern' in _problems(spec_dir)


# ----------------------------------------------------------------------------------------- duplicate keys


def test_duplicate_yaml_keys_are_refused(tmp_path: Path) -> None:
    spec_dir = copy_spec(tmp_path)
    path = spec_dir / "tasks" / "gr.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("answer: gender\n", "answer: gender\nanswer: sex\n", 1), encoding="utf-8")
    line = text.splitlines().index("answer: gender") + 2
    problems = _problems(spec_dir)
    assert f"tasks/gr.yaml:{line}: duplicate key 'answer' (first written on line {line - 1})" in problems


def test_strict_yaml_allows_merge_keys_and_refuses_repeats_in_flow_mappings() -> None:
    assert load_yaml("base: &b {p: 1}\nc:\n  <<: *b\n  p: 2\n", file="x.yaml") == {
        "base": {"p": 1},
        "c": {"p": 2},
    }
    with pytest.raises(SpecError, match=r"x\.yaml:1: duplicate key 'a'"):
        load_yaml("{a: 1, a: 2}\n", file="x.yaml")


# ----------------------------------------------------------------------------------------- metric registry


def _fake_metric_registry(monkeypatch: pytest.MonkeyPatch, names: dict[str, str]) -> None:
    module = types.ModuleType(METRIC_MODULE)
    module.METRICS = Registry("metric", "isac.metrics", names)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, METRIC_MODULE, module)


def test_unregistered_metric_names_are_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_metric_registry(monkeypatch, {name: "x:y" for name in ("accuracy", "bleu", "meteor", "wer")})
    spec_dir = copy_spec(tmp_path)
    _edit(spec_dir / "tasks" / "ser.yaml", lambda d: d.update(metric="f1"))
    text = _problems(spec_dir)
    assert (
        "tasks/ser.yaml: metric.name: unknown metric 'f1'; expected one of accuracy, bleu, meteor, wer"
        in text
    )
    assert "asr.yaml" not in text  # registered metrics pass


def test_metric_check_is_skipped_without_the_registry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, METRIC_MODULE, None)  # importing it raises ImportError
    spec_dir = copy_spec(tmp_path)
    _edit(spec_dir / "tasks" / "ser.yaml", lambda d: d.update(metric="f1"))
    assert load_spec(spec_dir).tasks["SER"].metric.name == "f1"
