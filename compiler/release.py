"""Freeze a verified manifest set as an immutable release and describe what changed since the last one.

A release lives in `<artifacts>/releases/<version>/`: the lock file and the manifest files it lists,
copied byte for byte and made read-only. An existing release is never overwritten.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from isac.compiler.errors import ManifestError
from isac.compiler.manifests import LOCK_FILE, read_lock, verify_manifest_set

RELEASES_DIR = "releases"
_VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._+-]*$")

RowKey = tuple[str, str, str, str, str]  # (dataset, item_id, dimension, variant, task)


@dataclass(frozen=True)
class ChangeCount:
    """Rows added, removed and changed for one (dimension, task)."""

    dimension: str
    task: str
    added: int
    removed: int
    changed: int
    unchanged: int


@dataclass(frozen=True)
class LockChange:
    """What changed in the lock besides the rows: the spec's hash and what scoring reads from it."""

    spec_before: str
    spec_after: str
    tasks_changed: tuple[str, ...] = ()  # tasks whose compiled metric, labels or answer name changed
    axes_changed: bool = False
    datasets_changed: tuple[str, ...] = ()  # datasets whose fingerprint changed

    @property
    def spec_changed(self) -> bool:
        """True when the spec's sha256 differs."""
        return self.spec_before != self.spec_after


@dataclass(frozen=True)
class ReleaseDiff:
    """What changed between two releases; `previous` is None for the first release."""

    previous: str | None
    changes: tuple[ChangeCount, ...]
    lock: LockChange | None = None  # None for the first release

    @property
    def identical(self) -> bool:
        """True when no row was added, removed or changed."""
        return all(not (c.added or c.removed or c.changed) for c in self.changes)


@dataclass(frozen=True)
class ReleaseResult:
    """Where the release was written, its row count and its diff against the previous release."""

    path: Path
    rows: int
    diff: ReleaseDiff


