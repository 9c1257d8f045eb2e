"""IEMOCAP (one session): emotion labels for SER, speaker sex for GR, transcripts for ASR and N.

Layout under the data root (defaults, session 5):

    IEMOCAP_full_release/Session5/dialog/EmoEvaluation/<dialog>.txt
        summary lines "[6.2901 - 8.2357]<TAB>Ses05F_impro01_F000<TAB>neu<TAB>[2.5000, 2.5000, 2.5000]";
        other lines (header, annotator votes, blanks) are ignored
    IEMOCAP_full_release/Session5/dialog/transcriptions/<dialog>.txt
        lines "Ses05F_impro01_F000 [006.2901-008.2357]: Excuse me."; lines whose id is not an
        utterance of the dialog (e.g. "..._MXX") are skipped
    IEMOCAP_full_release/Session5/sentences/wav/<dialog>/<utterance>.wav

Files whose name starts with "." (e.g. macOS "._" copies found in some archives) are ignored.

Classes: the usual four-class setup with excited merged into happy: hap and exc -> happy, sad -> sad,
ang -> angry, neu -> neutral; every other code (fru, sur, fea, dis, oth, xxx) is dropped. Session 5
gives the paper's 1241 items (442 happy, 384 neutral, 245 sad, 170 angry).

Sex comes from the utterance id: the letter after its last underscore (`..._F000` -> female,
`..._M012` -> male). The dialog name's letter (`Ses05F_...`) names the actor who led the session,
not the speaker, and is not used.

Item id: the utterance id. References: {"SER": (label,), "GR": (sex,), "ASR": (transcript,)}.

Options:
    path     distribution folder under the data root (default "IEMOCAP_full_release")
    session  session number 1..5 (default 5)
    sessions list of session numbers, e.g. [1, 2, 3, 4] for the usual training split (instead of `session`)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from isac.compiler.datasets.base import DatasetItem
from isac.compiler.datasets.common import (
    check_options,
    int_option,
    iter_lines,
    posix_relative,
    read_text,
    relative_option,
    require_dir,
)
from isac.compiler.errors import DatasetError

NAME = "iemocap"
OPTIONS: dict[str, str] = {
    "path": "distribution folder under the data root, default 'IEMOCAP_full_release'",
    "session": "session number 1..5, default 5",
    "sessions": "list of session numbers 1..5 (instead of session), e.g. [1, 2, 3, 4] for training",
}
# categorical code -> class label; None drops the utterance
CLASS_OF_CODE: dict[str, str | None] = {
    "hap": "happy",
    "exc": "happy",
    "sad": "sad",
    "ang": "angry",
    "neu": "neutral",
    "fru": None,
    "sur": None,
    "fea": None,
    "dis": None,
    "oth": None,
    "xxx": None,
}
SEX_OF_LETTER: dict[str, str] = {"F": "female", "M": "male"}

_SUMMARY = re.compile(r"\[\s*[\d.]+\s*-\s*[\d.]+\s*\]\s+(?P<id>\S+)\s+(?P<code>\S+)\s+\[[^\]]*\]\s*")
_TRANSCRIPT = re.compile(r"(?P<id>\S+)\s+\[[^\]]*\]:\s?(?P<text>.*)")
_UTTERANCE_TAIL = re.compile(r"_(?P<sex>[FM])\d+")


class IemocapAdapter:
    """Indexes the four-class labelled utterances of one IEMOCAP session."""

    name = NAME

    def index(self, root: Path, options: Mapping[str, Any]) -> tuple[list[DatasetItem], list[Path]]:
        """Labelled items and the index files read (every EmoEvaluation and transcription file used)."""
        check_options(NAME, options, OPTIONS)
        items: list[DatasetItem] = []
        read: list[Path] = []
        for session in _sessions(options):
            session_items, session_read = self._index_session(root, options, session)
            items += session_items
            read += session_read
        return items, read

    def _index_session(
        self, root: Path, options: Mapping[str, Any], session: int
    ) -> tuple[list[DatasetItem], list[Path]]:
        session_dir = (
            root / relative_option(NAME, options, "path", "IEMOCAP_full_release") / f"Session{session}"
        )
        evaluation_dir = session_dir / "dialog" / "EmoEvaluation"
        transcription_dir = session_dir / "dialog" / "transcriptions"
        require_dir(evaluation_dir, "one <dialog>.txt of categorical labels per dialog")
        evaluation_files = sorted(
            path for path in evaluation_dir.glob("*.txt") if path.is_file() and not path.name.startswith(".")
        )
        if not evaluation_files:
            raise DatasetError(f"no <dialog>.txt label files found in {evaluation_dir}")

        items: list[DatasetItem] = []
        read: list[Path] = []
        for evaluation_file in evaluation_files:
            dialog = evaluation_file.stem
            labels = parse_evaluation(read_text(evaluation_file), evaluation_file, dialog)
            transcription_file = transcription_dir / evaluation_file.name
            transcripts = parse_transcriptions(read_text(transcription_file), transcription_file, dialog)
            read += [evaluation_file, transcription_file]
            for utterance, label in labels.items():
                if label is None:
                    continue
                if utterance not in transcripts:
                    raise DatasetError(
                        f"{transcription_file}: no transcript line for utterance {utterance} "
                        f"(labelled in {evaluation_file})"
                    )
                audio = posix_relative(session_dir / "sentences" / "wav" / dialog / f"{utterance}.wav", root)
                references = {
                    "SER": (label,),
                    "GR": (speaker_sex(utterance),),
                    "ASR": (transcripts[utterance],),
                }
                items.append(DatasetItem(utterance, audio, references))
        return items, read


def _sessions(options: Mapping[str, Any]) -> list[int]:
    """The sessions to index: `sessions` (a list) or `session` (one number, default 5), each 1..5."""
    if "sessions" in options:
        if "session" in options:
            raise DatasetError(f"dataset adapter {NAME!r}: give either 'session' or 'sessions', not both")
        raw = options["sessions"]
        values = raw if isinstance(raw, list) else []
        bad = [v for v in values if isinstance(v, bool) or not isinstance(v, int)]
        if not isinstance(raw, list) or not raw or bad:
            raise DatasetError(
                f"dataset adapter {NAME!r}: option 'sessions' must be a non-empty list of integers, "
                f"got {raw!r}"
            )
        sessions = sorted(set(raw))
    else:
        sessions = [int_option(NAME, options, "session", 5)]
    key = "sessions" if "sessions" in options else "session"
    for session in sessions:
        if not 1 <= session <= 5:
            raise DatasetError(f"dataset adapter {NAME!r}: option {key!r} must be 1..5, got {session}")
    return sessions


def speaker_sex(utterance: str) -> str:
    """ "female"/"male" from the letter after the utterance id's last underscore."""
    match = _UTTERANCE_TAIL.search(utterance)
    if match is None or match.end() != len(utterance):
        raise DatasetError(f"IEMOCAP utterance id {utterance!r} does not end in _F<digits> or _M<digits>")
    return SEX_OF_LETTER[match["sex"]]


