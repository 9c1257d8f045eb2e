"""One rule for where the audio and dataset files are: `--data-root`, else `$ISAC_DATA_ROOT`, else the
data root recorded in the compiled set's lock (`isac compile` records it), else the bundled mini corpus
when compiling.

The lock records the folder it was compiled from as an absolute path, or as `bundled:mini` for the bundled
corpus, so that sets compiled from it (and releases of them) resolve on any machine and in any install.
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


def record_data_root(path: Path) -> str:
    """What a lock records for `path`: `bundled:mini` for the bundled corpus, else the absolute path."""
    return BUNDLED_DATA_ROOT if is_bundled_data_root(path) else str(Path(path).resolve())


def recorded_path(recorded: str, *, where: str) -> Path:
    """The folder a lock's `data_root` value names (`where` names the lock in errors)."""
    if recorded == BUNDLED_DATA_ROOT:
        bundled = bundled_data_root()
        if bundled is None:
            raise DatasetError(
                f"{where}: compiled from the bundled mini corpus, which this install of isac does not "
                "carry; pass --data-root DIR"
            )
        return bundled
    return Path(recorded)


def lock_data_root(locks: Iterable[tuple[Path, Lock]]) -> DataRoot | None:
    """The data root recorded by the first lock that records one (`(lock folder, lock)` pairs)."""
    for folder, lock in locks:
        if lock.data_root:
            where = str(Path(folder) / LOCK_FILE)
            return DataRoot(recorded_path(lock.data_root, where=where), f"{where}")
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
        return DataRoot(bundled, "the bundled mini corpus (a smoke-test corpus, not the benchmark)")
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
