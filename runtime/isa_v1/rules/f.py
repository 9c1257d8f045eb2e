"""Official F-dimension rules: one format test per variation, task-specific constrain and json tests.

`judge_f(task, variation, response, param, reference)`: `param` is the variation's own parameter in
the result file (the prefix, the suffix, the "LEFT|RIGHT" wrap pair or the json key; None when the
file gives none); `reference` is the item's `text`, needed by the ASR and S2TT "answer only" judges.
Hypotheses are returned as the official script passes them on, before any metric-side normalisation.
"""

from __future__ import annotations

import json
from typing import Any

from isac.compiler.errors import ScoringError
from isac.runtime.isa_v1.rules.answer_only import is_aac_answer_only, is_asr_answer_only
from isac.runtime.isa_v1.rules.judgement import NON_COMPLIANT, Judgement, comply
from isac.runtime.isa_v1.rules.s2tt_judge import is_translation_only
from isac.runtime.isa_v1.rules.text import (
    first_label,
    has_cjk_ideograph,
    is_lower_case_text,
    is_upper_case_text,
)
from isac.runtime.isa_v1.vocabulary import LABELS_BY_TASK

# F S2TT json without a requested key: the first of these holding a string wins (never used in practice).
S2TT_FALLBACK_KEYS = ("voice_to_text", "transcript", "transcription", "text", "asr")


def check_prefix(response: str, prefix: str) -> str | None:
    """Case-sensitive prefix after left-trimming; a prefix's trailing space is required. Body or None."""
    text = response.lstrip()
    return text[len(prefix) :].lstrip() if text.startswith(prefix) else None


def check_suffix(response: str, suffix: str) -> str | None:
    """Case-sensitive suffix after right-trimming. Body or None."""
    text = response.rstrip()
    return text[: len(text) - len(suffix)].rstrip() if text.endswith(suffix) else None


def check_wrap(response: str, lrt: str) -> str | None:
    """'LEFT|RIGHT' split at the first '|' (none: never compliant); the trimmed response starts with LEFT
    and ends with RIGHT, which may overlap ("*" fits "*|*" with an empty body)."""
    if "|" not in lrt:
        return None
    left, _, right = lrt.partition("|")
    text = response.strip()
    if not (text.startswith(left) and text.endswith(right)):
        return None
    return text[len(left) : len(text) - len(right)].strip()


def parse_json(response: str) -> Any:
    """`json.loads` of the raw response (no code-fence stripping), or None when it does not parse."""
    try:
        return json.loads(response)
    except (ValueError, RecursionError):
        return None


def check_common(variation: str, response: str, param: str | None) -> str | None:
    """The format tests shared by every task (case, prefix, suffix, wrap). Body or None."""
    if variation == "upper_case":
        return response.strip() if is_upper_case_text(response) else None
    if variation == "lower_case":
        return response.strip() if is_lower_case_text(response) else None
    if variation == "prefix":
        return check_prefix(response, param or "")
    if variation == "suffix":
        return check_suffix(response, param or "")
    if variation == "wrap":
        return check_wrap(response, param or "")
    return None


def _joined_strings(value: dict[str, Any]) -> str | None:
    strings = [item.strip() for item in value.values() if isinstance(item, str)]
    return " ".join(strings) if strings else None


def _json_keyed(response: str, key: str | None, fallback_keys: tuple[str, ...] = ()) -> str | None:
    """An object's (trimmed) string under `key`; without a key, fallback keys then all strings joined."""
    value = parse_json(response)
    if not isinstance(value, dict):
        return None
    if key:
        found = value.get(key)
        return found.strip() if isinstance(found, str) else None
    for name in fallback_keys:
        if isinstance(value.get(name), str):
            return value[name].strip()
    return _joined_strings(value)


def _asr_body(variation: str, response: str, param: str | None, reference: str) -> str | None:
    if variation == "constrain":
        return response if is_asr_answer_only(response, reference) else None
    if variation == "json":  # the requested key is not consulted for ASR
        value = parse_json(response)
        if not isinstance(value, dict):
            return None
        strings = [item for item in value.values() if isinstance(item, str)]
        return " ".join(strings) if strings else None
    return check_common(variation, response, param)


def _label_body(task: str, variation: str, response: str, param: str | None) -> str | None:
    if variation == "constrain":
        token = response.strip()
        if len(token) >= 2 and token[0] == token[-1] and token[0] in "'\"":
            token = token[1:-1].strip()
        if " " in token or first_label(token, LABELS_BY_TASK[task]) != token.lower():
            return None  # "Male." and "Happy!" fail, "\"male\"" passes
        return token
    if variation == "json":  # an empty string is compliant (and then wrong)
        return _json_keyed(response, param)
    return check_common(variation, response, param)


def _s2tt_body(variation: str, response: str, param: str | None, reference: str) -> str | None:
    if variation == "constrain":
        body = response.strip() if is_translation_only(response, reference) else None
    elif variation == "json":
        body = _json_keyed(response, param, S2TT_FALLBACK_KEYS)
    else:
        body = check_common(variation, response, param)
    # Whatever the variation, a compliant body without any CJK ideograph is turned non-compliant.
    return body.strip() if body is not None and has_cjk_ideograph(body) else None


def _aac_json(response: str, key: str | None) -> str | None:
    value = parse_json(response)

    def keyed(obj: dict[str, Any]) -> str | None:
        found = obj.get(key) if key else None
        return found.strip() if isinstance(found, str) else None

    if isinstance(value, dict):
        return keyed(value) or None  # an empty caption is not compliant
    if isinstance(value, list):  # a list of objects is accepted: the non-empty values joined
        parts = [part for part in (keyed(obj) for obj in value if isinstance(obj, dict)) if part]
        return " ".join(parts) if parts else None
    return None


def _aac_body(variation: str, response: str, param: str | None) -> str | None:
    if variation == "constrain":
        return response.strip() if is_aac_answer_only(response) else None
    if variation == "json":
        return _aac_json(response, param)
    return check_common(variation, response, param)


def judge_f(task: str, variation: str, response: str, param: str | None, reference: str) -> Judgement:
    """The F rule for an official task and variation name; unknown variations never comply."""
    if task == "asr":
        body = _asr_body(variation, response, param, reference)
    elif task in LABELS_BY_TASK:
        body = _label_body(task, variation, response, param)
    elif task == "s2tt":
        body = _s2tt_body(variation, response, param, reference)
    elif task == "aac":
        body = _aac_body(variation, response, param)
    else:
        raise ScoringError(f"unknown official task {task!r}; expected one of asr, s2tt, aac, ser, gr")
    return NON_COMPLIANT if body is None else comply(body)
