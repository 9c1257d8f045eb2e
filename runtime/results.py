"""The append-only result log of a run (`RUN_DIR/results.jsonl`): writing, repairing and reading it.

The file name and the `ResultRecord` model are part of the run directory contract
(`isac.runtime.run_files`).

The log is the only place a run's answers live, so it is written to survive `kill -9` at any moment:
each record is one canonical JSON line handed to the kernel with a single `write()` on a file opened
with `O_APPEND`. A crash can therefore leave at most one trailing line without its newline; opening the
log truncates that fragment away (and says so) before anything new is appended. Earlier records are
never rewritten: a rerun or a retry appends a new record and the last record of a row wins.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from isac.compiler.errors import RunError, first_validation_problem
from isac.runtime.run_files import ResultRecord

_READ_CHUNK = 1 << 16


@dataclass(frozen=True)
class RepairReport:
    """What `ResultLog.open` had to cut from the end of a log left by a crashed run."""

    path: Path
    truncated_bytes: int

    def describe(self) -> str:
        """One line for the user."""
        return (
            f"{self.path}: removed an incomplete last record ({self.truncated_bytes} bytes) "
            "left by an interrupted run; that row will run again"
        )


def repair_tail(path: Path) -> RepairReport | None:
    """Cut a trailing partial line (no final newline) from `path`; None when the file is intact.

    Only bytes after the last newline are removed, so every complete record is kept byte for byte.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return None
    if size == 0:
        return None
    with path.open("rb+") as handle:
        end = size
        # Walk back chunk by chunk to the last newline; a fragment is at most one record long.
        while end > 0:
            start = max(0, end - _READ_CHUNK)
            handle.seek(start)
            chunk = handle.read(end - start)
            newline = chunk.rfind(b"\n")
            if newline >= 0:
                keep = start + newline + 1
                break
            end = start
        else:
            keep = 0
        if keep == size:
            return None
        handle.truncate(keep)
        handle.flush()
        os.fsync(handle.fileno())
    return RepairReport(path=path, truncated_bytes=size - keep)


def read_records(path: Path) -> Iterator[ResultRecord]:
    """Yield every complete record of a log in file order.

    A trailing fragment without its newline (an interrupted write) is skipped, not reported: reading
    never changes the file. A malformed complete line is an error naming the file and line.
    """
    path = Path(path)
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        return
    with handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.endswith(b"\n"):
                return
            yield _parse_record(raw, source=f"{path}:{number}")


_RECORD_ADAPTER = TypeAdapter(ResultRecord)
# Strings every record of a run repeats; interned, a log's records share one copy of each.
_SHARED_FIELDS = ("manifest_sha256", "model")


def _parse_record(raw: bytes, *, source: str) -> ResultRecord:
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise RunError(f"{source}: result record is not valid JSON ({error})") from None
    if isinstance(data, dict):
        for name in _SHARED_FIELDS:
            if isinstance(data.get(name), str):
                data[name] = sys.intern(data[name])
    try:
        return _RECORD_ADAPTER.validate_python(data)
    except ValidationError as error:
        where, problem = first_validation_problem(error, "(record)")
        raise RunError(f"{source}: invalid result record at key {where}: {problem}") from None


def latest_records(path: Path) -> dict[str, ResultRecord]:
    """The last record of every row in a log (the record that counts)."""
    latest: dict[str, ResultRecord] = {}
    for record in read_records(path):
        latest[record.row_id] = record
    return latest


class ResultLog:
    """An open, append-only result log with a single writer (the engine's main thread)."""

    def __init__(self, path: Path, fd: int, repair: RepairReport | None) -> None:
        self.path = path
        self._fd = fd
        self.repair = repair

    @classmethod
    def open(cls, path: Path) -> ResultLog:
        """Repair a crashed tail if needed, then open for appending (creating the file)."""
        path = Path(path)
        repair = repair_tail(path)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        return cls(path, fd, repair)

    def append(self, record: ResultRecord) -> None:
        """Append one record as one `write()` of a whole line.

        The line goes straight to the kernel (no user-space buffer), so once this returns the record
        survives the process being killed. On the rare short write the rest is written too; a crash in
        between leaves a fragment that the next `open` removes.
        """
        data = record.to_line().encode("utf-8")
        try:
            written = os.write(self._fd, data)
            while written < len(data):
                written += os.write(self._fd, data[written:])
        except OSError as error:
            # A full disk or a vanished mount: every record written before is intact (a fragment of
            # this one is cut when the log is next opened), so say how to resume instead of a traceback.
            raise RunError(
                f"{self.path}: cannot append a result record ({error.strerror or error}); the records "
                "written so far are kept; fix the cause (e.g. free disk space) and rerun to resume"
            ) from None

    def close(self) -> None:
        """Flush to stable storage and close."""
        if self._fd >= 0:
            try:
                os.fsync(self._fd)
            finally:
                os.close(self._fd)
                self._fd = -1

    def __enter__(self) -> ResultLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
