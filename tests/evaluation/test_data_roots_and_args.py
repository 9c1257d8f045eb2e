"""One data-root rule (flag, $ISAC_DATA_ROOT, the lock), -M/-G parsing and their place in the fingerprint."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from isac.compiler.data_roots import resolve_data_root
from isac.compiler.errors import DatasetError, RunError
from isac.compiler.manifests import read_lock
from isac.runtime.adapters.arguments import parse_assignments
from isac.runtime.cli import main

REPO = Path(__file__).resolve().parents[2]


def test_assignments_parse_scalars_and_name_the_flag() -> None:
    parsed = parse_assignments(
        ["top_p=0.9", "trust_remote_code=true", "system_prompt=Be brief, please."], "-G"
    )
    assert parsed == {"top_p": 0.9, "trust_remote_code": True, "system_prompt": "Be brief, please."}
    assert parse_assignments(["revision=none", "n=12"], "-M") == {"revision": None, "n": 12}
    with pytest.raises(RunError, match=r"-M 'trust_remote_code': expected key=value"):
        parse_assignments(["trust_remote_code"], "-M")


def test_exec_takes_the_data_root_from_the_lock_and_records_arguments(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ISAC_DATA_ROOT", raising=False)
    data = tmp_path / "corpus"
    shutil.copytree(REPO / "data" / "mini", data)
    manifests = tmp_path / "set"
    compile_args = ["compile", str(REPO / "spec"), "--data-root", str(data), "--out", str(manifests)]
    assert main(compile_args) == 0
    assert read_lock(manifests).data_root == "../corpus"  # relative to the lock: the same bytes anywhere
    found = resolve_data_root(None, locks=[(manifests, read_lock(manifests))])
    assert found is not None and found.path == data.resolve()

    run_dir = tmp_path / "run"
    argv = ["exec", str(manifests / "f-asr.jsonl"), "--model", "oracle", "--out", str(run_dir)]
    assert main([*argv, "-G", "top_p=0.5", "-M", "attn_implementation=sdpa", "--limit", "3"]) == 0
    info = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    assert info["data_root"] == str(data.resolve())
    assert info["model"]["generation_args"] == {"top_p": 0.5}
    assert info["model"]["model_args"] == {"attn_implementation": "sdpa"}
    # other arguments are another model: the run folder refuses them
    assert main([*argv, "-G", "top_p=0.6", "--limit", "3"]) == 2

    # the flag wins over the environment, which wins over the lock
    monkeypatch.setenv("ISAC_DATA_ROOT", str(tmp_path))
    assert resolve_data_root(None, locks=[(manifests, read_lock(manifests))]).source == "$ISAC_DATA_ROOT"
    assert resolve_data_root(data, locks=[(manifests, read_lock(manifests))]).source == "--data-root"

    # a moved corpus: the recorded root is gone and the error says what to pass
    monkeypatch.delenv("ISAC_DATA_ROOT")
    data.rename(tmp_path / "moved")
    with pytest.raises(DatasetError, match=r"records the data root \.\./corpus .* pass --data-root DIR"):
        resolve_data_root(None, locks=[(manifests, read_lock(manifests))])


def test_exec_refuses_a_wrong_data_root_before_building_the_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    release = REPO / "artifacts" / "releases" / "mini-1.0.0"
    argv = ["exec", str(release), "--model", "hf:/no/such/checkpoint", "--data-root", str(empty)]
    assert main([*argv, "--out", str(tmp_path / "run")]) == 2
    error = capsys.readouterr().err
    # the hf adapter would have said the checkpoint does not exist; the data root is refused first
    assert "sampled audio files exists under the data root" in error
    assert not (tmp_path / "run").exists()


def test_a_failed_score_leaves_no_empty_database(tmp_path: Path) -> None:
    db = tmp_path / "scores.duckdb"
    assert main(["score", str(tmp_path / "no-such-run"), "--db", str(db), "--no-meteor"]) == 2
    assert not db.exists()
