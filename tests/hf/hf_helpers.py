"""Helpers of the transformers adapter tests: audio synthesis and manifest rows."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile

from isac.compiler.rows import CheckerSpec, ManifestRow, make_row
from isac.runtime.adapters.base import GenerationRequest


@dataclass(frozen=True)
class AudioClips:
    """Paths of the synthesized clips; `root` is their data root."""

    root: Path
    speech: Path  # espeak-ng speech at its native 22.05 kHz (or noise when espeak-ng is absent)
    tone_16k: Path  # 0.5 s 440 Hz sine, 16 kHz WAV
    tone_22k_flac: Path  # 1.0 s 440 Hz sine, 22.05 kHz FLAC
    stereo_ogg: Path  # 0.5 s, 44.1 kHz, left and right channels in antiphase plus a shared 300 Hz tone
    noise_16k: Path  # 0.7 s of seeded white noise


def sine(frequency: float, seconds: float, rate: int, amplitude: float = 0.3) -> np.ndarray:
    """A float32 sine wave."""
    t = np.arange(round(seconds * rate)) / rate
    return (amplitude * np.sin(2 * np.pi * frequency * t)).astype(np.float32)


def write_audio_clips(root: Path) -> AudioClips:
    """Write every clip of AudioClips under `root`."""
    root.mkdir(parents=True, exist_ok=True)
    speech = root / "speech.wav"
    espeak = shutil.which("espeak-ng")
    if espeak is not None:
        subprocess.run(
            [espeak, "-v", "en-us", "-w", str(speech), "the transcription is hello world"],
            check=True,
            capture_output=True,
        )
    else:
        noise = np.random.default_rng(1).standard_normal(16_000).astype(np.float32) * 0.05
        soundfile.write(speech, noise, 16_000)
    tone_16k = root / "tone16k.wav"
    soundfile.write(tone_16k, sine(440, 0.5, 16_000), 16_000)
    tone_22k = root / "tone22k.flac"
    soundfile.write(tone_22k, sine(440, 1.0, 22_050), 22_050, format="FLAC")
    stereo = root / "stereo.ogg"
    side = sine(1000, 0.5, 44_100)
    common = sine(300, 0.5, 44_100)
    soundfile.write(stereo, np.stack([common + side, common - side], axis=1), 44_100, format="OGG")
    noise_path = root / "noise16k.wav"
    noise = np.random.default_rng(0).standard_normal(11_200).astype(np.float32) * 0.1
    soundfile.write(noise_path, noise, 16_000)
    return AudioClips(root, speech, tone_16k, tone_22k, stereo, noise_path)


def manifest_row(index: int, instruction: str, audio: str, task: str = "ASR") -> ManifestRow:
    """A single-task row whose audio path is relative to the clips' root."""
    return make_row(
        dimension="D",
        variation_class="D1",
        variant="default",
        task=task,
        subtasks=(task,),
        dataset="synthetic",
        item_id=f"item{index:03d}",
        audio=audio,
        instruction=instruction,
        references={task: ("hello world",)},
        checker=CheckerSpec(kind="text", params={"forbidden": []}),
    )


INSTRUCTIONS = (
    "Transcribe the audio.",
    "What is the emotion of the speaker? Answer with one word: happy, sad, angry or neutral.",
    "Describe the sound.",
    "Is the speaker male or female? Please listen carefully to the whole clip before you answer, "
    "then write the answer in lower case letters.",
)


def requests_for(clips: AudioClips, names: list[str]) -> list[GenerationRequest]:
    """One request per clip name, cycling through INSTRUCTIONS so prompt lengths differ."""
    requests = []
    for index, name in enumerate(names):
        row = manifest_row(index, INSTRUCTIONS[index % len(INSTRUCTIONS)], name)
        requests.append(GenerationRequest(row=row, audio_path=clips.root / name))
    return requests
