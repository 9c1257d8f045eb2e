"""Per-row METEOR statistics and how they add up, for every METEOR backend.

Exact backend (`meteor-1.5-jar`): a row keeps the 23 numbers METEOR 1.5 prints for a segment (the
jar's SCORE answer). Its corpus score is computed from field-wise sums, except that a segment matched
perfectly in one chunk adds no chunk (this is what the jar's own aggregation does), so `summable()`
returns the numbers with that rule applied and any group's totals can be summed in SQL.

Approximate backend (`nltk-approx`): a row keeps its segment score; the corpus value is their mean, so
`summable()` is (score, 1).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from isac.compiler.errors import ScoringError

JAR_BACKEND = "meteor-1.5-jar"
NLTK_BACKEND = "nltk-approx"
JAR_STATS_LENGTH = 23
# Field layout of a METEOR 1.5 statistics line: test length, reference length, test function words,
# reference function words, then for each of the 4 matcher stages (exact, stem, synonym, paraphrase)
# test content / reference content / test function / reference function matches, then chunks and
# the test and reference word matches.
_TEST_LENGTH, _REF_LENGTH = 0, 1
_STAGE_BASE, _STAGES = 4, 4
_CHUNKS = 20


@dataclass(frozen=True, slots=True)
class MeteorStats:
    """Sufficient statistics of one row for the named backend."""

    backend: str
    values: tuple[float, ...]

    COLUMNS: ClassVar[tuple[tuple[str, str], ...]] = (
        ("meteor_backend", "VARCHAR"),
        ("meteor_stats", "VARCHAR"),
    )

    def __post_init__(self) -> None:
        expected = JAR_STATS_LENGTH if self.backend == JAR_BACKEND else 1
        if self.backend not in (JAR_BACKEND, NLTK_BACKEND) or len(self.values) != expected:
            raise ScoringError(
                f"METEOR statistics for backend {self.backend!r} need {expected} values, "
                f"got {len(self.values)}"
            )

    @property
    def line(self) -> str:
        """The statistics as text (for the jar backend, in the jar's own SCORE/EVAL format)."""
        return " ".join(_format_number(v) for v in self.values)

    @classmethod
    def from_line(cls, backend: str, line: str) -> MeteorStats:
        """Parse the text written by `line` (or a line printed by the jar)."""
        try:
            values = tuple(float(part) for part in line.split())
        except ValueError as exc:
            raise ScoringError(f"malformed METEOR statistics line {line!r}") from exc
        return cls(backend, values)

    def as_row(self) -> tuple[str, str]:
        """The values in the order of `COLUMNS`, for bulk inserts."""
        return (self.backend, self.line)

    def summable(self) -> tuple[float, ...]:
        """The numbers whose field-wise sum over a group determines the group's corpus score."""
        if self.backend == NLTK_BACKEND:
            return (self.values[0], 1.0)
        v = self.values
        test_matches = sum(v[_STAGE_BASE + 4 * s] + v[_STAGE_BASE + 4 * s + 2] for s in range(_STAGES))
        ref_matches = sum(v[_STAGE_BASE + 4 * s + 1] + v[_STAGE_BASE + 4 * s + 3] for s in range(_STAGES))
        perfect = test_matches == v[_TEST_LENGTH] and ref_matches == v[_REF_LENGTH] and v[_CHUNKS] == 1.0
        return (*v[:_CHUNKS], 0.0, *v[_CHUNKS + 1 :]) if perfect else v


def _format_number(value: float) -> str:
    # The jar prints and parses Java doubles: integral counts as "12.0".
    return f"{int(value)}.0" if value.is_integer() else repr(value)


def format_totals(totals: Sequence[float]) -> str:
    """Summed statistics as one line in the jar's format."""
    return " ".join(_format_number(float(v)) for v in totals)


def sum_meteor_stats(stats: Iterable[MeteorStats]) -> tuple[str, tuple[float, ...], int]:
    """(backend, field-wise sum of `summable()`, rows) over row statistics of one backend."""
    backend: str | None = None
    totals: list[float] = []
    rows = 0
    for row in stats:
        if backend is None:
            backend = row.backend
            totals = [0.0] * len(row.summable())
        elif row.backend != backend:
            raise ScoringError(
                f"cannot aggregate METEOR statistics of backends {backend!r} and {row.backend!r}"
            )
        for index, value in enumerate(row.summable()):
            totals[index] += value
        rows += 1
    if backend is None:
        raise ScoringError("METEOR needs at least one row to aggregate")
    return backend, tuple(totals), rows
