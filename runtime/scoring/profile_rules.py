"""The row checker behind the `default` scoring profile (see `profiles.py`).

`default_checker` applies the row's compiled checker spec. The `isa-v1` profile's checker lives with
the rest of the paper's compatibility code (`isac.runtime.isa_v1.profile:isa_v1_checker`).
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
