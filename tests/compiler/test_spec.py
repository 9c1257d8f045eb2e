"""Loading and validating the spec: the real spec passes; broken ones report every problem at once."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from isac.compiler.spec import SpecProblems, load_spec, spec_sha256
from isac.compiler.spec.templates import compile_templates
from isac.runtime.cli import main
from tests.compiler.helpers import SPEC_DIR, copy_spec


def _edit(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_the_shipped_spec_is_valid_and_meets_the_pool_minimums() -> None:
    spec = load_spec(SPEC_DIR)
    compile_templates(spec)
    assert list(spec.tasks) == ["ASR", "S2TT", "SER", "GR", "AAC"]
    for task in spec.tasks.values():
        assert len(task.task_descriptions) >= 20
        assert len(task.default_format.descriptions) >= 10
        for level in ("simple", "neutral", "complex"):
            assert len(getattr(task.rewrites, level)) >= 8
    assert spec.tasks["SER"].labels == ("happy", "sad", "angry", "neutral")
    assert spec.tasks["GR"].labels == ("male", "female")
    assert spec.tasks["ASR"].default_format.prefix == "The transcription is:"
    assert [v.variant for v in spec.d_variants] == [
        "default", "upper_case", "lower_case", "syntax_error", "lexical_error",
        "simple", "neutral", "complex", "punctuation",
    ]  # fmt: skip
    assert spec.n is not None and spec.n.tasks == ("ASR", "SER", "GR")


def test_every_schema_error_is_reported_with_file_and_key_path(tmp_path: Path) -> None:
    spec_dir = copy_spec(tmp_path)
    _edit(spec_dir / "tasks" / "asr.yaml", lambda d: d.update(task_descriptions=d["task_descriptions"][:3]))
    _edit(spec_dir / "tasks" / "ser.yaml", lambda d: d.update(metric=["f1"], colour="blue"))
    _edit(spec_dir / "dimensions" / "d.yaml", lambda d: d["variants"][3].update(rate="high"))
    _edit(spec_dir / "benchmark.yaml", lambda d: d.pop("seed"))
    with pytest.raises(SpecProblems) as caught:
        load_spec(spec_dir)
    problems = caught.value.problems
    text = "\n".join(problems)
    assert "tasks/asr.yaml: task_descriptions: expected at least 20 items, found 3" in text
    assert "tasks/ser.yaml: metric: " in text
    assert "tasks/ser.yaml: (top level): Additional properties are not allowed ('colour'" in text
    assert "dimensions/d.yaml: variants[3].rate: expected number" in text
    assert "benchmark.yaml: (top level): 'seed' is a required property" in text
    assert len(problems) == 5


def test_yaml_syntax_errors_name_the_line(tmp_path: Path) -> None:
    spec_dir = copy_spec(tmp_path)
    (spec_dir / "dimensions" / "f.yaml").write_text("variants:\n  - [unclosed\n", encoding="utf-8")
    with pytest.raises(SpecProblems, match=r"dimensions/f\.yaml:\d+: invalid YAML"):
        load_spec(spec_dir)


def test_cross_file_references_are_checked(tmp_path: Path) -> None:
    spec_dir = copy_spec(tmp_path)
    _edit(spec_dir / "tasks" / "gr.yaml", lambda d: d.update(dataset="timit"))
    _edit(spec_dir / "benchmark.yaml", lambda d: d["tasks"].append("KWS"))
    with pytest.raises(SpecProblems) as caught:
        load_spec(spec_dir)
    text = "\n".join(caught.value.problems)
    assert "benchmark.yaml: tasks[5]: 'KWS' has no file tasks/kws.yaml" in text


def test_unknown_dataset_and_adapter_are_reported_together(tmp_path: Path) -> None:
    spec_dir = copy_spec(tmp_path)
    _edit(spec_dir / "tasks" / "gr.yaml", lambda d: d.update(dataset="timit"))
    _edit(spec_dir / "benchmark.yaml", lambda d: d["datasets"]["audiocaps"].update(adapter="clotho"))
    with pytest.raises(SpecProblems) as caught:
        load_spec(spec_dir)
    text = "\n".join(caught.value.problems)
    assert "tasks/gr.yaml: dataset: 'timit' is not declared in benchmark.yaml datasets" in text
    assert "benchmark.yaml: datasets.audiocaps.adapter: unknown adapter 'clotho'" in text


def test_target_script_is_a_unicode_script_on_an_open_text_task(tmp_path: Path) -> None:
    assert load_spec(SPEC_DIR).tasks["S2TT"].target_script == "Han"
    spec_dir = copy_spec(tmp_path)
    _edit(spec_dir / "tasks" / "s2tt.yaml", lambda d: d.update(target_script="Hanzi"))
    _edit(spec_dir / "tasks" / "ser.yaml", lambda d: d.update(target_script="Latin"))
    with pytest.raises(SpecProblems) as caught:
        load_spec(spec_dir)
    text = "\n".join(caught.value.problems)
    assert "tasks/s2tt.yaml: target_script: 'Hanzi' is not a Unicode script name" in text
    assert "tasks/ser.yaml: target_script: only for open-text tasks" in text
    _edit(spec_dir / "tasks" / "asr.yaml", lambda d: d.update(target_script="latin"))
    with pytest.raises(SpecProblems) as caught:
        load_spec(spec_dir)
    assert 'tasks/asr.yaml: target_script: "latin" does not match' in "\n".join(caught.value.problems)


def test_template_problems_are_reported_at_load_time(tmp_path: Path) -> None:
    spec_dir = copy_spec(tmp_path)
    _edit(
        spec_dir / "tasks" / "aac.yaml",
        lambda d: d["default_format"]["descriptions"].__setitem__(0, "say {{ prefx }}"),
    )
    _edit(spec_dir / "tasks" / "ser.yaml", lambda d: d["answer_only"].__setitem__(2, "one word please"))
    spec = load_spec(spec_dir)
    with pytest.raises(SpecProblems) as caught:
        compile_templates(spec)
    text = "\n".join(caught.value.problems)
    assert "tasks/aac.yaml: default_format.descriptions[0]: cannot render" in text and "prefx" in text
    assert "tasks/ser.yaml: answer_only[2]: 'one word please' does not state 'happy'" in text


def test_spec_hash_depends_on_content_not_location(tmp_path: Path) -> None:
    first = copy_spec(tmp_path / "a")
    second = copy_spec(tmp_path / "b")
    assert spec_sha256(first) == spec_sha256(second) == spec_sha256(SPEC_DIR)
    (second / "tasks" / "asr.yaml").write_text(
        (second / "tasks" / "asr.yaml").read_text(encoding="utf-8") + "\n", encoding="utf-8"
    )
    assert spec_sha256(first) != spec_sha256(second)


def test_validate_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(SPEC_DIR)]) == 0
    assert "spec is valid" in capsys.readouterr().out
    spec_dir = copy_spec(tmp_path)
    _edit(spec_dir / "tasks" / "gr.yaml", lambda d: d.update(labels=["Male"], json_keys=[]))
    assert main(["validate", str(spec_dir)]) == 2
    err = capsys.readouterr().err
    assert "tasks/gr.yaml: labels: expected at least 2 items" in err
    assert "tasks/gr.yaml: json_keys: expected at least 3 items" in err
    assert 'tasks/gr.yaml: labels[0]: "Male" does not match' in err
