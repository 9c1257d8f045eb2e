"""Write, read and verify a compiled manifest set: `<name>.jsonl` files plus `isac.lock.json`.

A manifest file is canonical JSON lines (see `compiler/rows.py`); the lock file records the isac version,
the spec hash, the seed, dataset fingerprints and the row count and sha256 of every manifest file, so
`verify_manifest_set` can detect any edited, missing or added file or row.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, ValidationError

from isac.compiler import __version__
from isac.compiler.errors import ManifestError, first_validation_problem
from isac.compiler.rows import ManifestRow, row_id
from isac.compiler.task_table import CompiledAxis, CompiledTask

LOCK_FILE = "isac.lock.json"
MANIFEST_SUFFIX = ".jsonl"
_CHUNK = 1 << 20


class DatasetFingerprint(BaseModel):
    """Which dataset index a manifest set was compiled from."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    adapter: str
    fingerprint: str
    items: int


class ManifestEntry(BaseModel):
    """What the lock file records about one manifest file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rows: int
    sha256: str


class Lock(BaseModel):
    """The content of `isac.lock.json`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    isac_version: str
    spec_sha256: str
    seed: int | None
    datasets: dict[str, DatasetFingerprint]
    manifests: dict[str, ManifestEntry]  # file name ("d-asr.jsonl") -> rows and sha256
    # What scoring reads about each task and axis; empty in sets compiled before isac recorded them.
    tasks: dict[str, CompiledTask] = {}
    axes: tuple[CompiledAxis, ...] = ()
    # The folder the set was compiled from (`bundled:mini` or an absolute path): where exec and eval look
    # for audio when no --data-root or $ISAC_DATA_ROOT is given. Not part of what was compiled (the
    # manifests' hashes do not depend on it) and left out of the file when unknown.
    data_root: str | None = None

    def to_text(self) -> str:
        """Pretty canonical JSON: sorted keys, 2-space indent, UTF-8, trailing newline."""
        content = self.model_dump(mode="json")
        if content["data_root"] is None:  # locks written before it was recorded stay byte-identical
            del content["data_root"]
        return json.dumps(content, sort_keys=True, ensure_ascii=False, indent=2) + "\n"


# --------------------------------------------------------------------------------------------- writing


class SerializableRow(Protocol):
    """A `ManifestRow`, or a row already serialised by the compiler (`build.CompiledRow`)."""

    def to_json(self) -> str:
        """The row's canonical JSON line, without the newline."""
        ...


def manifest_file_name(name: str) -> str:
    """`d-asr` -> `d-asr.jsonl` (a name that already ends in .jsonl is kept)."""
    return name if name.endswith(MANIFEST_SUFFIX) else name + MANIFEST_SUFFIX


def write_manifest_set(
    out_dir: Path,
    manifests: Mapping[str, Iterable[SerializableRow]],
    *,
    spec_sha256: str,
    seed: int | None,
    datasets: Mapping[str, DatasetFingerprint],
    tasks: Mapping[str, CompiledTask] | None = None,
    axes: Iterable[CompiledAxis] = (),
    force: bool = False,
    data_root: str | None = None,
) -> Lock:
    """Write every manifest canonically, then the lock file, and return the lock; all or nothing.

    `tasks` and `axes` (from `isac.compiler.task_table`) tell scoring how each task is scored and
    which radar axes exist.

    `manifests` maps a manifest name (`d-asr`, without or with `.jsonl`) to its rows in output order;
    the rows may be a lazy iterable, so a large set is streamed to disk without being held in memory.

    The set is written into a hidden sibling directory and renamed to `out_dir` when complete, so a
    compile killed midway leaves `out_dir` as it was (the next compile removes the leftover). An
    existing `out_dir` holding an intact, identical set is kept; one holding a different set is replaced
    whole only with `force`; a non-empty directory that is not a compiled set is refused.
    """
    out_dir = Path(out_dir)
    names = {manifest_file_name(name): rows for name, rows in manifests.items()}
    if len(names) != len(manifests):
        raise ManifestError(f"{out_dir}: two manifest names map to the same file name")
    _check_target(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(out_dir)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}{_PARTIAL}{os.getpid()}-", dir=out_dir.parent))
    try:
        entries: dict[str, ManifestEntry] = {}
        for file_name in sorted(names):
            entries[file_name] = _write_rows(staging / file_name, names[file_name])
        lock = Lock(
            isac_version=__version__,
            spec_sha256=spec_sha256,
            seed=seed,
            datasets=dict(sorted(datasets.items())),
            manifests=entries,
            tasks=dict(tasks or {}),
            axes=tuple(axes),
            data_root=data_root,
        )
        _atomic_write_bytes(staging / LOCK_FILE, lock.to_text().encode("utf-8"))
        _fsync_tree(staging)
        _install(staging, out_dir, lock, force=force)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return lock


_PARTIAL = ".partial-"
_REPLACED = ".replaced-"