def is_utterance_of(identifier: str, dialog: str) -> bool:
    """Whether `identifier` is an utterance of `dialog` (`<dialog>_F000`, `<dialog>_M012`)."""
    tail = identifier.removeprefix(dialog + "_")
    return identifier.startswith(dialog + "_") and _UTTERANCE_TAIL.fullmatch("_" + tail) is not None


def parse_evaluation(text: str, file: Path, dialog: str) -> dict[str, str | None]:
    """Utterance id -> four-class label (None for dropped codes) from one EmoEvaluation file."""
    labels: dict[str, str | None] = {}
    for line in iter_lines(text):
        if not line.text.startswith("["):
            continue  # header, annotator votes and blank lines
        match = _SUMMARY.fullmatch(line.text)
        if match is None:
            raise DatasetError(
                f"{file}:{line.number}: expected '[START - END]<TAB>UTTERANCE<TAB>CODE<TAB>[V, A, D]', "
                f"got {line.text!r}"
            )
        utterance, code = match["id"], match["code"]
        if not is_utterance_of(utterance, dialog):
            raise DatasetError(
                f"{file}:{line.number}: utterance id {utterance!r} is not of the form {dialog}_F<digits> "
                f"or {dialog}_M<digits>"
            )
        if code not in CLASS_OF_CODE:
            raise DatasetError(
                f"{file}:{line.number}: unknown emotion code {code!r}; "
                f"expected one of {', '.join(CLASS_OF_CODE)}"
            )
        if utterance in labels:
            raise DatasetError(f"{file}:{line.number}: utterance {utterance} is labelled twice")
        labels[utterance] = CLASS_OF_CODE[code]
    return labels


def parse_transcriptions(text: str, file: Path, dialog: str) -> dict[str, str]:
    """Utterance id -> transcript from one transcription file, skipping non-utterance lines."""
    transcripts: dict[str, str] = {}
    for line in iter_lines(text):
        identifier = line.text.split(" ", 1)[0]
        if not is_utterance_of(identifier, dialog):
            continue
        match = _TRANSCRIPT.fullmatch(line.text)
        if match is None:
            raise DatasetError(
                f"{file}:{line.number}: expected '{identifier} [START-END]: TEXT', got {line.text!r}"
            )
        transcripts[identifier] = match["text"].strip()
    return transcripts


ADAPTER = IemocapAdapter  # registered as the dataset adapter "iemocap" (the module name)
