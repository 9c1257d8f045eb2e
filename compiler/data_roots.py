"""One rule for where the audio and dataset files are: `--data-root`, else `$ISAC_DATA_ROOT`, else the
data root recorded in the compiled set's lock (`isac compile` records it), else the bundled mini corpus
when compiling.

The lock records the folder it was compiled from as a path relative to the lock's own folder (so compiling
the same layout in another directory writes the same bytes, and a set moved together with its data still
finds it), or as `bundled:mini` for the bundled corpus, so that sets compiled from it (and releases of
them) resolve on any machine and in any install. A recorded folder that no longer exists is an error that
asks for --data-root.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from isac.compiler.errors import DatasetError, ManifestError
from isac.compiler.manifests import LOCK_FILE, Lock, read_lock
from isac.compiler.resources import BUNDLED_DATA_ROOT, bundled_data_root, is_bundled_data_root

ENV_VAR = "ISAC_DATA_ROOT"


@dataclass(frozen=True)
class DataRoot:
    """A resolved data root and where it came from (for messages): flag, environment, lock or bundled."""

    path: Path
    source: str

    def describe(self) -> str:
        """`DIR (from --data-root)` and the like."""
        return f"{self.path} (from {self.source})"


def record_data_root(path: Path, lock_dir: Path) -> str:
    """What a lock in `lock_dir` records for `path`: `bundled:mini` for the bundled corpus, else the path
    relative to `lock_dir` (POSIX separators)."""
    if is_bundled_data_root(path):
        return BUNDLED_DATA_ROOT
    return Path(os.path.relpath(Path(path).resolve(), Path(lock_dir).resolve())).as_posix()


def recorded_path(recorded: str, *, lock_dir: Path) -> Path:
    """The folder a lock's `data_root` value names; DatasetError when it is not there."""
    where = Path(lock_dir) / LOCK_FILE
    if recorded == BUNDLED_DATA_ROOT:
        bundled = bundled_data_root()
        if bundled is None:
            raise DatasetError(
                f"{where}: compiled from the bundled mini corpus, which this install of isac does not "
                "carry; pass --data-root DIR"
            )
        return bundled
    folder = (Path(lock_dir) / recorded).resolve()
    if not folder.is_dir():
        raise DatasetError(
            f"{where}: records the data root {recorded} (relative to the lock), which is not a folder here "
            f"({folder}); pass --data-root DIR or set ${ENV_VAR}"
        )
    return folder


def lock_data_root(locks: Iterable[tuple[Path, Lock]]) -> DataRoot | None:
    """The data root recorded by the first lock that records one (`(lock folder, lock)` pairs)."""
    for folder, lock in locks:
        if lock.data_root:
            return DataRoot(recorded_path(lock.data_root, lock_dir=folder), str(Path(folder) / LOCK_FILE))
    return None


def resolve_data_root(
    given: Path | None, *, locks: Iterable[tuple[Path, Lock]] = (), bundled_default: bool = False
) -> DataRoot | None:
    """Apply the rule of the module docstring; None when nothing names a data root.

    `bundled_default` (compile) falls back to the bundled mini corpus; DatasetError when it is wanted and
    this install has none.
    """
    if given is not None:
        return DataRoot(Path(given), "--data-root")
    if os.environ.get(ENV_VAR):
        return DataRoot(Path(os.environ[ENV_VAR]), f"${ENV_VAR}")
    recorded = lock_data_root(locks)
    if recorded is not None:
        return recorded
    if bundled_default:
        bundled = bundled_data_root()
        if bundled is None:
            raise DatasetError(
                "no --data-root given, $ISAC_DATA_ROOT is not set and this install of isac carries no "
                "bundled mini corpus; pass --data-root DIR"
            )
        return DataRoot(bundled, "the bundled mini corpus")
    return None


def locks_near(paths: Iterable[str | Path]) -> list[tuple[Path, Lock]]:
    """The readable locks of manifest arguments: a folder's own lock, or the lock beside a file."""
    found: list[tuple[Path, Lock]] = []
    seen: set[Path] = set()
    for argument in paths:
        path = Path(argument)
        folder = path if path.is_dir() else path.parent
        if folder in seen or not (folder / LOCK_FILE).is_file():
            continue
        seen.add(folder)
        try:
            found.append((folder, read_lock(folder)))
        except ManifestError:
            continue  # an unreadable lock is verify's business; it simply records no data root here
    return found
