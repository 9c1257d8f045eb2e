"""Fixtures of the scoring tests: a scorer that writes run directories and queries the database."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from isac.runtime.scoring.db.schema import open_database


class Db:
    """Read-only queries against a scoring database file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def rows(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        """All rows of a query."""
        connection = open_database(self.path, read_only=True)
        try:
            return connection.execute(sql, params or []).fetchall()
        finally:
            connection.close()

    def value(self, sql: str, params: list[Any] | None = None) -> Any:
        """The single value of a one-row, one-column query."""
        found = self.rows(sql, params)
        assert len(found) == 1 and len(found[0]) == 1, found
        return found[0][0]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where the test's scoring database lives."""
    return tmp_path / "scores.duckdb"


@pytest.fixture
def db(db_path: Path) -> Iterator[Callable[[], Db]]:
    """A factory for read access to the test's database (call after scoring)."""
    yield lambda: Db(db_path)
