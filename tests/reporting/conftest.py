"""Fixtures of the report tests: one scored database and its report, built once per module."""

from __future__ import annotations

import pytest

from isac.runtime.reporting import ReportFiles, write_report

from .report_helpers import ScoredDb, build_scored_db


@pytest.fixture(scope="module")
def scored_db(tmp_path_factory: pytest.TempPathFactory) -> ScoredDb:
    """Three models (alpha perfect, beta mixed, evil malicious) over D1, F1, F2 and N1 rows."""
    return build_scored_db(tmp_path_factory.mktemp("scored"))


@pytest.fixture(scope="module")
def report(scored_db: ScoredDb) -> ReportFiles:
    """The report of `scored_db`, written with the default options."""
    return write_report(scored_db.path, scored_db.root / "report")
