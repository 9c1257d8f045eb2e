"""Resolving `hf:` targets and the revision recorded in fingerprints."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from isac.compiler.errors import RunError
from isac.runtime.adapters.hf.checkpoint import checkpoint_revision, hub_commit, resolve_checkpoint

COMMIT = "0123456789abcdef0123456789abcdef01234567"


def make_checkpoint(folder: Path, weights: bytes = b"\x00" * 64) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text(json.dumps({"model_type": "qwen2_audio"}), encoding="utf-8")
    (folder / "model.safetensors").write_bytes(weights)
    return folder


def test_local_folder_resolves_to_its_absolute_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_checkpoint(tmp_path / "ckpt")
    monkeypatch.chdir(tmp_path)
    ref = resolve_checkpoint("ckpt")
    assert ref.source == str((tmp_path / "ckpt").resolve())
    assert ref.is_local


def test_hub_id_is_kept_as_given() -> None:
    ref = resolve_checkpoint("Qwen/Qwen2-Audio-7B-Instruct")
    assert ref.source == "Qwen/Qwen2-Audio-7B-Instruct"
    assert not ref.is_local


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("", "names no checkpoint"),
        ("./missing/folder", "no such checkpoint folder"),
        ("not a hub id", "no such checkpoint folder"),
    ],
)
def test_bad_targets_raise_run_errors(target: str, message: str) -> None:
    with pytest.raises(RunError, match=message):
        resolve_checkpoint(target)


def test_file_or_folder_without_config_is_refused(tmp_path: Path) -> None:
    (tmp_path / "weights.bin").write_bytes(b"x")
    with pytest.raises(RunError, match="found a file"):
        resolve_checkpoint(str(tmp_path / "weights.bin"))
    with pytest.raises(RunError, match=r"holds no config\.json"):
        resolve_checkpoint(str(tmp_path))


def test_hub_snapshot_folder_gives_its_commit(tmp_path: Path) -> None:
    snapshot = make_checkpoint(tmp_path / "models--org--name" / "snapshots" / COMMIT)
    assert checkpoint_revision(snapshot) == COMMIT


def test_local_dir_download_metadata_gives_the_commit(tmp_path: Path) -> None:
    folder = make_checkpoint(tmp_path / "ckpt")
    metadata = folder / ".cache" / "huggingface" / "download"
    metadata.mkdir(parents=True)
    (metadata / "config.json.metadata").write_text(f"{COMMIT}\netag\n1700000000.0\n", encoding="utf-8")
    assert hub_commit(folder) == COMMIT


def test_weight_digest_tracks_the_weights(tmp_path: Path) -> None:
    first = checkpoint_revision(make_checkpoint(tmp_path / "a", weights=b"\x01" * 100))
    same = checkpoint_revision(make_checkpoint(tmp_path / "b", weights=b"\x01" * 100))
    changed = checkpoint_revision(make_checkpoint(tmp_path / "c", weights=b"\x02" * 100))
    assert first is not None and first.startswith("sha256:")
    assert first == same
    assert changed != first


def test_folder_without_weights_has_no_revision(tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    (folder / "config.json").write_text("{}", encoding="utf-8")
    assert checkpoint_revision(folder) is None
    assert checkpoint_revision(None) is None
