"""`isac exec --model hf:<tiny checkpoint>` end to end, as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from isac.compiler.manifests import write_rows_jsonl

from .hf_helpers import INSTRUCTIONS, AudioClips, manifest_row

pytest.importorskip("torch")
pytest.importorskip("transformers")

ISAC = Path(sys.executable).with_name("isac")
AUDIO = ["speech.wav", "tone16k.wav", "tone22k.flac", "missing.wav", "stereo.ogg", "noise16k.wav"]


def exec_args(manifest: Path, checkpoint: Path, run_dir: Path, data_root: Path) -> list[str]:
    return [
        "exec",
        str(manifest),
        "--model",
        f"hf:{checkpoint}",
        "--out",
        str(run_dir),
        "--data-root",
        str(data_root),
        "--batch-size",
        "4",
        "--max-new-tokens",
        "8",
        "--device",
        "cpu",
        "--no-progress",
        "--no-verify",  # a hand-made manifest, not a compiled set
        "--max-error-rate",
        "1",  # the missing.wav row fails on purpose
    ]


def read_records(run_dir: Path) -> list[dict]:
    lines = (run_dir / "results.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def test_exec_runs_a_tiny_checkpoint_and_resumes(
    tiny_qwen2_audio: Path, audio_clips: AudioClips, tmp_path: Path
) -> None:
    if not ISAC.exists():
        pytest.skip(f"the isac console script is not installed next to {sys.executable}")
    if not (Path(__file__).resolve().parents[2] / "runtime" / "cli" / "exec_cmd.py").exists():
        pytest.skip("isac exec is not built yet")
    rows = [manifest_row(index, INSTRUCTIONS[index % 4], name) for index, name in enumerate(AUDIO)]
    manifest = tmp_path / "d-asr.jsonl"
    write_rows_jsonl(manifest, rows)
    run_dir = tmp_path / "run"
    environment = {**os.environ, "HF_HUB_OFFLINE": "1"}

    completed = subprocess.run(
        [str(ISAC), *exec_args(manifest, tiny_qwen2_audio, run_dir, audio_clips.root)],
        capture_output=True,
        text=True,
        env=environment,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr

    records = read_records(run_dir)
    assert [record["row_id"] for record in records] == [row.id for row in rows]
    by_audio = dict(zip(AUDIO, records, strict=True))
    assert by_audio["missing.wav"]["response"] is None
    assert "missing.wav" in by_audio["missing.wav"]["error"]
    assert "not found" in by_audio["missing.wav"]["error"]
    for name in AUDIO:
        if name != "missing.wav":
            assert by_audio[name]["error"] is None
            assert isinstance(by_audio[name]["response"], str)
            assert by_audio[name]["prompt_tokens"] > 0
            assert 0 < by_audio[name]["completion_tokens"] <= 8

    fingerprint = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))["model"]
    assert fingerprint["adapter"] == "hf-qwen2-audio"
    assert fingerprint["model_id"] == f"hf:{tiny_qwen2_audio}"
    assert fingerprint["generation"]["max_new_tokens"] == 8

    # Resuming in-process: the fingerprint is the same, so every row is already done.
    from isac.runtime.cli import main

    assert main(exec_args(manifest, tiny_qwen2_audio, run_dir, audio_clips.root)) == 0
    assert len(read_records(run_dir)) == len(rows)

    # The in-process adapter answers the readable rows exactly as the CLI run did (greedy decoding).
    from isac.runtime.adapters.base import AdapterOptions, GenerationRequest
    from isac.runtime.adapters.hf import build_hf_adapter

    adapter = build_hf_adapter(str(tiny_qwen2_audio), AdapterOptions(max_new_tokens=8, device="cpu"))
    requests = [GenerationRequest(row, audio_clips.root / row.audio) for row in rows[:3]]
    answers = adapter.generate(requests)
    assert [answer.response for answer in answers] == [record["response"] for record in records[:3]]


def test_a_checkpoint_that_cannot_load_is_one_clear_error_before_any_row(
    tiny_qwen2_audio: Path, audio_clips: AudioClips, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Weights load before the first batch: a corrupt shard stops the run naming the cause, and no row
    becomes an error record (before, every row retried the load and failed alone)."""
    import shutil

    from isac.runtime.cli import main

    broken = tmp_path / "broken"
    shutil.copytree(tiny_qwen2_audio, broken)
    shards = sorted(broken.glob("*.safetensors"))
    assert shards, f"no safetensors shard in {tiny_qwen2_audio}"
    for shard in shards:
        shard.write_bytes(b"not a safetensors file")
    rows = [manifest_row(index, INSTRUCTIONS[0], "tone16k.wav") for index in range(3)]
    manifest = tmp_path / "d-asr.jsonl"
    write_rows_jsonl(manifest, rows)
    run_dir = tmp_path / "run"

    assert main(exec_args(manifest, broken, run_dir, audio_clips.root)) == 2
    error = capsys.readouterr().err
    assert f"hf:{broken}: the model could not be loaded (SafetensorError" in error
    assert "no row was executed" in error
    assert not (run_dir / "results.jsonl").exists() or read_records(run_dir) == []
