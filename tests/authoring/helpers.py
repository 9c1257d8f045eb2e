"""A scripted mix of good and bad candidates, and a copy of the real spec to author into."""

from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SPEC_DIR = REPO / "spec"

# (pool of ASR or SER, candidate, the rules that must reject it; () = accepted)
ASR_TASK_DESCRIPTIONS: list[tuple[str, tuple[str, ...]]] = [
    ("Put the spoken words of this clip into writing", ()),
    ("Convert everything the narrator says into written text", ()),
    ("Transcribe the\naudio clip for me", ("single_line",)),
    ("Bitte transkribieren Sie diese Aufnahme", ("english",)),
    ("Transcribe the recording.", ("length",)),
    ("Transcribe the audio {% raw %}now{% endraw %}", ("template",)),
    ("transcribe THE audio", ("duplicate",)),
    ("Transcribe the speech in this recording now", ("near_duplicate",)),
    ("Please write down what is said, beginning with the transcription is", ("leakage",)),
]
SER_TASK_DESCRIPTIONS: list[tuple[str, tuple[str, ...]]] = [
    ("Figure out the feeling carried by this voice", ()),
    ("Decide whether the speaker sounds happy", ("leakage",)),
]
ASR_FORMAT_DESCRIPTIONS: list[tuple[str, tuple[str, ...]]] = [
    ('whatever else you do, have "{{ prefix }}" come first in your answer', ()),
    ('begin the output with "{{prefix}}" before the words', ("placeholders",)),
    ("open your reply with {{ prefix }} and then the words", ("required_text",)),
    ('write "{{ prefix }}" first, and the words after "{{ prefix }}"', ("placeholders",)),
]
ASR_COMPLEX: list[tuple[str, tuple[str, ...]]] = [
    (
        "Paying close attention to every word, including short function words and hesitations, produce "
        "a faithful written record of the speech",
        (),
    ),
    (
        "Please listen very carefully to the complete recording of this speaker to write down every "
        "single spoken word",
        ("complexity",),
    ),
]

SCRIPTED = {
    ("ASR", "task_descriptions"): ASR_TASK_DESCRIPTIONS,
    ("SER", "task_descriptions"): SER_TASK_DESCRIPTIONS,
    ("ASR", "format_descriptions"): ASR_FORMAT_DESCRIPTIONS,
    ("ASR", "rewrites.complex"): ASR_COMPLEX,
}


def spec_copy(tmp_path: Path) -> Path:
    """A copy of the shipped spec to author into, without the review files of earlier rounds."""
    target = tmp_path / "spec"
    shutil.copytree(SPEC_DIR, target, ignore=shutil.ignore_patterns("*.candidates.jsonl"))
    return target
