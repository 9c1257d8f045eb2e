"""The run directory: `run.json` (what produced the results) next to `results.jsonl` (the results).

The files, their models and the fingerprint rules are defined in `isac.runtime.run_files`; this module
creates, reopens and locks the directory. A run directory belongs to one model fingerprint and one
version of each manifest. Reusing it with a different model, different generation settings or an edited
manifest would silently mix answers to different questions, so that is refused. What is compared
(documented in the CLI help):

* the fingerprint without its volatile keys (`run_files.VOLATILE_FINGERPRINT_KEYS`: `libraries`,
  `endpoint`): `model_id`, `adapter`, `weights`, `revision`, `generation` and any other key an adapter
  adds. A change in library versions (a transformers upgrade between resumes) only produces a warning,
  because pinning every patch release would make long runs impossible to resume after routine
  maintenance; likewise the URL of an API endpoint (the same served model may move to another host).
* manifests by file name: a manifest already recorded must have the same sha256. New manifests may be
  added to an existing run (run D today, F tomorrow); they are appended to `run.json`.
* `data_root` changes produce a warning (data may legitimately move between machines).

Only one `isac exec` may write to a run directory at a time (an advisory lock on `RUN_DIR/.lock`).
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from isac.compiler import __version__
from isac.compiler.errors import RunError
from isac.compiler.rows import canonical_json
from isac.runtime.execution.selection import ManifestFile
from isac.runtime.run_files import (
    LOCK_FILE,
    RESULTS_FILE,
    RUN_FILE,
    ManifestRecord,
    RunInfo,
    compare_fingerprints,
    normalise_fingerprint,
    read_run_info,
)


@dataclass
class OpenRun:
    """A run directory held by this process: its info, warnings to show, and the held lock."""

    directory: Path
    info: RunInfo
    warnings: list[str] = field(default_factory=list)
    _lock_fd: int = -1

    @property
    def results_path(self) -> Path:
        """`RUN_DIR/results.jsonl`."""
        return self.directory / RESULTS_FILE

    def release(self) -> None:
        """Give up the directory lock."""
        if self._lock_fd >= 0:
            os.close(self._lock_fd)
            self._lock_fd = -1


def open_run(
    directory: Path,
    *,
    fingerprint: dict[str, Any],
    manifests: Sequence[ManifestFile],
    data_root: Path | None,
) -> OpenRun:
    """Create or reopen a run directory for this fingerprint and these manifests.

    Raises RunError when the directory holds another run (different fingerprint or manifest version),
    holds results without a `run.json`, or is being written by another `isac exec`.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    lock_fd = _acquire_lock(directory)
    try:
        run = _reconcile(directory, normalise_fingerprint(fingerprint), manifests, data_root)
    except BaseException:
        os.close(lock_fd)
        raise
    run._lock_fd = lock_fd
    return run


def _acquire_lock(directory: Path) -> int:
    fd = os.open(directory / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise RunError(f"{directory}: another `isac exec` is writing to this run directory") from None
    return fd


def _reconcile(
    directory: Path,
    fingerprint: dict[str, Any],
    manifests: Sequence[ManifestFile],
    data_root: Path | None,
) -> OpenRun:
    records = tuple(
        ManifestRecord(path=str(item.path), sha256=item.sha256, rows=item.rows) for item in manifests
    )
    root = str(Path(data_root).resolve()) if data_root is not None else None
    run_file = directory / RUN_FILE
    if not run_file.exists():
        results = directory / RESULTS_FILE
        if results.exists() and results.stat().st_size > 0:
            raise RunError(
                f"{directory}: holds {RESULTS_FILE} but no {RUN_FILE}, so its results cannot be matched "
                "to a model; use a new --out directory"
            )
        info = RunInfo(
            model=fingerprint,
            manifests=records,
            data_root=root,
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            isac_version=__version__,
        )
        _write_run_info(directory, info)
        return OpenRun(directory, info)

    info = read_run_info(directory)
    warnings = _compare_fingerprints(run_file, info.model, fingerprint)
    known = {Path(item.path).name: item for item in info.manifests}
    added: list[ManifestRecord] = []
    for record in records:
        name = Path(record.path).name
        previous = known.get(name)
        if previous is None:
            added.append(record)
            known[name] = record
        elif previous.sha256 != record.sha256:
            raise RunError(
                f"{run_file}: manifest {name} has changed since this run started (sha256 "
                f"{previous.sha256[:12]}... recorded, {record.sha256[:12]}... now); results would mix "
                "two versions of the benchmark; use a new --out directory"
            )
    if info.data_root != root and root is not None:
        warnings.append(f"{run_file}: data root changed from {info.data_root} to {root}")
    if added:
        info = info.model_copy(update={"manifests": (*info.manifests, *added)})
        _write_run_info(directory, info)
    return OpenRun(directory, info, warnings)


def _compare_fingerprints(run_file: Path, recorded: dict[str, Any], current: dict[str, Any]) -> list[str]:
    comparison = compare_fingerprints(recorded, current)
    if not comparison.same_run:
        differences = [
            f"{key}: {_short(recorded.get(key))} recorded, {_short(current.get(key))} now"
            for key in comparison.stable_changes
        ]
        raise RunError(
            f"{run_file}: this run directory belongs to another model configuration "
            f"({'; '.join(differences)}); use a new --out directory or the original settings"
        )
    return [
        f"{run_file}: {key} changed since the run started ({_short(recorded.get(key))} -> "
        f"{_short(current.get(key))}); resuming anyway"
        for key in comparison.volatile_changes
    ]


def _short(value: Any) -> str:
    text = canonical_json(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _write_run_info(directory: Path, info: RunInfo) -> None:
    path = directory / RUN_FILE
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(info.to_text(), encoding="utf-8")
    os.replace(tmp, path)
