"""The row checkers behind the scoring profiles (see `profiles.py`).

`default_checker` applies the row's compiled checker spec. `isa_v1_checker` applies the official
scorer's rules through `isac.runtime.official.bridge`, which maps isac's variant names and checker
params onto the official rule functions.
"""

from __future__ import annotations

from isac.compiler.rows import ManifestRow
from isac.runtime.scoring.profiles import RowChecker, Verdict


def default_checker() -> RowChecker:
    """Judge each row with `isac.runtime.scoring.checkers` and the row's own checker spec."""
    from isac.runtime.scoring.checkers import check

    def judge(row: ManifestRow, response: str | None) -> Verdict:
        return check(row.checker, response, row.subtasks)

    return judge


def isa_v1_checker() -> RowChecker:
    """Judge each row with the official ISA-Bench v1 rules (`isac.runtime.official`)."""
    from isac.runtime.official.bridge import isa_v1_check

    return isa_v1_check
