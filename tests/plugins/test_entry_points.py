"""The in-repo test plugin tests/plugins/isac_example_plugin (installed by scripts/setup.sh), end to end.

It adds a model adapter scheme (`echo-upper:`) and a checker kind (`starts_with_word`) through entry
points only; nothing in isac names it. These tests fail (never skip) when it is not installed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib.metadata import entry_points
from pathlib import Path

import duckdb
import pytest

from isac.compiler.errors import ScoringError
from isac.compiler.rows import CheckerSpec, ManifestRow
from isac.runtime.adapters.oracle import oracle_response
from isac.runtime.adapters.registry import ADAPTERS, schemes
from isac.runtime.cli import main
from isac.runtime.scoring.checkers import KINDS, check
from isac.runtime.scoring.profiles import get_profile
from tests.runtime.exec_helpers import REPO, read_log, row, run_isac, write_manifest

PLUGIN = REPO / "tests" / "plugins" / "isac_example_plugin"
NOT_INSTALLED = (
    f"the test plugin isac_example_plugin is not installed in this venv; run scripts/setup.sh "
    f"(it runs `pip install -e {PLUGIN.relative_to(REPO)}`)"
)


@pytest.fixture(autouse=True)
def plugin_installed() -> Iterator[None]:
    """Fail every test here with the fix when the plugin's entry points are missing."""
    adapters = {point.name for point in entry_points(group="isac.adapters")}
    checkers = {point.name for point in entry_points(group="isac.checkers")}
    if "echo-upper" not in adapters or "starts_with_word" not in checkers:
        pytest.fail(NOT_INSTALLED, pytrace=False)
    yield


def test_registries_list_the_plugin_parts_as_entry_points() -> None:
    assert "echo-upper" in schemes()
    assert ADAPTERS.origin("echo-upper") == "entry point isac_example_plugin.adapter:create_adapter"
    assert "starts_with_word" in KINDS.names()
    assert KINDS.origin("starts_with_word") == "entry point isac_example_plugin.checker:CHECKER"
    # Built-ins keep their origin beside the plugin's parts.
    assert KINDS.origin("prefix") == "builtin"
    assert ADAPTERS.origin("oracle") == "builtin"


def _plugin_rows() -> list[ManifestRow]:
    """Two GR rows judged by the plugin kind: one asks for the word the response starts with."""
    gender = {"GR": ["male"]}
    return [
        row(1, task="GR", references=gender,
            checker={"kind": "starts_with_word", "params": {"word": "answer"}}),
        row(2, task="GR", references=gender,
            checker={"kind": "starts_with_word", "params": {"word": "Result", "case_sensitive": True}}),
    ]  # fmt: skip


def test_a_row_with_the_plugin_kind_is_judged_by_it() -> None:
    first, second = _plugin_rows()
    judge = get_profile("default").load()
    verdict = judge(first, "Answer: male")
    assert verdict.compliant and dict(verdict.answers) == {"GR": "male"}
    assert not judge(second, "Answer: male").compliant
    assert not judge(second, "result male").compliant  # case-sensitive params are honoured
    assert judge(second, "Result male").compliant


def test_plugin_params_are_typed_and_validated() -> None:
    with pytest.raises(ScoringError, match=r"checker 'starts_with_word': param 'word' is required"):
        check(CheckerSpec(kind="starts_with_word", params={}), "x", ["GR"])
    with pytest.raises(
        ScoringError, match=r"'starts_with_word': param 'case_sensitive' must be true or false"
    ):
        check(CheckerSpec(kind="starts_with_word", params={"word": "a", "case_sensitive": 1}), "x", ["GR"])


def _compliance(db: Path) -> dict[str, list[bool]]:
    """variant -> compliance of its rows, from a scoring database."""
    with duckdb.connect(str(db), read_only=True) as connection:
        found = connection.execute(
            "SELECT r.variant, list(s.compliant ORDER BY r.id) FROM row_scores AS s "
            "JOIN rows AS r ON r.id = s.row_id GROUP BY 1"
        ).fetchall()
    return {variant: flags for variant, flags in found}


def test_exec_and_score_with_the_plugin_adapter(tmp_path: Path) -> None:
    out = tmp_path / "compiled"
    assert main(["compile", str(REPO / "spec"), "--out", str(out)]) == 0
    manifest = out / "f-gr.jsonl"
    rows = [ManifestRow.model_validate_json(line) for line in manifest.read_text("utf-8").splitlines()]

    run_dir = tmp_path / "echo"
    done = run_isac("exec", manifest, "--model", "echo-upper:shout", "--out", run_dir)
    assert done.returncode == 0, done.stderr
    records = read_log(run_dir)
    assert {record["row_id"]: record["response"] for record in records} == {
        item.id: oracle_response(item).upper() for item in rows
    }
    assert json.loads((run_dir / "run.json").read_text("utf-8"))["model"]["adapter"] == "echo-upper"

    db = tmp_path / "scores.duckdb"
    assert main(["score", str(run_dir), "--db", str(db), "--no-meteor"]) == 0
    compliance = _compliance(db)
    assert sum(len(flags) for flags in compliance.values()) == len(rows)
    # Upper-cased oracle answers satisfy the case-insensitive label and the upper-case format only.
    assert all(compliance["answer_only"]) and all(compliance["upper_case"])
    assert not any(compliance["lower_case"])


def test_exec_and_score_rows_of_the_plugin_kind(tmp_path: Path) -> None:
    manifest = write_manifest(tmp_path / "m" / "plugin-gr.jsonl", _plugin_rows())
    run_dir = tmp_path / "constant"
    done = run_isac("exec", manifest, "--model", "constant:Answer: male", "--out", run_dir)
    assert done.returncode == 0, done.stderr
    assert len(read_log(run_dir)) == 2

    db = tmp_path / "scores.duckdb"
    assert main(["score", str(run_dir), "--db", str(db), "--no-meteor"]) == 0
    with duckdb.connect(str(db), read_only=True) as connection:
        scored = connection.execute(
            "SELECT r.checker->'params'->>'word', s.compliant, s.answer FROM row_scores AS s "
            "JOIN rows AS r ON r.id = s.row_id ORDER BY 1"
        ).fetchall()
    assert scored == [("Result", False, ""), ("answer", True, "male")]
