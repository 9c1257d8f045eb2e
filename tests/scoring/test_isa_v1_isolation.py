"""The ISA-Bench v1 compatibility package stays off isac's default paths.

`isac score` under the default profile, and `replay:` with a plain JSONL file, run in a fresh Python
process; a tiny driver reports which `isac.runtime.isa_v1` modules were imported by then. The same
driver with `--profile isa-v1` shows the check would notice an import.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.scoring.score_helpers import (
    EMOTIONS,
    Answer,
    checker,
    composite_row,
    row,
    write_manifest,
    write_run,
)

PACKAGE = "isac.runtime.isa_v1"

# Runs `isac <argv...>` (then, if given, loads a replay file) and prints the isa_v1 modules loaded.
DRIVER = f"""
import json, sys
from isac.runtime.cli import main
argv = json.loads(sys.argv[1])
code = main(argv["score"])
if argv["replay"]:
    from isac.runtime.adapters.replay import load_replay_file
    load_replay_file(argv["replay"])
loaded = sorted(name for name in sys.modules if name == "{PACKAGE}" or name.startswith("{PACKAGE}."))
print("LOADED=" + json.dumps({{"code": code, "modules": loaded}}))
"""


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    """A small run over D, F and N rows."""
    ser = row("SER", "i0", "happy", checker("label", labels=EMOTIONS))
    prefix = row(
        "ASR",
        "i1",
        "hello world",
        checker("prefix", text="The transcription is:", case_sensitive=False),
        dimension="F",
        variant="prefix",
    )
    labels = {"SER": EMOTIONS}
    composite = composite_row(
        ("ASR", "SER"),
        "i2",
        {"ASR": "good morning", "SER": "sad"},
        "separator",
        checker("separator", separator="|", subtasks=["ASR", "SER"], labels=labels),
    )
    manifests = [
        write_manifest(tmp_path / "m", "d-ser", [ser]),
        write_manifest(tmp_path / "m", "f-asr", [prefix]),
        write_manifest(tmp_path / "m", "n-asr-ser", [composite]),
    ]
    answers = [
        Answer(ser, "happy"),
        Answer(prefix, "The transcription is: hello world"),
        Answer(composite, "good morning|sad"),
    ]
    return write_run(tmp_path / "run", "isolation-model", manifests, answers)


def _loaded(score_argv: list[str], replay: Path | None = None) -> list[str]:
    payload = json.dumps({"score": score_argv, "replay": str(replay) if replay else None})
    done = subprocess.run(
        [sys.executable, "-c", DRIVER, payload], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    line = next(line for line in done.stdout.splitlines() if line.startswith("LOADED="))
    result = json.loads(line.removeprefix("LOADED="))
    assert result["code"] == 0, done.stdout + done.stderr
    return result["modules"]


def test_default_scoring_and_jsonl_replay_do_not_import_isa_v1(run_dir: Path, tmp_path: Path) -> None:
    replay = tmp_path / "replay.jsonl"
    replay.write_text(json.dumps({"row_id": "abc", "response": "happy"}) + "\n", encoding="utf-8")
    argv = ["score", str(run_dir), "--db", str(tmp_path / "default.duckdb"), "--no-meteor"]
    assert _loaded(argv, replay) == []


def test_the_isa_v1_profile_does_import_it(run_dir: Path, tmp_path: Path) -> None:
    argv = ["score", str(run_dir), "--db", str(tmp_path / "v1.duckdb"), "--no-meteor", "--profile", "isa-v1"]
    assert f"{PACKAGE}.profile" in _loaded(argv)