def _check_target(out_dir: Path) -> None:
    """Refuse a target that is a file, or a non-empty directory that is not a compiled set."""
    if out_dir.exists() and not out_dir.is_dir():
        raise ManifestError(f"{out_dir}: exists and is not a directory; expected an output folder")
    if out_dir.is_dir() and not (out_dir / LOCK_FILE).exists():
        present = sorted(path.name for path in out_dir.iterdir())
        if present:
            raise ManifestError(
                f"{out_dir}: is not empty and holds no {LOCK_FILE} ({', '.join(present[:5])}); "
                "compile into an empty or new directory"
            )


def _install(staging: Path, out_dir: Path, lock: Lock, *, force: bool) -> None:
    """Move a complete staged set to `out_dir` (see `write_manifest_set` for the rules)."""
    if not out_dir.exists() or not any(out_dir.iterdir()):
        os.replace(staging, out_dir)  # a rename onto an empty directory replaces it atomically
        return
    same_lock = (out_dir / LOCK_FILE).read_bytes() == (staging / LOCK_FILE).read_bytes()
    if same_lock and verify_manifest_set(out_dir).ok:
        return  # the same set, intact: keep the files (and their times) as they are
    if not force:
        raise ManifestError(
            f"{out_dir}: already holds a different compiled set (or one that no longer verifies); pass "
            "--force to replace the directory whole, or compile into a new --out"
        )
    replaced = out_dir.with_name(f".{out_dir.name}{_REPLACED}{os.getpid()}")
    os.replace(out_dir, replaced)
    os.replace(staging, out_dir)
    shutil.rmtree(replaced, ignore_errors=True)


