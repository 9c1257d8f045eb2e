"""Which rows a run executes: manifests expanded from the command line, filtered, sharded, limited.

Selection is a pure function of the manifests and the options, so the same command always picks the
same rows in the same order, which is what makes resuming and sharding across machines safe.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

from isac.compiler.errors import ManifestError, RunError
from isac.compiler.manifests import MANIFEST_SUFFIX, file_sha256, read_manifest
from isac.compiler.rows import ManifestRow


@dataclass(frozen=True)
class ManifestFile:
    """One manifest taking part in a run."""

    path: Path
    sha256: str
    rows: int


@dataclass(frozen=True)
class SelectedRow:
    """A row to execute and the manifest it came from."""

    row: ManifestRow
    manifest_sha256: str


@dataclass(frozen=True)
class Shard:
    """`--shard i/n`: this process runs the rows whose hash falls in bucket `index` of `count`."""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        """Parse `i/n` with 0 <= i < n."""
        try:
            left, right = text.split("/")
            index, count = int(left), int(right)
        except ValueError:
            raise RunError(f"--shard {text!r}: expected i/n with integers, e.g. 0/4") from None
        if count < 1 or not 0 <= index < count:
            raise RunError(f"--shard {text!r}: expected 0 <= i < n (shards are numbered from 0)")
        return cls(index, count)

    def contains(self, row_id: str) -> bool:
        """True when `row_id` belongs to this shard."""
        return shard_of(row_id, self.count) == self.index


@dataclass(frozen=True)
class RowFilter:
    """Row filters from the command line; empty tuples select everything."""

    dimensions: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()
    tasks: tuple[str, ...] = ()
    shard: Shard | None = None
    limit: int | None = None
    ids: frozenset[str] | None = None  # only these row ids (a sample chosen by `isac eval --sample`)

    def describe(self) -> str:
        """The active filters as command-line options, for messages."""
        parts = [f"--dimension {value}" for value in self.dimensions]
        parts += [f"--class {value}" for value in self.classes]
        parts += [f"--task {value}" for value in self.tasks]
        if self.shard is not None:
            parts.append(f"--shard {self.shard.index}/{self.shard.count}")
        if self.limit is not None:
            parts.append(f"--limit {self.limit}")
        return " ".join(parts) or "no filters"

    def accepts(self, row: ManifestRow) -> bool:
        """True when `row` passes the id, dimension, class, task and shard filters (not the limit)."""
        if self.ids is not None and row.id not in self.ids:
            return False
        if self.dimensions and row.dimension not in self.dimensions:
            return False
        if self.classes and row.variation_class not in self.classes:
            return False
        if self.tasks and row.task not in self.tasks and not set(row.subtasks) & set(self.tasks):
            return False
        return self.shard is None or self.shard.contains(row.id)


def shard_of(row_id: str, count: int) -> int:
    """The shard a row belongs to: its id's sha256 as an integer, modulo the shard count.

    Hashing (instead of using the row's position) keeps shards stable when manifests are listed in a
    different order and spreads tasks and variants evenly over shards.
    """
    return int.from_bytes(hashlib.sha256(row_id.encode("utf-8")).digest(), "big") % count


def expand_manifest_paths(arguments: Sequence[str | Path]) -> list[Path]:
    """Turn command-line arguments into manifest files: a directory means all of its `*.jsonl`."""
    paths: list[Path] = []
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            found = sorted(path.glob("*" + MANIFEST_SUFFIX))
            if not found:
                raise ManifestError(f"{path}: directory holds no *{MANIFEST_SUFFIX} manifests")
            paths.extend(found)
        elif path.is_file():
            paths.append(path)
        else:
            raise ManifestError(f"{path}: no such manifest file or directory")
    unique: dict[Path, None] = {}
    for path in paths:
        unique.setdefault(path.resolve(), None)
    return list(unique)


def load_manifests(
    paths: Iterable[Path], sha256s: Mapping[Path, str] | None = None
) -> tuple[list[ManifestFile], list[SelectedRow]]:
    """Read manifests; return their descriptions and every row once, in manifest then file order.

    Rows are identified by content hash, so a row present in two manifests is the same test case and
    runs once (credited to the first manifest). A row repeated inside one manifest is an error (a
    compiled manifest never holds one), and so is an audio path that could reach outside the data root.
    `sha256s` gives hashes already computed (by the set check), so files are hashed once.
    """
    files: list[ManifestFile] = []
    rows: list[SelectedRow] = []
    seen: set[str] = set()
    for path in paths:
        sha = (sha256s or {}).get(path) or file_sha256(path)
        count = 0
        lines: dict[str, int] = {}
        for row in read_manifest(path):
            count += 1
            if row.id in lines:
                raise ManifestError(
                    f"{path}:{count}: row {row.id} repeats line {lines[row.id]} (a duplicated row); "
                    "recompile the manifest or remove the copy"
                )
            lines[row.id] = count
            check_audio_path(row.audio, source=f"{path}:{count}")
            if row.id not in seen:
                seen.add(row.id)
                rows.append(SelectedRow(row, sha))
        files.append(ManifestFile(path=path, sha256=sha, rows=count))
    return files, rows


def check_audio_path(audio: str, *, source: str) -> None:
    """Refuse an audio path that is absolute or climbs out of the data root (it would be read and sent)."""
    pure = PurePosixPath(audio.replace("\\", "/"))
    if pure.is_absolute() or PureWindowsPath(audio).is_absolute() or ".." in pure.parts:
        raise ManifestError(
            f"{source}: audio path {audio!r} is absolute or contains '..'; expected a path relative to "
            "the data root (rows may only read audio under --data-root)"
        )


def select_rows(rows: Sequence[SelectedRow], row_filter: RowFilter) -> list[SelectedRow]:
    """Apply filters and shard, then `limit` (so `--limit N` names the same N rows on every rerun)."""
    chosen = [item for item in rows if row_filter.accepts(item.row)]
    if row_filter.limit is not None:
        chosen = chosen[: max(0, row_filter.limit)]
    return chosen
