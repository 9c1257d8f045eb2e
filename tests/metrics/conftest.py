"""Shared fixtures for the metric tests: one METEOR 1.5 process per test session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from isac.runtime.scoring.metrics.java_tools import java_available


@pytest.fixture(scope="session")
def meteor15() -> Iterator[object]:
    """The exact METEOR scorer, started once (the jar loads a 60 MB table per start)."""
    if not java_available():
        pytest.skip("METEOR 1.5 needs Java and the pycocoevalcap jars")
    from isac.runtime.scoring.metrics.meteor_java import Meteor15

    with Meteor15() as scorer:
        yield scorer
