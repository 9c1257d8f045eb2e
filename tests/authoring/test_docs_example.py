"""docs/authoring.md's example round, run exactly as written against the loopback fake chat server."""

from __future__ import annotations

import json
import re
import shlex
import shutil
from pathlib import Path

import pytest

from isac.runtime.cli import main
from tests.runtime.fake_openai import FakeOpenAIServer, ServerState

from .helpers import REPO, SPEC_DIR

DOC = REPO / "docs" / "authoring.md"
DOC_URL = "http://127.0.0.1:8000/v1"


def _blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.S)


@pytest.mark.timeout(60)
def test_the_documented_round_runs_and_prints_the_documented_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    example = DOC.read_text(encoding="utf-8").split("## Example", 1)[1]
    candidates = json.loads(_blocks(example, "json")[0])
    commands = [line for line in _blocks(example, "bash")[0].splitlines() if line.strip()]
    expected = _blocks(example, "text")[0]
    shutil.copytree(SPEC_DIR, tmp_path / "spec")
    monkeypatch.chdir(tmp_path)
    state = ServerState(answer=lambda prompt: json.dumps(candidates))
    with FakeOpenAIServer(state) as server:
        for command in commands:
            argv = shlex.split(command.replace(DOC_URL, server.base_url))
            assert argv[0] == "isac"
            capsys.readouterr()
            assert main(argv[1:]) == 0, command
    assert len(state.requests) == 1
    assert capsys.readouterr().out == expected
    lines = (tmp_path / "spec/tasks/aac.candidates.jsonl").read_text().splitlines()
    records = [json.loads(line) for line in lines[-len(candidates) :]]  # this round's
    assert [r["status"] for r in records] == ["merged", "rejected", "rejected", "merged"]
    assert [[x["rule"] for x in r["rejections"]] for r in records] == [
        [],
        ["length", "complexity"],
        ["near_duplicate"],
        [],
    ]
