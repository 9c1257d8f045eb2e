"""Load an audio file as mono float32 samples at the rate a model's feature extractor expects.

Anything libsndfile decodes is accepted (WAV, FLAC, OGG/Vorbis/Opus, MP3 with libsndfile >= 1.1).
Multi-channel audio is averaged to mono; other rates are resampled with a polyphase filter, which is
exact for the integer ratios common in speech corpora (22.05/44.1/48 kHz to 16 kHz).
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import soundfile

from isac.compiler.errors import IsacError


class AudioError(IsacError):
    """An audio file is missing, empty or cannot be decoded."""


def load_audio(path: Path | str, target_rate: int) -> np.ndarray:
    """Read `path` and return 1-D float32 samples at `target_rate` Hz.

    Raises AudioError naming the file when it is missing, undecodable or holds no samples.
    """
    path = Path(path)
    if target_rate <= 0:
        raise ValueError(f"target_rate must be positive, got {target_rate}")
    if not path.is_file():
        raise AudioError(f"{path}: audio file not found")
    try:
        samples, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    except (soundfile.LibsndfileError, RuntimeError, TypeError) as error:
        raise AudioError(f"{path}: cannot decode audio ({error})") from error
    if samples.shape[0] == 0:
        raise AudioError(f"{path}: audio file holds no samples")
    mono = samples.mean(axis=1) if samples.shape[1] > 1 else samples[:, 0]
    return resample(mono, int(rate), target_rate)


def resample(samples: np.ndarray, source_rate: int, target_rate: int) -> np.ndarray:
    """Resample 1-D `samples` from `source_rate` to `target_rate` (float32 out)."""
    if source_rate == target_rate:
        return np.ascontiguousarray(samples, dtype=np.float32)
    # scipy.signal takes ~2 s to import: only when a file really needs resampling (in `exec openai:` 64
    # threads waited on that import for the first FLAC, a third of the run on the mini set).
    from scipy.signal import resample_poly

    # The reduced fraction keeps the polyphase filter as short as the ratio allows.
    ratio = Fraction(target_rate, source_rate)
    resampled = resample_poly(samples.astype(np.float64), ratio.numerator, ratio.denominator)
    return resampled.astype(np.float32)
