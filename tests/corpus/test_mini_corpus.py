"""The bundled mini corpus is exactly what scripts/make_mini_corpus.py produces."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import soundfile

REPO = Path(__file__).resolve().parents[2]
BUNDLED = REPO / "data" / "mini"


def digests(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_bundled_audio_is_16khz_mono() -> None:
    audio = [p for p in BUNDLED.rglob("*") if p.suffix in {".wav", ".flac"}]
    assert len(audio) >= 40
    for path in audio:
        info = soundfile.info(path)
        assert (info.samplerate, info.channels) == (16_000, 1), path


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng not installed")
def test_script_regenerates_corpus_byte_for_byte(tmp_path: Path) -> None:
    out = tmp_path / "mini"
    subprocess.run(
        [sys.executable, str(REPO / "scripts" / "make_mini_corpus.py"), "--out", str(out)],
        check=True,
        capture_output=True,
    )
    assert digests(out) == digests(BUNDLED)
