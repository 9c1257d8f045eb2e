"""LibriSpeech (openslr.org/12): transcripts for ASR and speaker sex for GR.

Layout under the data root (defaults):

    LibriSpeech/SPEAKERS.TXT
    LibriSpeech/test-clean/<spk>/<chapter>/<spk>-<chapter>.trans.txt  (lines "<utt-id> TRANSCRIPT")
    LibriSpeech/test-clean/<spk>/<chapter>/<spk>-<chapter>-<utt>.flac

SPEAKERS.TXT: lines starting with ";" are comments; other lines are `ID | SEX | SUBSET | MINUTES | NAME`
separated by "|" (the name itself may contain "|"), SEX `M` or `F`.

Item id: the utterance id (`1089-134686-0000`). References: {"ASR": (transcript,), "GR": ("male"|"female",)}.
The 2620 test-clean utterances serve both ASR and GR.

Options:
    path       folder of the distribution under the data root (default "LibriSpeech")
    split      subset folder inside it (default "test-clean")
    speakers   speaker table inside `path` (default "SPEAKERS.TXT")
    audio_ext  extension of the audio files, e.g. "wav" for converted copies (default "flac")
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from isac.compiler.datasets.base import DatasetItem
from isac.compiler.datasets.common import (
    check_options,
    extension_option,
    iter_lines,
    posix_relative,
    read_text,
    relative_option,
    require_dir,
)
from isac.compiler.errors import DatasetError

NAME = "librispeech"
OPTIONS: dict[str, str] = {
    "path": "distribution folder under the data root, default 'LibriSpeech'",
    "split": "subset folder, default 'test-clean'",
    "speakers": "speaker table inside path, default 'SPEAKERS.TXT'",
    "audio_ext": "audio file extension, default 'flac'",
}
SEX_LABELS: dict[str, str] = {"M": "male", "F": "female"}
_UTTERANCE = re.compile(r"(\d+)-(\d+)-(\d+)")


class LibriSpeechAdapter:
    """Indexes one LibriSpeech subset (test-clean by default)."""

    name = NAME

    def index(self, root: Path, options: Mapping[str, Any]) -> tuple[list[DatasetItem], list[Path]]:
        """Items of the subset and the index files read (every trans.txt plus SPEAKERS.TXT)."""
        check_options(NAME, options, OPTIONS)
        base = root / relative_option(NAME, options, "path", "LibriSpeech")
        split_dir = base / relative_option(NAME, options, "split", "test-clean")
        speakers_file = base / relative_option(NAME, options, "speakers", "SPEAKERS.TXT")
        extension = extension_option(NAME, options, "audio_ext", "flac") or ".flac"

        require_dir(split_dir, "<speaker>/<chapter>/<speaker>-<chapter>.trans.txt inside it")
        transcript_files = sorted(split_dir.glob("*/*/*.trans.txt"))
        if not transcript_files:
            raise DatasetError(
                f"no transcript files found under {split_dir} "
                "(expected <speaker>/<chapter>/<speaker>-<chapter>.trans.txt)"
            )
        sexes = parse_speakers(read_text(speakers_file), speakers_file)

        items: list[DatasetItem] = []
        for file in transcript_files:
            for utterance, transcript in parse_transcripts(read_text(file), file):
                speaker = utterance.split("-", 1)[0]
                if speaker not in sexes:
                    raise DatasetError(
                        f"{speakers_file}: no line for speaker {speaker} (needed by {file}); "
                        "expected 'ID | SEX | SUBSET | MINUTES | NAME'"
                    )
                audio = posix_relative(file.parent / f"{utterance}{extension}", root)
                items.append(DatasetItem(utterance, audio, {"ASR": (transcript,), "GR": (sexes[speaker],)}))
        return items, [*transcript_files, speakers_file]


def parse_speakers(text: str, file: Path) -> dict[str, str]:
    """Speaker id -> "male"/"female" from SPEAKERS.TXT, rejecting malformed lines with file:line."""
    sexes: dict[str, str] = {}
    for line in iter_lines(text):
        stripped = line.text.strip()
        if not stripped or stripped.startswith(";"):
            continue
        columns = [column.strip() for column in stripped.split("|", 4)]
        if len(columns) < 3 or not columns[0].isdigit():
            raise DatasetError(
                f"{file}:{line.number}: expected 'ID | SEX | SUBSET | MINUTES | NAME', got {stripped!r}"
            )
        sex = columns[1].upper()
        if sex not in SEX_LABELS:
            raise DatasetError(f"{file}:{line.number}: SEX column must be M or F, got {columns[1]!r}")
        sexes[columns[0]] = SEX_LABELS[sex]
    return sexes


def parse_transcripts(text: str, file: Path) -> list[tuple[str, str]]:
    """(utterance id, transcript) pairs of one `<spk>-<chapter>.trans.txt` file.

    Every id must belong to the file's speaker and chapter, so a misplaced line is caught here.
    """
    expected_prefix = file.name.removesuffix(".trans.txt") + "-"
    pairs: list[tuple[str, str]] = []
    for line in iter_lines(text):
        if not line.text.strip():
            continue
        utterance, _, transcript = line.text.strip().partition(" ")
        if not _UTTERANCE.fullmatch(utterance) or not transcript.strip():
            raise DatasetError(
                f"{file}:{line.number}: expected '<speaker>-<chapter>-<utterance> TRANSCRIPT', "
                f"got {line.text!r}"
            )
        if not utterance.startswith(expected_prefix):
            raise DatasetError(
                f"{file}:{line.number}: utterance {utterance} does not belong to this file "
                f"(expected ids starting with {expected_prefix})"
            )
        pairs.append((utterance, transcript.strip()))
    return pairs


ADAPTER = LibriSpeechAdapter  # registered as the dataset adapter "librispeech" (the module name)
