"""Word lists and label sets of the official ISA-Bench v1 scorer (facts, restated as data).

One module for the whole isa_v1 package: the instruction-file importer (label sets; its answer-only
checkers reuse the ASR/AAC phrase lists) and the official rules read them from here. Kept apart from
the rules so a reader can compare each list with SCORING-RULES.md at a glance.
"""

from __future__ import annotations

# The `task` string of the paper's instruction and result files -> isac task.
TASK_OF_OFFICIAL: dict[str, str] = {
    "asr": "ASR",
    "translation_ec": "S2TT",
    "audiocaption": "AAC",
    "emotion_recognition": "SER",
    "gender_recognition": "GR",
}

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

LABELS_BY_TASK: dict[str, tuple[str, ...]] = {"ser": EMOTIONS, "gr": GENDERS}

# F S2TT judge, test (1): the base keywords (" is" with its leading space included), each also with a
# suffix or a prefix, plus three compounds; finally the bare "汉语" is dropped while its suffixed and
# prefixed forms stay (so "汉语：" counts, "汉语" alone does not).
_S2TT_BASE_KEYWORDS: tuple[str, ...] = (
    "mandarin",
    "chinese",
    "translation",
    "中文是",
    "普通话版本",
    "汉语",
    "翻译",
    "译文",
    "原文",
    "译成",
    "翻成",
    "翻译成",
    "翻译为",
    "译为",
    " is",
)
S2TT_KEYWORD_SUFFIXES: tuple[str, ...] = (":", "：", "是", ")", "）")
S2TT_KEYWORD_PREFIXES: tuple[str, ...] = ("(", "（")


def _expand_translation_keywords() -> tuple[str, ...]:
    words = list(_S2TT_BASE_KEYWORDS)
    words += [base + suffix for suffix in S2TT_KEYWORD_SUFFIXES for base in _S2TT_BASE_KEYWORDS]
    words += [prefix + base for prefix in S2TT_KEYWORD_PREFIXES for base in _S2TT_BASE_KEYWORDS]
    words += ["中文翻译", "普通话翻译", "汉语翻译"]
    words.remove("汉语")
    return tuple(words)


S2TT_TRANSLATION_KEYWORDS: tuple[str, ...] = _expand_translation_keywords()

# F S2TT judge, test (4): words that make a colon-terminated lead-in ("中文翻译：") commentary.
S2TT_COLON_SEGMENT_WORDS: tuple[str, ...] = (
    "mandarin",
    "chinese",
    "translation",
    "普通话",
    "汉语",
    "翻译",
    "译文",
    "原文",
    "译成",
    "翻成",
    "翻译成",
    "翻译为",
    "译为",
)
S2TT_MAX_FOREIGN_ENGLISH_WORDS = 5  # this many English words absent from the reference fail

# N composite records: the subtasks the N script recognises in a `task` string such as "ASR|SER".
N_SUBTASKS: tuple[str, ...] = ("ASR", "SER", "GR")
N_DEFAULT_SEPARATOR = "\\"
