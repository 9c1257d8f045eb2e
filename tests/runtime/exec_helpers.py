"""Shared builders for the exec tests: rows covering every checker kind, manifests, audio, CLI runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import soundfile

from isac.compiler.manifests import LOCK_FILE, Lock, ManifestEntry, read_lock, write_rows_jsonl
from isac.compiler.rows import CheckerSpec, ManifestRow, make_row

REPO = Path(__file__).resolve().parents[2]
EMOTIONS = ["happy", "sad", "angry", "neutral"]
GENDERS = ["male", "female"]


def write_tone(path: Path, *, seconds: float = 0.2, rate: int = 16_000, fmt: str = "WAV") -> Path:
    """A short sine tone, so audio files are real and decodable."""
    path.parent.mkdir(parents=True, exist_ok=True)
    t = np.arange(int(seconds * rate)) / rate
    soundfile.write(str(path), (0.1 * np.sin(2 * np.pi * 220 * t)).astype(np.float32), rate, format=fmt)
    return path


def row(
    item: int,
    *,
    dimension: str = "F",
    variation_class: str = "F1",
    variant: str = "answer_only",
    task: str = "ASR",
    subtasks: Sequence[str] | None = None,
    references: dict[str, list[str]] | None = None,
    checker: dict | None = None,
    audio: str | None = None,
    instruction: str | None = None,
    meta: dict[str, str] | None = None,
) -> ManifestRow:
    """One row with sensible defaults; `item` makes ids and audio names distinct."""
    subtasks = list(subtasks or [task])
    checker = checker or {"kind": "text", "params": {"forbidden": ["the transcription is"]}}
    return make_row(
        dimension=dimension,
        variation_class=variation_class,
        variant=variant,
        task=task,
        subtasks=subtasks,
        dataset="toy",
        item_id=f"item{item:04d}",
        audio=audio or f"audio/item{item:04d}.wav",
        instruction=instruction or f"instruction {item} for {task} {variant}",
        references=references or {task: [f"reference words number {item}"]},
        checker=CheckerSpec(**checker),
        meta=meta or {},
    )


def every_checker_kind_rows() -> list[ManifestRow]:
    """Rows covering every checker kind of docs/contracts.md, with some awkward references."""
    asr = {"ASR": ["he hoped there would be stew for dinner"]}
    ser = {"SER": ["angry"]}
    gr = {"GR": ["female"]}
    aac = {"AAC": ["a dog barks while cars pass by", "traffic noise and a dog"]}
    s2tt = {"S2TT": ["他希望晚饭有炖菜"]}
    labels_ser = {"labels": EMOTIONS}
    return [
        row(1, dimension="D", variation_class="D1", variant="default", references=asr,
            checker={"kind": "prefix", "params": {"text": "The transcription is:", "case_sensitive": False}}),
        row(2, dimension="D", variation_class="D1", variant="default", task="S2TT", references=s2tt,
            checker={"kind": "prefix", "params": {"text": "the translation is:"}}),
        row(3, variation_class="F3", variant="prefix", task="AAC", references=aac,
            checker={"kind": "prefix", "params": {"text": "Audio-based caption: ", "case_sensitive": True}}),
        row(4, variation_class="F3", variant="prefix", references={"ASR": ['"quoted answer"']},
            checker={"kind": "prefix", "params": {"text": "<Transcript>"}}),
        row(5, variation_class="F3", variant="suffix", task="GR", references=gr,
            checker={"kind": "suffix", "params": {"text": "<end of answer>"}}),
        row(6, variation_class="F3", variant="wrap", references=asr,
            checker={"kind": "wrap", "params": {"left": "<s>", "right": "</s>"}}),
        row(7, variation_class="F4", variant="json", task="SER", references=ser,
            checker={"kind": "json_key", "params": {"key": "emotion_tag"}}),
        row(8, variation_class="F4", variant="json", task="S2TT", references=s2tt,
            checker={"kind": "json_key", "params": {"key": "translation"}}),
        row(9, variation_class="F2", variant="upper_case", references=asr, checker={"kind": "upper_case"}),
        row(10, variation_class="F2", variant="lower_case", task="AAC", references=aac,
            checker={"kind": "lower_case"}),
        row(11, variation_class="F2", variant="upper_case", task="SER", references=ser,
            checker={"kind": "upper_case"}),
        row(12, task="SER", references=ser, checker={"kind": "label", "params": labels_ser}),
        row(13, task="GR", references=gr, checker={"kind": "label", "params": {"labels": GENDERS}}),
        row(14, references=asr,
            checker={"kind": "text", "params": {"forbidden": ["the transcription is", "the speaker"]}}),
        row(15, dimension="N", variation_class="N1", variant="separator", task="SER+ASR",
            subtasks=["SER", "ASR"], references={**ser, **asr},
            checker={"kind": "separator",
                     "params": {"separator": "|", "subtasks": ["SER", "ASR"], "labels": {"SER": EMOTIONS}}}),
        row(16, dimension="N", variation_class="N2", variant="json", task="ASR+SER+GR",
            subtasks=["ASR", "SER", "GR"], references={**asr, **ser, **gr},
            checker={"kind": "json_keys",
                     "params": {"keys": ["asr_output", "emotion_output", "gender_output"],
                                "subtasks": ["ASR", "SER", "GR"],
                                "labels": {"SER": EMOTIONS, "GR": GENDERS}}}),
        row(17, dimension="N", variation_class="N2", variant="separator", task="GR+SER+ASR",
            subtasks=["GR", "SER", "ASR"], references={**gr, **ser, **asr},
            checker={"kind": "separator", "params": {"separator": " | ", "subtasks": ["GR", "SER", "ASR"],
                                                     "labels": {"SER": EMOTIONS, "GR": GENDERS}}}),
    ]  # fmt: skip


def write_manifest(path: Path, rows: Sequence[ManifestRow], *, lock: bool = True) -> Path:
    """Write rows as a canonical manifest file, listed (unless `lock` is False) in its directory's lock.

    `isac exec` runs only manifests that match the `isac.lock.json` beside them, as a compile leaves
    them; the lock written here records this file next to any manifest already listed.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    entry = write_rows_jsonl(path, rows)
    if lock:
        add_to_lock(path, entry)
    return path


