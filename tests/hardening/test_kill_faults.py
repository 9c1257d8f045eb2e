"""Issue 12: `kill -9` during `release` and `score` leaves nothing half-written that a later command
accepts, and rerunning completes; the METEOR jar dies with a killed `isac score`.

Every command runs as a real subprocess on small inputs (a few seconds each). Kills are timed by what
the victim has written (its staging folder, its database file, its java child), so they land inside the
step under test on a busy machine too; whatever moment they hit, the assertions below must hold.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import duckdb
import pytest

from isac.compiler.errors import ManifestError, RunError, ScoringError
from isac.compiler.manifests import verify_manifest_set
from isac.compiler.release import RELEASES_DIR, list_releases
from isac.runtime.cli import main
from isac.runtime.execution.runner import ExecConfig, execute
from isac.runtime.scoring.metrics import meteor_java
from isac.runtime.scoring.pipeline import create_database
from tests.runtime.exec_helpers import REPO, isac_command, row, write_manifest

POLL_S = 0.002
ROWS = 2000  # rows per scored run: scoring one takes about a second once the database is open


def _wait_for(condition: Callable[[], bool], process: subprocess.Popen, limit_s: float = 60) -> bool:
    """Poll until `condition` holds (True) or the process ends first (False); bounded by `limit_s`."""
    end = time.monotonic() + limit_s
    while time.monotonic() < end:
        if condition():
            return True
        if process.poll() is not None:
            return condition()
        time.sleep(POLL_S)
    raise AssertionError(f"nothing happened within {limit_s} s")


def _kill(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def _start(*args: str | Path) -> subprocess.Popen:
    return subprocess.Popen(
        isac_command(*args, full_cli=True), cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def _finish(*args: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        isac_command(*args, full_cli=True), cwd=REPO, capture_output=True, text=True, timeout=120
    )


# ----------------------------------------------------------------------------------------- release


def _manifest_set(directory: Path, manifests: int = 4, rows: int = 3000) -> Path:
    for number in range(manifests):
        first = number * rows
        items = [row(i, instruction=f"instruction {number}.{i}") for i in range(first, first + rows)]
        write_manifest(directory / f"f-part{number}.jsonl", items)
    return directory


def test_kill_9_during_release_leaves_no_release_that_a_later_command_accepts(tmp_path: Path) -> None:
    source = _manifest_set(tmp_path / "set")
    artifacts = tmp_path / "artifacts"
    releases = artifacts / RELEASES_DIR
    # kill as soon as the staging folder appears (mid-copy), then later (verify, diff)
    moments: list[float | None] = [None, 0.1, 0.6]
    for attempt, delay in enumerate(moments):
        version = f"1.{attempt}"
        staging = releases / f".{version}.partial"
        process = _start("release", version, "--from", source, "--artifacts", artifacts)
        if delay is None:
            _wait_for(staging.exists, process)
        else:
            _wait_for(lambda: releases.exists(), process)
            time.sleep(delay)
        _kill(process)
        target = releases / version
        # a release is listed (and found by the next release's diff) only when it is whole
        if version in list_releases(artifacts):
            assert verify_manifest_set(target).ok
        if staging.exists() and not verify_manifest_set(staging).ok:
            # a staged copy cut short is hidden from releases and refused by exec: as an incomplete
            # set (RunError), or as a folder with no manifest yet when the kill came before the first
            # copy (ManifestError)
            with pytest.raises((RunError, ManifestError)):
                execute(ExecConfig(manifests=(str(staging),), model="constant:x", out=tmp_path / "run"))
        again = _finish("release", version, "--from", source, "--artifacts", artifacts)
        if again.returncode != 0:  # the kill came after the rename: the release was already whole
            assert "already exists" in again.stderr, again.stderr
        assert verify_manifest_set(target).ok
        assert not staging.exists()
        assert not [path.name for path in target.iterdir() if path.name.endswith(".tmp")]
    assert list_releases(artifacts) == [f"1.{attempt}" for attempt in range(len(moments))]


# ------------------------------------------------------------------------------------------- score


def _run(tmp_path: Path, name: str, rows: int) -> Path:
    items = [row(i) for i in range(rows)]
    write_manifest(tmp_path / "set" / "f-asr.jsonl", items)
    out = tmp_path / name
    execute(ExecConfig(manifests=(str(tmp_path / "set"),), model=f"constant:{name}", out=out, progress=False))
    return out


def _scored(db: Path) -> dict[str, tuple[int, int]]:
    """Per model: (rows_total in `runs`, row_scores rows actually stored)."""
    with duckdb.connect(str(db), read_only=True) as connection:
        runs = connection.execute("SELECT run_id, model, rows_total FROM runs").fetchall()
        return {
            model: (
                total,
                connection.execute("SELECT count(*) FROM row_scores WHERE run_id = ?", [run_id]).fetchone()[
                    0
                ],
            )
            for run_id, model, total in runs
        }


def _later_commands_agree(
    db: Path,
    states: Sequence[dict[str, tuple[int, int]]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    *,
    report: bool = True,
) -> None:
    """The database holds one of `states` (before the run, or with the run whole: the kill may come
    after the commit), never a part of a run; query and report see exactly that."""
    if not db.exists():  # killed before the database was created
        assert {} in states
        return
    capsys.readouterr()
    with duckdb.connect(str(db), read_only=True) as connection:
        tables = {name for (name,) in connection.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    if "schema_info" not in tables:  # killed before the tables were committed: refused, not misread
        assert {} in states
        assert main(["query", str(db), "SELECT 1"]) == 2
        assert "not an isac scoring database" in capsys.readouterr().err
        return
    found = _scored(db)
    assert found in states
    assert main(["query", str(db), "SELECT model FROM runs ORDER BY model"]) == 0
    listed = capsys.readouterr().out
    assert all(model in listed for model in found)
    if not report:
        return
    written = main(["report", str(db), "--out", str(tmp_path / "report")])
    if found:
        assert written == 0
        assert all(model in (tmp_path / "report" / "report.md").read_text() for model in found)
    else:
        assert written == 2 and "no scored runs" in capsys.readouterr().err


def _holds_open(pid: int, path: Path) -> Callable[[], bool]:
    """Whether process `pid` has `path` open (DuckDB opens the file when scoring begins)."""
    target = str(path.resolve())

    def check() -> bool:
        try:
            links = [os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()]
        except OSError:  # a descriptor closed while listing, or the process ended
            return False
        return target in links

    return check


def test_kill_9_during_score_keeps_the_database_as_it_was(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = _run(tmp_path, "first", ROWS)
    db = tmp_path / "scores.duckdb"
    committed: dict[str, tuple[int, int]] = {}
    # a first score into a new file, killed once the database is open (creating or upgrading it) and
    # once inside the run's transaction; then the same run scored again (replacing its rows), killed
    for victim, delays in ((first, (0.0, 0.5)), (first, (0.5,))):
        for delay in delays:
            process = _start("score", victim, "--db", db, "--no-meteor")
            _wait_for(_holds_open(process.pid, db), process)
            time.sleep(delay)
            _kill(process)
            whole = {"constant:first": (ROWS, ROWS)}
            _later_commands_agree(db, [committed, whole], tmp_path, capsys, report=not committed)
        done = _finish("score", victim, "--db", db, "--no-meteor")
        assert done.returncode == 0, done.stderr
        committed = {"constant:first": (ROWS, ROWS)}
        assert _scored(db) == committed
    _later_commands_agree(db, [committed], tmp_path, capsys)


# ---------------------------------------------------------------------------------- METEOR's child


def _aac_run(tmp_path: Path) -> Path:
    references = {"AAC": ["a dog barks while cars pass by", "traffic noise and a dog"]}
    items = [row(i, task="AAC", references=references) for i in range(40)]
    write_manifest(tmp_path / "set" / "f-aac.jsonl", items)
    out = tmp_path / "run"
    execute(ExecConfig(manifests=(str(tmp_path / "set"),), model="constant:a dog", out=out, progress=False))
    return out


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # the command name may hold spaces or parentheses: the fields after the last ')' are fixed
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for its reaper counts as dead)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _java_ready() -> bool:
    try:
        meteor_java.find_java_tools()
    except ScoringError:
        return False
    return True


needs_java = pytest.mark.skipif(not _java_ready(), reason="needs Java and the METEOR 1.5 jar")


@needs_java
@pytest.mark.skipif(meteor_java.shutil.which("setpriv") is None, reason="needs util-linux setpriv")
def test_the_meteor_jar_dies_when_isac_score_is_killed(tmp_path: Path) -> None:
    run = _aac_run(tmp_path)
    process = _start("score", run, "--db", tmp_path / "s.duckdb")
    jars: list[int] = []

    def jar_started() -> bool:
        jars[:] = [pid for pid in _children(process.pid) if "meteor-1.5.jar" in _cmdline(pid)]
        return bool(jars)

    try:
        assert _wait_for(jar_started, process), "isac score ended before starting the METEOR jar"
        [jar] = jars
        _kill(process)
        # The kernel signals it as its parent dies. Without that, the jar would still run out its table
        # loading (several seconds; a killed parent only shows as end of input once it reads stdin),
        # so the bound is short: "dies with the parent", not "exits some time later".
        end = time.monotonic() + 3
        while _alive(jar) and time.monotonic() < end:
            time.sleep(0.05)
        assert not _alive(jar), f"METEOR jar {jar} outlived the killed isac score"
    finally:
        _kill(process)
        for pid in jars:  # never leave a 2 GB java behind, even when the assertion failed
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_without_setpriv_the_command_runs_unwrapped(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    command = ["java", "-jar", "meteor-1.5.jar"]
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no setpriv here
    assert meteor_java.die_with_parent(command) == command
    monkeypatch.undo()
    if meteor_java.shutil.which("setpriv") is not None:
        assert meteor_java.die_with_parent(command)[-3:] == command
        # pdeathsig follows the starting thread: from a worker thread the child must not be tied to it
        results: list[list[str]] = []
        worker = threading.Thread(target=lambda: results.append(meteor_java.die_with_parent(command)))
        worker.start()
        worker.join()
        assert results == [command]


@needs_java
def test_the_meteor_jar_starts_and_stops_without_setpriv(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    tools = meteor_java.find_java_tools()
    monkeypatch.setenv("PATH", str(tmp_path))  # no setpriv; java is found by its full path in `tools`
    scorer = meteor_java.Meteor15(tools)
    try:
        end = time.monotonic() + 30  # the child shows its command line once it has exec'd java
        while "meteor-1.5.jar" not in _cmdline(scorer.pid) and time.monotonic() < end:
            time.sleep(POLL_S)
        assert _alive(scorer.pid) and "meteor-1.5.jar" in _cmdline(scorer.pid)
        assert scorer.pid in _children(os.getpid())  # started directly, not through a wrapper
    finally:
        scorer.close()  # without the kernel's help, close() is what stops it
    assert not _alive(scorer.pid)


def test_a_new_database_appears_whole_and_a_killed_creation_is_redone(tmp_path: Path) -> None:
    db = tmp_path / "scores.duckdb"
    (tmp_path / ".scores.duckdb.creating").write_bytes(b"DUCK")  # what a kill mid-creation leaves
    assert create_database(db) == db
    assert [path.name for path in tmp_path.iterdir()] == ["scores.duckdb"]
    assert main(["query", str(db), "SELECT count(*) AS runs FROM runs"]) == 0
    before = db.read_bytes()
    create_database(db)  # an existing file is never touched
    assert db.read_bytes() == before
