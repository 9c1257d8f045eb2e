"""Official D-dimension rules: each task asks for a fixed answer prefix or a single label.

The variation does not change the test in D; only the task does.
"""

from __future__ import annotations

import re

from isac.compiler.errors import ScoringError
from isac.runtime.isa_v1.rules.judgement import NON_COMPLIANT, Judgement, comply
from isac.runtime.isa_v1.rules.text import collapse_whitespace, strip_quote_pair
from isac.runtime.isa_v1.vocabulary import LABELS_BY_TASK

# ASR allows spaces before the colon; S2TT and AAC need the colon right after "is".
_ASR_PREFIX = re.compile(r"^\s*the transcript is\s*:\s*", re.IGNORECASE)
_S2TT_PREFIX = re.compile(r"^\s*the translation is:\s*", re.IGNORECASE)
_AAC_PREFIX = re.compile(r"^\s*The audio caption is:\s*", re.IGNORECASE)


def judge_d_asr(response: str) -> Judgement:
    """'the transcript is:' (any case, spaces allowed around the colon); hypothesis = the rest."""
    match = _ASR_PREFIX.match(response)
    return comply(response[match.end() :]) if match else NON_COMPLIANT


def judge_d_s2tt(response: str) -> Judgement:
    """Whitespace collapsed, then 'the translation is:'; the rest trimmed, one quote pair removed."""
    collapsed = collapse_whitespace(response)
    match = _S2TT_PREFIX.match(collapsed)
    if not match:
        return NON_COMPLIANT
    return comply(strip_quote_pair(collapsed[match.end() :].strip()))


def judge_d_aac(response: str) -> Judgement:
    """CR/LF to spaces, trimmed, then 'The audio caption is:'; the rest trimmed, one quote pair removed."""
    text = response.replace("\r\n", " ").replace("\n", " ").replace("\r", " ").strip()
    match = _AAC_PREFIX.match(text)
    if not match:
        return NON_COMPLIANT
    return comply(strip_quote_pair(text[match.end() :].strip()))


def normalize_d_label(response: str) -> str:
    """Strip ' then " then '.' from both ends and lowercase; whitespace is NOT trimmed."""
    return response.strip("'").strip('"').strip(".").lower()


def judge_d_label(task: str, response: str) -> Judgement:
    """SER/GR: the normalised response must be exactly one label ("Male." passes, " male" fails)."""
    label = normalize_d_label(response)
    return comply(label) if label in LABELS_BY_TASK[task] else NON_COMPLIANT


def judge_d(task: str, response: str) -> Judgement:
    """The D rule of an official task name (asr, s2tt, aac, ser, gr)."""
    if task == "asr":
        return judge_d_asr(response)
    if task == "s2tt":
        return judge_d_s2tt(response)
    if task == "aac":
        return judge_d_aac(response)
    if task in LABELS_BY_TASK:
        return judge_d_label(task, response)
    raise ScoringError(f"unknown official task {task!r}; expected one of asr, s2tt, aac, ser, gr")