def add_to_lock(path: Path, entry: ManifestEntry) -> None:
    """Record manifest `path` (row count and sha256) in the `isac.lock.json` of its directory."""
    directory = path.parent
    if (directory / LOCK_FILE).exists():
        previous = read_lock(directory)
    else:
        previous = Lock(isac_version="test", spec_sha256="test", seed=None, datasets={}, manifests={})
    manifests = {**previous.manifests, path.name: entry}
    lock = previous.model_copy(update={"manifests": dict(sorted(manifests.items()))})
    (directory / LOCK_FILE).write_text(lock.to_text(), encoding="utf-8")


def write_audio_for(rows: Sequence[ManifestRow], data_root: Path) -> None:
    """Create every row's audio file under `data_root`."""
    for item in rows:
        target = data_root / item.audio
        if not target.exists():
            write_tone(target)


def read_log(run_dir: Path) -> list[dict]:
    """Every record of a run's results.jsonl, asserting each line is complete JSON."""
    data = (run_dir / "results.jsonl").read_bytes()
    assert data == b"" or data.endswith(b"\n"), "results.jsonl ends with a partial line"
    return [json.loads(line) for line in data.decode("utf-8").splitlines()]


# Runs `isac exec` through the exec command module alone, with the same error handling as the `isac`
# entry point: building the full CLI imports every command (about 2 s), which dominated these tests.
_EXEC_ONLY = """
import argparse, sys
from isac.compiler.errors import IsacError
from isac.runtime.cli import exec_cmd
parser = argparse.ArgumentParser(prog="isac exec")
exec_cmd.add_arguments(parser)
args = parser.parse_args(sys.argv[2:])
try:
    sys.exit(exec_cmd.run(args))
except IsacError as error:
    print(f"isac: error: {error}", file=sys.stderr)
    sys.exit(2)
except KeyboardInterrupt:
    print("isac: interrupted", file=sys.stderr)
    sys.exit(130)
"""
_FULL_CLI = "import sys; from isac.runtime.cli import main; sys.exit(main(sys.argv[1:]))"


def isac_command(*args: str | Path, full_cli: bool = False) -> list[str]:
    """argv running `isac ARGS...` (ARGS starting with `exec` unless `full_cli`) with this interpreter."""
    return [sys.executable, "-c", _FULL_CLI if full_cli else _EXEC_ONLY, *[str(arg) for arg in args]]


def run_isac(
    *args: str | Path, env: dict[str, str] | None = None, timeout: float = 120, full_cli: bool = False
) -> subprocess.CompletedProcess:
    """Run the CLI to completion and return the finished process (text output)."""
    return subprocess.run(
        isac_command(*args, full_cli=full_cli),
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        cwd=REPO,
    )
