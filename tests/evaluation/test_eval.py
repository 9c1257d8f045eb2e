"""`isac eval`: a config file with two models on the mini corpus, killed midway and rerun, ends with the
same report as an uninterrupted run; config errors name the file and key; the sample is stratified."""

from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from isac.compiler.manifests import read_lock
from isac.compiler.rows import ManifestRow
from isac.runtime.cli import main
from isac.runtime.evaluation.config import EvalConfigError, build_config, default_name
from isac.runtime.evaluation.sample import stratified_sample

CONFIG = """\
out: {out}
models:
  - oracle
  - name: constant
    model: "constant:I am not sure."
generation_args: {{seed: 1}}
score: {{meteor: false}}
"""


def _report(out: Path) -> str:
    # The report names its database path, and its provenance block names each run's id and when it was
    # created and scored (a run's id hashes its creation time); everything else must match byte for byte.
    text = (out / "report" / "report.md").read_text(encoding="utf-8").replace(str(out), "OUT")
    text = re.sub(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?", "TIME", text)
    return re.sub(r"\b[0-9a-f]{16}\b", "RUN", text)


def _eval(config: Path) -> None:
    assert main(["eval", "--config", str(config)]) == 0


def test_eval_config_resumes_after_a_kill_to_the_same_report(tmp_path: Path) -> None:
    whole = tmp_path / "whole.yaml"
    whole.write_text(CONFIG.format(out=tmp_path / "whole"), encoding="utf-8")
    _eval(whole)
    expected = _report(tmp_path / "whole")
    assert "| oracle" in expected and "| constant" in expected
    lock = read_lock(tmp_path / "whole" / "manifests")
    assert lock.data_root == "bundled:mini"
    # -G arguments are part of each run's fingerprint
    run_info = json.loads((tmp_path / "whole" / "runs" / "oracle" / "run.json").read_text(encoding="utf-8"))
    assert run_info["model"]["generation_args"] == {"seed": 1}

    # A real kill -9 of the command, wherever it lands once the first run has started.
    killed = tmp_path / "killed.yaml"
    killed.write_text(CONFIG.format(out=tmp_path / "killed"), encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "isac", "eval", "--config", str(killed)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    started = tmp_path / "killed" / "runs" / "oracle"
    deadline = time.monotonic() + 60
    while process.poll() is None and not started.exists() and time.monotonic() < deadline:
        time.sleep(0.005)
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    _eval(killed)
    assert _report(tmp_path / "killed") == expected

    # The state a kill in the middle of the second model leaves: half its log, a torn last line, no
    # database or report yet. Rerunning resumes that run and ends with the same report.
    torn = tmp_path / "torn"
    shutil.copytree(tmp_path / "whole", torn)
    results = torn / "runs" / "constant" / "results.jsonl"
    lines = results.read_bytes().splitlines(keepends=True)
    results.write_bytes(b"".join(lines[: len(lines) // 2]) + lines[len(lines) // 2][:25])
    shutil.rmtree(torn / "report")
    (torn / "scores.duckdb").unlink()
    config = tmp_path / "torn.yaml"
    config.write_text(CONFIG.format(out=torn), encoding="utf-8")
    _eval(config)
    assert _report(torn) == expected
    assert len(results.read_bytes().splitlines()) >= len(lines)


def test_flags_override_the_file_and_sample_is_stratified(tmp_path: Path) -> None:
    config = tmp_path / "eval.toml"
    config.write_text(
        f'out = "{tmp_path / "out"}"\nmodels = ["constant:x"]\n'
        "[select]\nlimit = 5\n[score]\nmeteor = false\n",
        encoding="utf-8",
    )
    assert main(["eval", "--config", str(config), "--model", "oracle", "--sample", "40"]) == 0
    runs = sorted(path.name for path in (tmp_path / "out" / "runs").iterdir())
    assert runs == ["oracle"]
    records = [
        json.loads(line)
        for line in (tmp_path / "out" / "runs" / "oracle" / "results.jsonl").read_text().splitlines()
    ]
    assert len(records) == 40
    eval_json = json.loads((tmp_path / "out" / "eval.json").read_text(encoding="utf-8"))
    assert eval_json["select"]["sample"] == 40 and eval_json["select"]["limit"] is None


def test_stratified_sample_covers_every_stratum() -> None:
    manifest = Path(__file__).resolve().parents[2] / "artifacts" / "releases" / "mini-1.0.0"
    rows = [
        ManifestRow.model_validate_json(line)
        for path in sorted(manifest.glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    strata = {(row.dimension, row.variation_class, row.task) for row in rows}
    sample = stratified_sample(rows, len(strata), seed=0)
    assert len(sample) == len(strata)
    assert {(row.dimension, row.variation_class, row.task) for row in sample} == strata
    assert [row.id for row in stratified_sample(rows, 30, seed=0)] == [
        row.id for row in stratified_sample(rows, 30, seed=0)
    ]
    assert rows[:24] != stratified_sample(rows, 24)  # unlike --limit, not just the first manifest


def test_config_errors_name_the_file_and_key(tmp_path: Path) -> None:
    with pytest.raises(EvalConfigError, match=r"eval.yaml: at select.sample: .*greater than or equal to 1"):
        build_config({"models": ["oracle"], "select": {"sample": 0}}, "eval.yaml")
    with pytest.raises(EvalConfigError, match=r"at models\.0\.model: Field required \(and 1 more problem\)"):
        build_config({"models": [{"modle": "oracle"}]}, "eval.yaml")
    with pytest.raises(EvalConfigError, match="share the run folder name oracle"):
        build_config({"models": ["oracle", "oracle"]}, "eval.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("models: [oracle\n", encoding="utf-8")
    assert main(["eval", "--config", str(bad)]) == 2
    assert default_name("hf:/ckpt/qwen2-audio/") == "qwen2-audio"
    assert default_name("constant:I am not sure.") == "constant-I-am-not-sure"


def test_missing_audio_is_reported_before_any_model_is_built(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    (tmp_path / "nowhere").mkdir()
    release = Path(__file__).resolve().parents[2] / "artifacts" / "releases" / "mini-1.0.0"
    # hf: would import torch and read the checkpoint; the audio check must refuse first
    argv = ["eval", "--manifests", str(release), "--model", "hf:/nonexistent/ckpt"]
    argv += ["--data-root", str(tmp_path / "nowhere"), "--out", str(out)]
    assert main(argv) == 2
    assert not (out / "runs").exists()
    error = capsys.readouterr().err
    assert "audio files of the selected rows are missing under the data root" in error
    assert str(tmp_path / "nowhere") in error and "(from --data-root)" in error
