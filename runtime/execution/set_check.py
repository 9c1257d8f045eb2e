"""Before a run: the manifests must be an intact compiled set (their `isac.lock.json` says so).

`isac verify` compares a compiled directory with its lock file; exec applies the same rule to what it is
about to run, so a set with an edited or forged row (even with a recomputed id), a manifest deleted or
added after compiling, a missing or malformed lock, or one left half-written by a killed compile (files
of two spec versions) is refused instead of run. `--no-verify` runs hand-made subsets deliberately.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from isac.compiler.errors import ManifestError, RunError
from isac.compiler.manifests import LOCK_FILE, read_lock

_OVERRIDE = "pass --no-verify to run manifests that are deliberately not a compiled set"


def check_compiled_set(arguments: Sequence[str | Path], sha256s: Mapping[Path, str]) -> None:
    """Raise RunError listing every manifest that does not match the lock file of its directory.

    `arguments` are the command-line paths (a directory argument must hold every manifest its lock
    lists); `sha256s` maps each manifest to run (resolved path) to the sha256 of its bytes.
    """
    problems: list[str] = []
    by_directory: dict[Path, list[Path]] = {}
    for path in sha256s:
        by_directory.setdefault(path.parent, []).append(path)
    whole_dirs = {Path(argument).resolve() for argument in arguments if Path(argument).is_dir()}
    for directory, paths in by_directory.items():
        if not (directory / LOCK_FILE).is_file():
            problems.append(
                f"{directory}: no {LOCK_FILE}, so its manifests cannot be checked "
                "(compile them with `isac compile`)"
            )
            continue
        try:
            lock = read_lock(directory)
        except ManifestError as error:
            problems.append(str(error))
            continue
        for path in paths:
            entry = lock.manifests.get(path.name)
            if entry is None:
                problems.append(f"{path}: not listed in {directory / LOCK_FILE} (added after compiling?)")
            elif entry.sha256 != sha256s[path]:
                problems.append(
                    f"{path}: sha256 differs from {LOCK_FILE} (edited after compiling, or left by an "
                    "interrupted compile); run `isac verify` on the directory"
                )
        if directory in whole_dirs:
            for name in sorted(set(lock.manifests) - {path.name for path in paths}):
                problems.append(f"{directory / name}: listed in {LOCK_FILE} but missing")
    if problems:
        shown = "\n".join(f"  {line}" for line in problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise RunError(f"the manifests are not an intact compiled set:\n{shown}{more}\n{_OVERRIDE}")
