"""Exec and scoring agree on what "the same run" is (one set of rules in `isac.runtime.run_files`).

A fingerprint that differs only in a volatile key is resumed by `isac exec` and keeps its run id in
scoring; any other difference is refused by exec and gives another run id.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from isac.compiler.errors import RunError
from isac.runtime.execution.run_dir import open_run
from isac.runtime.run_files import (
    RESULTS_FILE,
    RUN_FILE,
    VOLATILE_FINGERPRINT_KEYS,
    RunInfo,
    compare_fingerprints,
    normalise_fingerprint,
)
from isac.runtime.scoring.run_inputs import read_run_inputs

BASE: dict[str, Any] = {
    "model_id": "openai:served-model",
    "adapter": "openai",
    "weights": "served-model",
    "revision": "r1",
    "generation": {"max_new_tokens": 64, "temperature": 0.0},
    "endpoint": "http://host-a:8000/v1",
    "libraries": {"isac": "0.1.0", "httpx": "0.27.0"},
}
CREATED_AT = "2025-01-01T00:00:00+00:00"

VOLATILE_CHANGES: list[tuple[str, Any]] = [
    ("libraries", {"isac": "0.1.0", "httpx": "0.28.1"}),
    ("endpoint", "http://host-b:9000/v1"),
]
STABLE_CHANGES: list[tuple[str, Any]] = [
    ("model_id", "openai:other-model"),
    ("revision", "r2"),
    ("generation", {"max_new_tokens": 128, "temperature": 0.0}),
    ("weights", "other-weights"),
    ("quantization", "int8"),  # a key an adapter adds is stable too
]


def _changed(key: str, value: Any) -> dict[str, Any]:
    return {**BASE, key: value}


def _exec_accepts(directory: Path, fingerprint: dict[str, Any]) -> tuple[bool, list[str]]:
    """Start a run with BASE, then reopen it with `fingerprint` as `isac exec` would."""
    open_run(directory, fingerprint=BASE, manifests=[], data_root=None).release()
    try:
        run = open_run(directory, fingerprint=fingerprint, manifests=[], data_root=None)
    except RunError:
        return False, []
    run.release()
    return True, run.warnings


def _scored_run_id(directory: Path, fingerprint: dict[str, Any]) -> str:
    """The run id `isac score` gives a run directory recording `fingerprint`."""
    directory.mkdir(parents=True)
    info = RunInfo(
        model=normalise_fingerprint(fingerprint), manifests=(), data_root=None, created_at=CREATED_AT
    )
    (directory / RUN_FILE).write_text(info.to_text(), encoding="utf-8")
    (directory / RESULTS_FILE).write_text("", encoding="utf-8")
    return read_run_inputs(directory).run_id


def test_the_cases_cover_every_volatile_key() -> None:
    assert {key for key, _ in VOLATILE_CHANGES} == VOLATILE_FINGERPRINT_KEYS
    assert not {key for key, _ in STABLE_CHANGES} & VOLATILE_FINGERPRINT_KEYS


@pytest.mark.parametrize(("key", "value"), VOLATILE_CHANGES)
def test_a_volatile_change_is_resumed_and_keeps_the_run_id(tmp_path: Path, key: str, value: Any) -> None:
    accepted, warnings = _exec_accepts(tmp_path / "exec", _changed(key, value))
    assert accepted
    assert len(warnings) == 1 and f"{key} changed" in warnings[0]
    assert _scored_run_id(tmp_path / "a", BASE) == _scored_run_id(tmp_path / "b", _changed(key, value))
    assert compare_fingerprints(BASE, _changed(key, value)).volatile_changes == (key,)


@pytest.mark.parametrize(("key", "value"), STABLE_CHANGES)
def test_a_stable_change_is_refused_and_changes_the_run_id(tmp_path: Path, key: str, value: Any) -> None:
    accepted, _ = _exec_accepts(tmp_path / "exec", _changed(key, value))
    assert not accepted
    assert _scored_run_id(tmp_path / "a", BASE) != _scored_run_id(tmp_path / "b", _changed(key, value))
    assert compare_fingerprints(BASE, _changed(key, value)).stable_changes == (key,)


def test_the_refusal_names_the_changed_key(tmp_path: Path) -> None:
    open_run(tmp_path, fingerprint=BASE, manifests=[], data_root=None).release()
    with pytest.raises(
        RunError, match=r"run\.json: .*another model configuration \(revision: \"r1\" recorded"
    ):
        open_run(tmp_path, fingerprint=_changed("revision", "r2"), manifests=[], data_root=None)
