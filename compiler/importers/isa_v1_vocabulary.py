"""Label sets and commentary phrases of the paper's ISA-Bench v1 scorer, shared by the importer of its
instruction files (`isa_v1.py`, whose answer-only checkers reuse the phrase lists) and the isa-v1
scoring profile (`isac.runtime.official.vocabulary`). Facts, restated as data.
"""

from __future__ import annotations

EMOTIONS: tuple[str, ...] = ("happy", "sad", "angry", "neutral")
GENDERS: tuple[str, ...] = ("male", "female")

# F ASR "answer only" and N ASR parts: phrases that reveal commentary instead of a bare transcript.
ASR_BLACKLIST: tuple[str, ...] = (
    "the speaker",
    "the audio",
    "the spoken content",
    "summary:",
    "the sentence",
)

# F AAC "answer only": plain substring tests on the lowercased response, so "labeled" or
# "captures" fail too (that is the official behaviour).
AAC_BLACKLIST: tuple[str, ...] = (
    "there is",
    "the clip",
    "the audio",
    "the recording",
    "no audio",
    "there are",
    "sorry",
    "can't",
    "caption",
    "label",
    ":",
    "the scene",
    "this is",
    "element",
    "the soundscape",
    "the text",
    "the speaker",
    "capture",
    "?",
)