def _remove_leftovers(out_dir: Path) -> None:
    """Remove staging and replaced directories of earlier compiles into `out_dir` whose process died."""
    parent = out_dir.parent
    if not parent.is_dir():
        return
    for marker in (_PARTIAL, _REPLACED):
        for path in parent.glob(f".{out_dir.name}{marker}*"):
            pid = path.name[len(f".{out_dir.name}{marker}") :].split("-", 1)[0]
            if pid.isdigit() and not _alive(int(pid)):
                shutil.rmtree(path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _fsync_tree(directory: Path) -> None:
    """Flush a staged set's files to disk before it is renamed into place (a power cut keeps it whole)."""
    for path in directory.iterdir():
        with path.open("rb") as handle:
            os.fsync(handle.fileno())


def write_rows_jsonl(path: Path, rows: Iterable[SerializableRow]) -> ManifestEntry:
    """Write one manifest file atomically; return its row count and sha256."""
    return _write_rows(Path(path), rows)


def _write_rows(path: Path, rows: Iterable[SerializableRow]) -> ManifestEntry:
    digest = hashlib.sha256()
    count = 0
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("wb") as handle:
        buffer: list[bytes] = []
        for row in rows:
            line = (row.to_json() + "\n").encode("utf-8")
            digest.update(line)
            buffer.append(line)
            count += 1
            if len(buffer) >= 4096:
                handle.write(b"".join(buffer))
                buffer.clear()
        handle.write(b"".join(buffer))
    os.replace(tmp, path)
    return ManifestEntry(rows=count, sha256=digest.hexdigest())


def _atomic_write_bytes(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


# --------------------------------------------------------------------------------------------- reading


def read_lock(directory: Path) -> Lock:
    """Load and validate `isac.lock.json` from a compiled directory."""
    path = Path(directory) / LOCK_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ManifestError(f"{path}: lock file not found; is {directory} a compiled manifest set?") from None
    try:
        return Lock.model_validate_json(text)
    except ValidationError as error:
        where, problem = first_validation_problem(error, "(top level)")
        raise ManifestError(f"{path}: malformed lock file at {where}: {problem}") from None


def parse_row(line: str, *, source: str) -> ManifestRow:
    """Parse one manifest line and check that its id is the hash of its content.

    `source` names the place in messages, e.g. `out/d-asr.jsonl:12`.
    """
    try:
        raw = json.loads(line)
    except json.JSONDecodeError as error:
        raise ManifestError(f"{source}: not valid JSON ({error.msg} at column {error.colno})") from None
    if not isinstance(raw, dict):
        raise ManifestError(f"{source}: expected a JSON object, got {type(raw).__name__}")
    try:
        row = ManifestRow.model_validate(raw)
    except ValidationError as error:
        where, problem = first_validation_problem(error, "(row)")
        raise ManifestError(f"{source}: invalid row at key {where}: {problem}") from None
    expected = row_id(raw)
    if raw.get("id") != expected:
        raise ManifestError(
            f"{source}: row id {raw.get('id')!r} does not match its content hash {expected!r} "
            "(the row was edited after compiling)"
        )
    return row


def read_manifest(path: Path) -> Iterator[ManifestRow]:
    """Yield the rows of a manifest file, failing with file and line on any bad row."""
    path = Path(path)
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise ManifestError(f"{path}: manifest file not found") from None
    with handle:
        for number, raw in enumerate(handle, start=1):
            line = decode_manifest_line(raw, source=f"{path}:{number}")
            if not line.strip():
                raise ManifestError(f"{path}:{number}: empty line in manifest")
            yield parse_row(line, source=f"{path}:{number}")


def decode_manifest_line(raw: bytes, *, source: str) -> str:
    """One manifest line as text: UTF-8 with an LF ending (ManifestError naming `source` otherwise)."""
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ManifestError(
            f"{source}: not UTF-8 (byte 0x{raw[error.start]:02x} at column {error.start + 1}); "
            "manifests are UTF-8 JSON lines"
        ) from None
    if line.endswith("\r\n"):
        raise ManifestError(
            f"{source}: line ends with CRLF (\\r\\n); manifests use LF line endings (was the file "
            "converted by an editor or git's autocrlf?)"
        )
    return line


def file_sha256(path: Path) -> str:
    """sha256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# ------------------------------------------------------------------------------------------- verifying

ProblemKind = Literal[
    "missing_lock", "bad_lock", "missing_file", "added_file", "edited_file", "row_count", "bad_row"
]


@dataclass(frozen=True)
class VerifyProblem:
    """One way a compiled directory differs from its lock file."""

    kind: ProblemKind
    file: str  # path relative to the verified directory
    message: str
    line: int | None = None

    def describe(self) -> str:
        """`file:line: message` for printing."""
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class VerifyReport:
    """Result of `verify_manifest_set`: empty `problems` means the set is intact."""

    directory: Path
    problems: tuple[VerifyProblem, ...]
    files_checked: int
    rows_checked: int

    @property
    def ok(self) -> bool:
        """True when nothing was edited, removed or added."""
        return not self.problems

    def lines(self) -> list[str]:
        """Human-readable problem list, one line each."""
        return [problem.describe() for problem in self.problems]


# Rows listed individually per edited file before the report summarises the rest.
_MAX_ROW_PROBLEMS = 20


def verify_manifest_set(directory: Path) -> VerifyReport:
    """Compare a compiled directory with its lock file.

    Detects a missing or malformed lock, missing manifest files, files not listed in the lock (any file,
    in any subfolder), manifest files whose bytes changed, and inside a changed file the rows that no
    longer match their id, malformed rows and a changed row count (rows removed or added).
    """
    directory = Path(directory)
    problems: list[VerifyProblem] = []
    if not (directory / LOCK_FILE).exists():
        problems.append(VerifyProblem("missing_lock", LOCK_FILE, "lock file not found"))
        return VerifyReport(directory, tuple(problems), 0, 0)
    try:
        lock = read_lock(directory)
    except ManifestError as error:
        problems.append(VerifyProblem("bad_lock", LOCK_FILE, str(error)))
        return VerifyReport(directory, tuple(problems), 0, 0)

    present = sorted(
        path.relative_to(directory).as_posix() for path in directory.rglob("*") if not path.is_dir()
    )
    for name in present:
        if name != LOCK_FILE and name not in lock.manifests:
            problems.append(VerifyProblem("added_file", name, "file not listed in the lock file"))

    files_checked = rows_checked = 0
    for name, entry in sorted(lock.manifests.items()):
        path = directory / name
        if not path.is_file():
            problems.append(VerifyProblem("missing_file", name, f"manifest missing ({entry.rows} rows)"))
            continue
        files_checked += 1
        if file_sha256(path) == entry.sha256:
            rows_checked += entry.rows
            continue
        problems.append(VerifyProblem("edited_file", name, "sha256 differs from the lock file"))
        count, row_problems = _scan_rows(path, name)
        rows_checked += count
        problems.extend(row_problems)
        if count != entry.rows:
            change = "removed" if count < entry.rows else "added"
            problems.append(
                VerifyProblem(
                    "row_count",
                    name,
                    f"{count} rows, lock file says {entry.rows} ({abs(count - entry.rows)} {change})",
                )
            )
    return VerifyReport(directory, tuple(problems), files_checked, rows_checked)


def _scan_rows(path: Path, name: str) -> tuple[int, list[VerifyProblem]]:
    """Count rows and list those that are malformed, do not match their id, or repeat an id."""
    problems: list[VerifyProblem] = []
    seen: set[str] = set()
    count = hidden = 0
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            count += 1
            message: str | None = None
            line = raw.decode("utf-8", "replace")
            try:
                decode_manifest_line(raw, source=f"{name}:{number}")
                row = parse_row(line, source=f"{name}:{number}")
            except ManifestError as error:
                message = str(error).split(": ", 1)[1]
            else:
                if row.id in seen:
                    message = f"row id {row.id} appears twice"
                seen.add(row.id)
                if message is None and line != row.to_json() + "\n":
                    message = f"row {row.id} is not in canonical form"
            if message is not None:
                if len(problems) < _MAX_ROW_PROBLEMS:
                    problems.append(VerifyProblem("bad_row", name, message, line=number))
                else:
                    hidden += 1
    if hidden:
        problems.append(VerifyProblem("bad_row", name, f"... and {hidden} more bad rows"))
    return count, problems
