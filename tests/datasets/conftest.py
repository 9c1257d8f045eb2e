"""Builders of tiny fake dataset trees in the standard layouts, with real (tiny) audio files."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import soundfile as sf

SAMPLE_RATE = 16_000


def write_audio(path: Path, audio_format: str | None = None) -> None:
    """A few hundred samples of a quiet sine, in the format the extension implies."""
    path.parent.mkdir(parents=True, exist_ok=True)
    samples = 0.1 * np.sin(2 * np.pi * 440 * np.arange(400) / SAMPLE_RATE)
    sf.write(path, samples, SAMPLE_RATE, format=audio_format)


def write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# ---------------------------------------------------------------- LibriSpeech

SPEAKERS_TXT = """\
; Some comment lines as in the real file
;ID  |SEX| SUBSET           |MINUTES| NAME
121  | F | test-clean       |  8.02 | Anne
1089 | M | test-clean       |  8.03 | Bob | with a bar
14   | F | train-clean-360  | 25.03 | Kristin
"""

LIBRISPEECH_TRANSCRIPTS: dict[tuple[str, str], dict[str, str]] = {
    ("1089", "134686"): {"0000": "HE HOPED THERE WOULD BE STEW", "0001": "STUFF IT INTO YOU"},
    ("121", "121726"): {"0000": "ALSO A POPULAR CONTRIVANCE", "0001": "HUSBAND THE NEXT THING"},
}


def build_librispeech(
    root: Path, *, missing: Iterable[str] = (), reverse: bool = False, speakers: str = SPEAKERS_TXT
) -> Path:
    """LibriSpeech/test-clean with four utterances; utterances in `missing` get no audio."""
    chapters = list(LIBRISPEECH_TRANSCRIPTS.items())
    if reverse:  # create files in another order: the index must not depend on it
        chapters.reverse()
    for (speaker, chapter), utterances in chapters:
        folder = root / "LibriSpeech" / "test-clean" / speaker / chapter
        lines = "".join(f"{speaker}-{chapter}-{utt} {text}\n" for utt, text in utterances.items())
        for utt in sorted(utterances, reverse=reverse):
            utterance = f"{speaker}-{chapter}-{utt}"
            if utterance not in set(missing):
                write_audio(folder / f"{utterance}.flac")
        write_text(folder / f"{speaker}-{chapter}.trans.txt", lines)
    write_text(root / "LibriSpeech" / "SPEAKERS.TXT", speakers)
    return root


# ---------------------------------------------------------------- CoVoST 2

COVOST_ROWS: list[tuple[str, str, str, str, str]] = [
    ("common_voice_en_3.mp3", 'He said "hi', "他说嗨", "c1", "test"),
    ("common_voice_en_1.mp3", "Good morning.", "早上好。", "c2", "test"),
    ("common_voice_en_2.mp3", "Train row.", "训练。", "c3", "train"),
    ("common_voice_en_4.mp3", "Dev row.", "开发。", "c4", "dev"),
    ("common_voice_en_5.mp3", 'It\'s "quoted" text', "引用的文字", "c5", "test"),
]


def build_covost2(root: Path, *, missing: Iterable[str] = (), extension: str = ".mp3") -> Path:
    """The en->zh table with three test rows and their clips (stored with `extension`)."""
    header = "path\tsentence\ttranslation\tclient_id\tsplit\n"
    body = "".join("\t".join(row) + "\n" for row in COVOST_ROWS)
    write_text(root / "CoVoST2" / "covost_v2.en_zh-CN.tsv", header + body)
    for path, *_ in COVOST_ROWS:
        stem = Path(path).stem
        if stem not in set(missing):
            audio_format = "MP3" if extension == ".mp3" else None
            write_audio(root / "CoVoST2" / "clips" / f"{stem}{extension}", audio_format)
    return root


# ---------------------------------------------------------------- IEMOCAP


@dataclass(frozen=True)
class Utterance:
    """One fake IEMOCAP utterance: its dialog, id suffix (e.g. F000), emotion code and transcript."""

    dialog: str
    suffix: str
    code: str
    transcript: str = "Excuse me."

    @property
    def id(self) -> str:
        return f"{self.dialog}_{self.suffix}"


def build_iemocap(root: Path, utterances: Iterable[Utterance], *, session: int = 5) -> Path:
    """EmoEvaluation, transcription and wav files for the given utterances, in real-file style."""
    by_dialog: dict[str, list[Utterance]] = {}
    for utterance in utterances:
        by_dialog.setdefault(utterance.dialog, []).append(utterance)
    session_dir = root / "IEMOCAP_full_release" / f"Session{session}"
    for dialog, members in by_dialog.items():
        evaluation = ["% [START_TIME - END_TIME] TURN_NAME EMOTION [V, A, D]", ""]
        transcription = [f"{dialog}_MXX [000.0000-001.0000]: overlapping crosstalk"]
        for number, utterance in enumerate(members):
            start, end = 1.5 * number, 1.5 * number + 1.2
            evaluation += [
                f"[{start:.4f} - {end:.4f}]\t{utterance.id}\t{utterance.code}\t[2.5000, 2.5000, 2.5000]",
                "C-E2:\tNeutral;\t()",
                "A-E3:\tval 3; act 2; dom  2;\t()",
                "",
            ]
            transcription.append(f"{utterance.id} [{start:08.4f}-{end:08.4f}]: {utterance.transcript}")
            write_audio(session_dir / "sentences" / "wav" / dialog / f"{utterance.id}.wav")
        write_text(session_dir / "dialog" / "EmoEvaluation" / f"{dialog}.txt", "\n".join(evaluation) + "\n")
        write_text(
            session_dir / "dialog" / "transcriptions" / f"{dialog}.txt", "\n".join(transcription) + "\n"
        )
    return root


# ---------------------------------------------------------------- AudioCaps

AUDIOCAPS_CSV = (
    "audiocap_id,youtube_id,start_time,caption\n"
    '103,abc123,30,"A dog barks, then a man speaks"\n'
    "101,abc123,30,A dog barks\n"
    "102,abc123,30,Barking and talking\n"
    "200,zzz999,0,Rain falls on a roof\n"
    '150,mmm555,10,"Wind, then ""thunder"""\n'
)


def build_audiocaps(root: Path, *, missing: Iterable[str] = ()) -> Path:
    """A caption table with three clips, and their audio except for `missing` youtube ids."""
    write_text(root / "AudioCaps" / "test.csv", AUDIOCAPS_CSV)
    for youtube_id in ("abc123", "zzz999", "mmm555"):
        if youtube_id not in set(missing):
            write_audio(root / "AudioCaps" / "audio" / "test" / f"Y{youtube_id}.wav")
    return root


@pytest.fixture
def fake() -> SimpleNamespace:
    """The tree builders and constants of this module, for tests (conftest modules are not imported)."""
    return SimpleNamespace(
        librispeech=build_librispeech,
        covost2=build_covost2,
        iemocap=build_iemocap,
        audiocaps=build_audiocaps,
        Utterance=Utterance,
        write_audio=write_audio,
        write_text=write_text,
        SPEAKERS_TXT=SPEAKERS_TXT,
    )


@pytest.fixture
def tree(tmp_path: Path) -> Callable[[str], Path]:
    """A fresh sub-folder of tmp_path per name, to build several trees in one test."""

    def make(name: str) -> Path:
        folder = tmp_path / name
        folder.mkdir()
        return folder

    return make
