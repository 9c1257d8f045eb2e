"""The `isa-v1` scoring profile: the official rules applied to one compiled manifest row.

`isa_v1_checker` is the profile's loader (named in `isac.runtime.scoring.profiles`); `isa_v1_check`
judges one row.

Maps isac's names onto the official ones (D variants all share their task's rule; F `answer_only` is
the official `constrain`; N `separator` is the `separation` branch) and recovers each official
parameter from the row's checker params: prefix/suffix `text`, wrap `left`+"|"+`right`, json `key`,
separator `separator`, json keys joined with "|". Answers are the hypotheses the official metrics
see: ASR before whisper normalisation (the metric normalises), D SER/GR the normalised label, F AAC
with line breaks turned into spaces.
"""

from __future__ import annotations

from typing import Any

from isac.compiler.errors import ScoringError
from isac.compiler.rows import ManifestRow
from isac.runtime.isa_v1.rules.d import judge_d
from isac.runtime.isa_v1.rules.f import judge_f
from isac.runtime.isa_v1.rules.judgement import variation_name
from isac.runtime.isa_v1.rules.n import judge_n
from isac.runtime.isa_v1.rules.text import sanitize_caption
from isac.runtime.scoring.checkers.base import CheckResult
from isac.runtime.scoring.profiles import RowChecker


def official_variation(row: ManifestRow) -> str:
    """The official variation (or N branch) name of a row's variant."""
    return variation_name(row.dimension, row.variant)


def _param(row: ManifestRow, name: str) -> Any:
    if name not in row.checker.params:
        raise ScoringError(f"row {row.id}: checker {row.checker.kind!r} lacks param {name!r}")
    return row.checker.params[name]


def official_param(row: ManifestRow) -> str | None:
    """The parameter the official result file would carry for this row, if any."""
    kind = row.checker.kind
    if kind in ("prefix", "suffix"):
        return str(_param(row, "text"))
    if kind == "wrap":
        return f"{_param(row, 'left')}|{_param(row, 'right')}"
    if kind == "json_key":
        return str(_param(row, "key"))
    if kind == "separator":
        return str(_param(row, "separator"))
    if kind == "json_keys":
        return "|".join(str(key) for key in _param(row, "keys"))
    return None


def _reference(row: ManifestRow, subtask: str) -> str:
    references = row.references.get(subtask) or ()
    return references[0] if references else ""


def isa_v1_check(row: ManifestRow, response: str | None) -> CheckResult:
    """Judge one response to a row with the official ISA-Bench v1 rules (None: not compliant)."""
    if response is None:
        return CheckResult(False, dict.fromkeys(row.subtasks, ""))
    if row.dimension == "N":
        verdict = judge_n(
            official_variation(row), row.subtasks, response, official_param(row), _reference(row, "ASR")
        )
        return CheckResult(verdict.compliant, dict(verdict.hypotheses))
    task = row.task.lower()
    if row.dimension == "D":
        judged = judge_d(task, response)
    else:
        param = official_param(row)
        judged = judge_f(task, official_variation(row), response, param, _reference(row, row.task))
    answer = judged.hypothesis
    if row.dimension == "F" and task == "aac":
        answer = sanitize_caption(answer)
    return CheckResult(judged.compliant, {row.task: answer})


def isa_v1_checker() -> RowChecker:
    """The `isa-v1` profile's row checker: `isa_v1_check`."""
    return isa_v1_check
