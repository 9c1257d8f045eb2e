"""Progress bar while a run executes and the summary table printed when it ends."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TextIO

from tqdm import tqdm


class ProgressBar:
    """A tqdm bar counting rows (rows/s and ETA come from tqdm), with the error count as a postfix.

    Disabled automatically when stderr is not a terminal, so logs and pipes stay clean.
    """

    def __init__(self, total: int, *, enabled: bool | None = None, stream: TextIO | None = None) -> None:
        disable = None if enabled is None else not enabled
        self._bar = tqdm(
            total=total,
            unit="row",
            desc="isac exec",
            file=stream or sys.stderr,
            disable=disable,
            dynamic_ncols=True,
            smoothing=0.1,
        )
        self._errors = 0

    def update(self, rows: int, errors: int) -> None:
        """Advance by `rows`, of which `errors` failed."""
        if errors:
            self._errors += errors
            self._bar.set_postfix(errors=self._errors, refresh=False)
        self._bar.update(rows)

    def close(self) -> None:
        """Finish the bar."""
        self._bar.close()


@dataclass(frozen=True)
class ExecSummary:
    """What an `isac exec` invocation did."""

    run_dir: str
    model: str
    manifests: int
    selected: int  # rows passing filters, shard and limit
    skipped: int  # selected rows not run now (already done, or not errors under --retry-errors)
    answered: int
    errors: int
    wall_s: float
    interrupted: bool = False
    top_error: tuple[str, int] | None = None  # the most frequent error message of this invocation

    @property
    def executed(self) -> int:
        """Rows executed by this invocation."""
        return self.answered + self.errors

    @property
    def rows_per_s(self) -> float:
        """Executed rows per second of wall time (0 when nothing ran)."""
        return self.executed / self.wall_s if self.wall_s > 0 and self.executed else 0.0


def render_summary(summary: ExecSummary) -> str:
    """A small aligned two-column table."""
    rows = [
        ("run directory", summary.run_dir),
        ("model", summary.model),
        ("manifests", str(summary.manifests)),
        ("rows selected", str(summary.selected)),
        ("skipped (done)", str(summary.skipped)),
        ("executed", str(summary.executed)),
        ("answered", str(summary.answered)),
        ("errors", str(summary.errors)),
        ("wall time", f"{summary.wall_s:.2f} s"),
        ("rows/s", f"{summary.rows_per_s:.2f}"),
    ]
    if summary.interrupted:
        rows.append(("status", "interrupted; rerun the same command to resume"))
    width = max(len(label) for label, _ in rows)
    return "\n".join(f"{label.ljust(width)}  {value}" for label, value in rows)
