"""The built wheel, installed into a fresh virtual environment outside the checkout, runs `isac demo` from
any directory and `python -m isac --version`: the default spec and the mini corpus travel as package data.

Slow (about 1-2 minutes): it builds the wheel and pip-installs isac's dependencies into the new venv (from
pip's cache when they are there). The environment has no torch, so the demo skips the tiny model.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


def _run(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, (
        f"{' '.join(argv)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    )
    return result


def _dependencies() -> list[str]:
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return list(project["dependencies"])


def test_wheel_installs_and_runs_the_demo_outside_the_checkout(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            str(REPO),
            "-w",
            str(dist),
        ],
        tmp_path,
    )
    (wheel,) = dist.glob("isac-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"isac/__main__.py", "isac/spec/benchmark.yaml", "isac/data/mini/AudioCaps/test.csv"} <= names

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], tmp_path)
    python = venv / "bin" / "python"
    _run([str(python), "-m", "pip", "install", "-q", "--no-deps", str(wheel)], tmp_path)
    _run([str(python), "-m", "pip", "install", "-q", *_dependencies()], tmp_path)

    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {key: value for key, value in os.environ.items() if key not in ("ISAC_DATA_ROOT", "PYTHONPATH")}
    version = _run([str(python), "-m", "isac", "--version"], work, env)
    assert version.stdout.startswith("isac ")
    located = _run(
        [
            str(python),
            "-c",
            "import isac.compiler, isac.compiler.resources as r; print(r.bundled_spec_dir())",
        ],
        work,
        env,
    )
    assert str(venv) in located.stdout  # the installed copy, not the checkout

    demo = _run([str(venv / "bin" / "isac"), "demo", "--no-tiny", "--no-meteor", "--out", "demo"], work, env)
    assert "report:" in demo.stdout
    assert (work / "demo" / "report" / "report.html").is_file()
    assert "oracle" in (work / "demo" / "report" / "report.md").read_text(encoding="utf-8")
