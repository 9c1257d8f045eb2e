from __future__ import annotations

from pathlib import Path

import pytest

from isac.compiler.datasets import ADAPTERS, fingerprint_files, load_dataset
from isac.compiler.errors import DatasetError


def test_registry_names() -> None:
    assert set(ADAPTERS) == {"librispeech", "covost2", "iemocap", "audiocaps", "jsonl"}
    for name, factory in ADAPTERS.items():
        assert factory().name == name


def test_unknown_adapter_and_missing_root(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="unknown dataset adapter 'librivox'"):
        load_dataset("librivox", tmp_path, {})
    with pytest.raises(DatasetError, match="data root not found"):
        load_dataset("librispeech", tmp_path / "nope", {})


def test_fingerprint_depends_on_relative_paths_and_bytes_only(tree) -> None:
    roots = [tree("x"), tree("y")]
    for root in roots:
        (root / "b.txt").write_bytes(b"second")
        (root / "a.txt").write_bytes(b"first")
    x, y = roots
    assert fingerprint_files([x / "a.txt", x / "b.txt"], x) == fingerprint_files(
        [y / "b.txt", y / "a.txt"], y
    )
    # moving bytes from one file into the other changes the digest (records are length-prefixed)
    (y / "a.txt").write_bytes(b"firsts")
    (y / "b.txt").write_bytes(b"econd")
    assert fingerprint_files([x / "a.txt", x / "b.txt"], x) != fingerprint_files(
        [y / "a.txt", y / "b.txt"], y
    )


def test_invalid_utf8_index_names_file_and_line(tmp_path: Path, fake) -> None:
    fake.write_text(tmp_path / "custom.jsonl", "")
    (tmp_path / "custom.jsonl").write_bytes(b'{"id": "a"}\n\xff\xfe\n')
    with pytest.raises(DatasetError, match=r"custom\.jsonl:2: not valid UTF-8"):
        load_dataset("jsonl", tmp_path, {"file": "custom.jsonl"})
