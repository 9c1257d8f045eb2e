"""Word lists and label sets of the official ISA-Bench v1 scorer (facts, restated as data).

Kept apart from the rules so a reader can compare each list with SCORING-RULES.md at a glance. The
label sets and the ASR/AAC phrase lists live with the instruction-file importer, which needs them too.
"""

from __future__ import annotations

from isac.compiler.importers.isa_v1_vocabulary import EMOTIONS, GENDERS

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
