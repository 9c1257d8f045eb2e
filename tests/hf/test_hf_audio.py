"""Audio loading: formats, channel mixing, resampling and errors naming the file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile

from isac.compiler.errors import IsacError
from isac.runtime.audio import AudioError, load_audio, resample

from .hf_helpers import AudioClips, sine


def dominant_frequency(samples: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.fft.rfftfreq(len(samples), 1 / rate)[int(np.argmax(spectrum))])


def test_wav_at_target_rate_is_returned_unchanged(audio_clips: AudioClips) -> None:
    samples = load_audio(audio_clips.tone_16k, 16_000)
    expected, _ = soundfile.read(audio_clips.tone_16k, dtype="float32")
    assert samples.dtype == np.float32
    assert samples.ndim == 1
    np.testing.assert_array_equal(samples, expected)


def test_flac_is_resampled_keeping_duration_and_pitch(audio_clips: AudioClips) -> None:
    samples = load_audio(audio_clips.tone_22k_flac, 16_000)
    assert samples.dtype == np.float32
    assert len(samples) == 16_000  # 1.0 s at 16 kHz
    assert dominant_frequency(samples, 16_000) == pytest.approx(440, abs=2)


def test_stereo_ogg_is_mixed_to_mono(audio_clips: AudioClips) -> None:
    samples = load_audio(audio_clips.stereo_ogg, 16_000)
    assert samples.ndim == 1
    assert len(samples) == pytest.approx(8_000, abs=2)
    # The channels carry +/- a 1 kHz tone on a shared 300 Hz tone: the mean keeps only 300 Hz.
    assert dominant_frequency(samples, 16_000) == pytest.approx(300, abs=4)


def test_speech_is_resampled_to_the_target_rate(audio_clips: AudioClips) -> None:
    info = soundfile.info(str(audio_clips.speech))
    samples = load_audio(audio_clips.speech, 16_000)
    assert len(samples) == pytest.approx(info.frames * 16_000 / info.samplerate, abs=2)
    assert float(np.abs(samples).max()) > 0.01


def test_upsampling_works_too() -> None:
    tone = sine(100, 0.25, 8_000)
    up = resample(tone, 8_000, 24_000)
    assert len(up) == 3 * len(tone)
    assert dominant_frequency(up, 24_000) == pytest.approx(100, abs=4)


def test_mp3_when_libsndfile_supports_it(tmp_path: Path) -> None:
    if "MP3" not in soundfile.available_formats():
        pytest.skip("this libsndfile has no MP3 support")
    path = tmp_path / "tone.mp3"
    try:
        soundfile.write(path, sine(440, 0.5, 16_000), 16_000, format="MP3")
    except (soundfile.LibsndfileError, RuntimeError) as error:
        pytest.skip(f"this libsndfile cannot encode MP3: {error}")
    samples = load_audio(path, 16_000)
    assert abs(len(samples) - 8_000) < 2_000  # MP3 frames add encoder delay and padding
    assert dominant_frequency(samples, 16_000) == pytest.approx(440, abs=8)


def test_missing_file_names_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "clip.wav"
    with pytest.raises(AudioError, match=r"nowhere/clip\.wav: audio file not found"):
        load_audio(missing, 16_000)


def test_undecodable_file_names_the_file(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.wav"
    bogus.write_text("this is not audio at all", encoding="utf-8")
    with pytest.raises(AudioError, match=r"bogus\.wav: cannot decode audio") as caught:
        load_audio(bogus, 16_000)
    assert isinstance(caught.value, IsacError)


def test_empty_audio_is_an_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty.wav"
    soundfile.write(empty, np.zeros(0, dtype=np.float32), 16_000)
    with pytest.raises(AudioError, match="no samples"):
        load_audio(empty, 16_000)
