"""Issue 12: faults and bad input at compile and verify end in a clear error, never a half-written set."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from isac.compiler.errors import SpecError
from isac.compiler.manifests import verify_manifest_set
from isac.compiler.render import TemplateBank
from isac.compiler.spec import load_spec
from isac.compiler.spec.strict_yaml import load_yaml
from isac.runtime.audio import AudioError, load_audio
from isac.runtime.cli import main
from tests.compiler.data import make_data_root, make_spec
from tests.runtime.exec_helpers import REPO, write_tone


def test_a_lone_surrogate_in_a_jsonl_reference_is_refused_before_writing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec, data = make_spec(tmp_path), make_data_root(tmp_path / "data")
    lists = data / "lists" / "iemocap.jsonl"
    lines = lists.read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[1])
    record["references"]["ASR"] = "happy \ud83d"
    lines[1] = json.dumps(record)  # ASCII escapes: the file itself is valid UTF-8
    lists.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["compile", str(spec), "--data-root", str(data), "--out", str(tmp_path / "out")]) == 2
    assert "iemocap.jsonl:2: key 'references.ASR' holds a lone UTF-16 surrogate" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_the_empty_benchmark_file_is_an_error(tmp_path: Path) -> None:
    spec = make_spec(tmp_path)
    (spec / "benchmark.yaml").write_text("", encoding="utf-8")
    with pytest.raises(SpecError, match=r"benchmark.yaml: the file is empty; expected a YAML mapping"):
        load_spec(spec)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{% include 'x.txt' %}", "templates cannot include or import other files"),
        ("{% for i in range(10**9) %}{% endfor %}", "cannot render"),
        ("{{ 'a' * 2000000 }}", "repeating a value 2000000 times"),
        ("{{ labels }}{{ labels }}" * 400, "renders to"),
    ],
)
def test_hostile_templates_are_spec_errors(source: str, expected: str) -> None:
    with pytest.raises(SpecError, match=expected):
        TemplateBank().check(source, {"labels": "x" * 20}, where="tasks/asr.yaml: task_descriptions[0]")


def test_a_yaml_alias_bomb_is_refused() -> None:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]']
    for level in range(1, 9):
        previous = chr(ord("a") + level - 1)
        name = chr(ord("a") + level)
        lines.append(f"{name}: &{name} [{', '.join(f'*{previous}' for _ in range(10))}]")
    with pytest.raises(SpecError, match=r"bomb.yaml: aliases \(\*name\) expand to more than"):
        load_yaml("\n".join(lines), file="bomb.yaml")
    assert load_yaml("a: &x [1, 2]\nb: *x\n", file="ok.yaml") == {"a": [1, 2], "b": [1, 2]}


def test_verify_names_crlf_line_endings(tmp_path: Path) -> None:
    spec, data = make_spec(tmp_path), make_data_root(tmp_path / "data")
    out = tmp_path / "out"
    assert main(["compile", str(spec), "--data-root", str(data), "--out", str(out)]) == 0
    manifest = out / "d-asr.jsonl"
    manifest.write_bytes(manifest.read_bytes().replace(b"\n", b"\r\n"))
    lines = verify_manifest_set(out).lines()
    assert any("line ends with CRLF" in line for line in lines), lines


def test_truncated_wav_files_are_audio_errors_naming_the_file(tmp_path: Path) -> None:
    whole = write_tone(tmp_path / "whole.wav").read_bytes()
    for size in range(0, 120, 7):
        cut = tmp_path / f"cut{size}.wav"
        cut.write_bytes(whole[:size])
        try:
            load_audio(cut, 16_000)
        except AudioError as error:
            assert str(cut) in str(error)


def _compile_command(spec: Path, data: Path, out: Path, *extra: str) -> list[str]:
    code = "import sys; from isac.runtime.cli import main; sys.exit(main(sys.argv[1:]))"
    return [
        sys.executable,
        "-c",
        code,
        "compile",
        str(spec),
        "--data-root",
        str(data),
        "--out",
        str(out),
        *extra,
    ]


def test_kill_9_during_compile_leaves_nothing_half_written(tmp_path: Path) -> None:
    spec, data = make_spec(tmp_path), make_data_root(tmp_path / "data")
    out = tmp_path / "out"
    for delay in (0.8, 1.2, 1.6):
        process = subprocess.Popen(_compile_command(spec, data, out, "--force"), cwd=REPO)
        time.sleep(delay)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        # whatever moment the kill hit, out is absent or a whole set: never a mix
        assert not out.exists() or verify_manifest_set(out).ok
        if out.exists():
            assert not list(out.glob("*.tmp"))
    done = subprocess.run(
        _compile_command(spec, data, out, "--force"), cwd=REPO, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert verify_manifest_set(out).ok
    assert not [path for path in tmp_path.iterdir() if path.name.startswith(".out.")]  # leftovers removed