def version_key(name: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key ordering `1.2` before `1.10` (numeric parts compare as numbers)."""
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"[._+-]", name))


def list_releases(artifacts: Path) -> list[str]:
    """Existing release versions under `artifacts/releases/`, oldest first."""
    root = Path(artifacts) / RELEASES_DIR
    if not root.is_dir():
        return []
    names = [path.name for path in root.iterdir() if path.is_dir() and not path.name.startswith(".")]
    return sorted(names, key=version_key)


def _previous_release(artifacts: Path, version: str) -> str | None:
    earlier = [name for name in list_releases(artifacts) if version_key(name) < version_key(version)]
    if earlier:
        return earlier[-1]
    others = [name for name in list_releases(artifacts) if name != version]
    return others[-1] if others else None


def make_release(version: str, source: Path, artifacts: Path) -> ReleaseResult:
    """Verify `source`, copy it to `artifacts/releases/<version>/` read-only, and diff it."""
    if not _VERSION.match(version):
        raise ManifestError(f"release version {version!r}: use letters, digits, '.', '_', '+' or '-'")
    source, artifacts = Path(source), Path(artifacts)
    target = artifacts / RELEASES_DIR / version
    if target.exists():
        raise ManifestError(f"{target}: release {version} already exists; releases are never overwritten")
    report = verify_manifest_set(source)
    if not report.ok:
        listing = "\n".join(f"  {line}" for line in report.lines())
        raise ManifestError(f"{source}: does not verify against its lock file:\n{listing}")
    lock = read_lock(source)
    previous = _previous_release(artifacts, version)

    staging = target.with_name(f".{version}.partial")
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    for name in [LOCK_FILE, *sorted(lock.manifests)]:
        shutil.copyfile(source / name, staging / name)
        os.chmod(staging / name, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    os.replace(staging, target)  # appears whole or not at all

    after = verify_manifest_set(target)
    if not after.ok:  # a copy gone wrong: say so rather than leave a broken release unnoticed
        raise ManifestError(f"{target}: the copied release does not verify: {'; '.join(after.lines())}")
    old_dir = artifacts / RELEASES_DIR / previous if previous else None
    diff = diff_sets(old_dir, target, previous_name=previous)
    return ReleaseResult(path=target, rows=sum(entry.rows for entry in lock.manifests.values()), diff=diff)


def _row_keys(directory: Path) -> Iterator[tuple[RowKey, str]]:
    """(key, id) of every row of a verified set, read without building full row models."""
    lock = read_lock(directory)
    for name in sorted(lock.manifests):
        with (directory / name).open("r", encoding="utf-8") as handle:
            for line in handle:
                raw = json.loads(line)
                key = (raw["dataset"], raw["item_id"], raw["dimension"], raw["variant"], raw["task"])
                yield key, raw["id"]


def diff_sets(old: Path | None, new: Path, *, previous_name: str | None = None) -> ReleaseDiff:
    """Rows added, removed and changed per (dimension, task) from `old` to `new`.

    A row is "changed" when the same (dataset, item_id, dimension, variant, task) key has a different id.
    N rows count under their composite task ("ASR+SER").
    """
    old_ids: dict[RowKey, str] = dict(_row_keys(old)) if old is not None else {}
    counts: dict[tuple[str, str], Counter[str]] = {}
    for key, row_id in _row_keys(new):
        bucket = counts.setdefault((key[2], key[4]), Counter())
        before = old_ids.pop(key, None)
        if before is None:
            bucket["added"] += 1
        elif before != row_id:
            bucket["changed"] += 1
        else:
            bucket["unchanged"] += 1
    for key in old_ids:  # whatever is left was removed
        counts.setdefault((key[2], key[4]), Counter())["removed"] += 1
    changes = tuple(
        ChangeCount(dimension, task, c["added"], c["removed"], c["changed"], c["unchanged"])
        for (dimension, task), c in sorted(counts.items())
    )
    lock_change = _lock_change(old, new) if old is not None else None
    return ReleaseDiff(previous=previous_name, changes=changes, lock=lock_change)


def _lock_change(old: Path, new: Path) -> LockChange:
    """The spec hash of both sets and which compiled task definitions, axes and datasets differ."""
    before, after = read_lock(old), read_lock(new)
    tasks = sorted(
        name
        for name in set(before.tasks) | set(after.tasks)
        if before.tasks.get(name) != after.tasks.get(name)
    )
    datasets = sorted(
        name
        for name in set(before.datasets) | set(after.datasets)
        if before.datasets.get(name) != after.datasets.get(name)
    )
    return LockChange(
        spec_before=before.spec_sha256,
        spec_after=after.spec_sha256,
        tasks_changed=tuple(tasks),
        axes_changed=before.axes != after.axes,
        datasets_changed=tuple(datasets),
    )


def _format_lock_change(change: LockChange | None, rows_moved: bool) -> list[str]:
    if change is None:
        return []
    if not change.spec_changed:
        lines = [f"  spec sha256 unchanged ({change.spec_after[:12]})"]
    else:
        lines = [f"  spec sha256 changed: {change.spec_before[:12]} -> {change.spec_after[:12]}"]
        if not rows_moved:
            lines.append("  the spec change touches no row (comments, order, or scoring-only fields)")
    if change.tasks_changed:
        names = ", ".join(change.tasks_changed)
        lines.append(f"  task definitions changed (metric, labels or answer): {names}")
    if change.axes_changed:
        lines.append("  radar axes changed")
    if change.datasets_changed:
        lines.append(f"  dataset fingerprints changed: {', '.join(change.datasets_changed)}")
    return lines


def format_diff(diff: ReleaseDiff) -> list[str]:
    """A small aligned table of the diff, one line per (dimension, task) that changed."""
    if diff.previous is None:
        total = sum(change.added for change in diff.changes)
        return [f"first release: {total} rows"]
    lines = [f"changes since {diff.previous}:"]
    moved = [c for c in diff.changes if c.added or c.removed or c.changed]
    if not moved:
        return [*lines, "  no rows added, removed or changed", *_format_lock_change(diff.lock, False)]
    width = max(len(c.task) for c in moved)
    lines.append(f"  dim  {'task':<{width}}  {'added':>7}  {'removed':>7}  {'changed':>7}")
    lines += [
        f"  {c.dimension:<3}  {c.task:<{width}}  {c.added:>7}  {c.removed:>7}  {c.changed:>7}" for c in moved
    ]
    return [*lines, *_format_lock_change(diff.lock, True)]
