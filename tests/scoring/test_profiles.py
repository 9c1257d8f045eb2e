"""Profiles: the default checkers versus the official isa-v1 rules on the same responses."""

from __future__ import annotations

from pathlib import Path

import pytest

from isac.compiler.errors import ScoringError
from isac.runtime.scoring.pipeline import score_runs
from isac.runtime.scoring.profiles import PROFILES, Profile
from tests.scoring.score_helpers import (
    EMOTIONS,
    Answer,
    checker,
    composite_row,
    row,
    write_manifest,
    write_run,
)

ASR_PREFIX = checker("prefix", text="The transcription is:", case_sensitive=False)
ASR = row("ASR", "a0", "HELLO WORLD", ASR_PREFIX)
SER = row("SER", "s0", "happy", checker("label", labels=EMOTIONS))
SER_SPACE = row("SER", "s1", "sad", checker("label", labels=EMOTIONS))
F_PREFIX = row(
    "SER",
    "s0",
    "happy",
    checker("prefix", text="Emotion: ", case_sensitive=True),
    dimension="F",
    variant="prefix",
)
N_SEP = composite_row(
    ("SER", "GR"),
    "n0",
    {"SER": "happy", "GR": "male"},
    "separator",
    checker(
        "separator", separator="|", subtasks=["SER", "GR"], labels={"SER": EMOTIONS, "GR": ["male", "female"]}
    ),
)
RESPONSES = {
    ASR.id: "The transcript is: hello world",  # official D ASR wants "the transcript is:"
    SER.id: "Happy.",
    SER_SPACE.id: " sad",  # official D labels are not trimmed
    F_PREFIX.id: "Emotion: happy",
    N_SEP.id: "happy|male",
}


def _compliance(tmp_path: Path, db_path: Path, db, profile: str) -> dict[str, bool]:
    rows = [ASR, SER, SER_SPACE, F_PREFIX, N_SEP]
    manifest = write_manifest(tmp_path / "m", "mixed", rows)
    run = write_run(
        tmp_path / f"run-{profile}", profile, [manifest], [Answer(r, RESPONSES[r.id]) for r in rows]
    )
    score_runs(db_path, [run], profile=profile, name=profile)
    return {
        row_id: compliant
        for row_id, compliant in db().rows(
            "SELECT DISTINCT row_id, compliant FROM scored WHERE model = ?", [profile]
        )
    }


def test_default_and_isa_v1_disagree_where_the_rules_differ(tmp_path: Path, db_path: Path, db) -> None:
    default = _compliance(tmp_path, db_path, db, "default")
    official = _compliance(tmp_path, db_path, db, "isa-v1")
    assert default == {ASR.id: False, SER.id: True, SER_SPACE.id: True, F_PREFIX.id: True, N_SEP.id: True}
    assert official == {ASR.id: True, SER.id: True, SER_SPACE.id: False, F_PREFIX.id: True, N_SEP.id: True}
    assert db().rows("SELECT DISTINCT profile FROM runs ORDER BY 1") == [("default",), ("isa-v1",)]


def test_isa_v1_answers_feed_the_metrics(tmp_path: Path, db_path: Path, db) -> None:
    _compliance(tmp_path, db_path, db, "isa-v1")
    assert db().value("SELECT value FROM metric_if WHERE task = 'ASR'") == 0.0
    assert db().rows("SELECT task, answer FROM scored WHERE dimension = 'N' ORDER BY task") == [
        ("GR", "male"),
        ("SER", "happy"),
    ]


def test_profile_registry() -> None:
    assert set(PROFILES) == {"default", "isa-v1"}
    missing = Profile("future", "not built", "isac.runtime.scoring.no_such_module", "factory")
    with pytest.raises(ScoringError, match="profile 'future' is not available"):
        missing.load()
