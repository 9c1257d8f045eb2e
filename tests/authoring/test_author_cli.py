"""`isac author` end to end against a loopback fake chat server: rounds, review file, accept, compile."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

import pytest

from isac.compiler.authoring.candidates import read_candidates
from isac.compiler.spec import load_spec
from isac.runtime.cli import main
from tests.runtime.fake_openai import FakeOpenAIServer, ServerState

from .helpers import REPO, SCRIPTED, spec_copy

SECRET = "sk-test-never-on-disk-4242"
PROMPT_MARKERS = {
    "task_descriptions": "new task descriptions",
    "format_descriptions": "new format descriptions",
    "rewrites.complex": '"complex" level',
}


def _scripted_reply(prompt: str) -> str:
    for (task, pool), items in SCRIPTED.items():
        if f"The task is {task}" in prompt and PROMPT_MARKERS[pool] in prompt:
            return "Here you go:\n" + json.dumps([text for text, _ in items])
    return "[]"


def _author_rounds(spec: Path, base_url: str) -> None:
    for task, pool in SCRIPTED:
        argv = ["author", task, pool, "--endpoint", base_url, "--model", "gpt-fake", "--spec", str(spec)]
        argv += [
            "--api-key-env",
            "ISAC_AUTHOR_TEST_KEY",
            "--seed",
            "7",
            "--temperature",
            "0.8",
            "--count",
            "9",
        ]
        assert main(argv) == 0


def _compile(spec: Path, out: Path) -> None:
    assert main(["compile", str(spec), "--data-root", str(REPO / "data" / "mini"), "--out", str(out)]) == 0


@pytest.mark.timeout(120)
def test_a_round_validates_every_candidate_records_provenance_and_accept_merges(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = spec_copy(tmp_path)
    original = load_spec(spec)
    monkeypatch.setenv("ISAC_AUTHOR_TEST_KEY", SECRET)
    state = ServerState(answer=_scripted_reply)
    with FakeOpenAIServer(state) as server:
        _author_rounds(spec, server.base_url)
    output = capsys.readouterr().out

    # what was sent: one request per round, with the key in the header only
    assert len(state.requests) == len(SCRIPTED)
    for request in state.requests:
        assert request["headers"]["Authorization"] == f"Bearer {SECRET}"
        assert request["body"]["model"] == "gpt-fake"
        assert request["body"]["seed"] == 7 and request["body"]["temperature"] == 0.8

    # every candidate reviewed, with exactly the rules its case breaks, named in the file and the output
    for task, pool in SCRIPTED:
        file = spec / "tasks" / f"{task.lower()}.candidates.jsonl"
        recorded = [c for c in read_candidates(file) if c.pool == pool]
        expected = SCRIPTED[(task, pool)]
        assert [c.text for c in recorded] == [text for text, _ in expected]
        for candidate, (_text, rules) in zip(recorded, expected, strict=True):
            assert tuple(r.rule for r in candidate.rejections) == rules
            assert candidate.status == ("rejected" if rules else "accepted")
            template = spec / candidate.provenance["prompt"]
            assert candidate.provenance["prompt_sha256"] == hashlib.sha256(template.read_bytes()).hexdigest()
            assert candidate.provenance["model"] == "gpt-fake"
            assert candidate.provenance["endpoint"] == server.base_url
            assert (candidate.provenance["seed"], candidate.provenance["temperature"]) == (7, 0.8)
            assert candidate.provenance["date"].endswith("Z")
    assert "rejected [near_duplicate]" in output and "rejected [leakage]" in output

    # accept merges exactly the accepted candidates at the end of their pools
    assert main(["author", "accept", "ASR", "--spec", str(spec)]) == 0
    assert main(["author", "accept", "SER", "--spec", str(spec)]) == 0
    grown = load_spec(spec)
    for (task, pool), items in SCRIPTED.items():
        good = [text for text, rules in items if not rules]
        before = {
            "task_descriptions": original.tasks[task].task_descriptions,
            "format_descriptions": original.tasks[task].default_format.descriptions,
            "rewrites.complex": original.tasks[task].rewrites.complex,
        }[pool]
        after = {
            "task_descriptions": grown.tasks[task].task_descriptions,
            "format_descriptions": grown.tasks[task].default_format.descriptions,
            "rewrites.complex": grown.tasks[task].rewrites.complex,
        }[pool]
        assert after == (*before, *good)
    statuses = Counter(c.status for c in read_candidates(spec / "tasks" / "asr.candidates.jsonl"))
    assert statuses["accepted"] == 0 and statuses["merged"] == 4
    # comments in the task file survive the edit
    assert "# D_t" in (spec / "tasks" / "asr.yaml").read_text(encoding="utf-8")

    # the spec validates, has a new hash, and compiles deterministically with 9 D rows per item
    assert main(["validate", str(spec)]) == 0
    assert grown.sha256 != original.sha256
    _compile(spec, tmp_path / "one")
    _compile(spec, tmp_path / "two")
    for manifest in sorted((tmp_path / "one").glob("*.jsonl")):
        assert manifest.read_bytes() == (tmp_path / "two" / manifest.name).read_bytes()
    rows = [json.loads(line) for line in (tmp_path / "one" / "d-asr.jsonl").read_text().splitlines()]
    assert set(Counter(row["item_id"] for row in rows).values()) == {9}

    # the key was never written anywhere
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path


def test_nothing_is_sent_without_an_endpoint(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = spec_copy(tmp_path)
    assert main(["author", "ASR", "task_descriptions", "--spec", str(spec)]) == 2
    assert "--endpoint URL --model NAME, or --from-file FILE" in capsys.readouterr().err
    assert not (spec / "tasks" / "asr.candidates.jsonl").exists()


def test_a_failing_endpoint_is_retried_then_reported_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = spec_copy(tmp_path)
    state = ServerState(answer=_scripted_reply)
    with FakeOpenAIServer(state) as server:
        state.script = {}
        state.answer = _scripted_reply
        # every request fails with 400 (not retried) -> an error naming the endpoint
        from isac.compiler.authoring.prompts import render_prompt

        prompt = render_prompt(spec, load_spec(spec).tasks["ASR"], "task_descriptions", 3).text
        state.script[prompt] = ["400"]
        argv = ["author", "ASR", "task_descriptions", "--endpoint", server.base_url, "--model", "m"]
        assert main([*argv, "--spec", str(spec), "--count", "3"]) == 2
        assert "HTTP 400" in capsys.readouterr().err
        assert len(state.requests) == 1
        # a transient 503 then success: retried once, the round is recorded
        state.script[prompt] = ["503", "ok"]
        state.calls.clear()
        assert main([*argv, "--spec", str(spec), "--count", "3", "--retries", "2"]) == 0
    assert len(state.requests) == 3
    assert len(read_candidates(spec / "tasks" / "asr.candidates.jsonl")) == 3


def test_from_file_runs_the_same_review_and_a_vetoed_candidate_is_not_merged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = spec_copy(tmp_path)
    source = tmp_path / "mine.txt"
    source.write_text(
        "# hand-written\n- Put the spoken words of this clip into writing\n"
        "- Convert everything the narrator says into written text\n- Transcribe the audio\n",
        encoding="utf-8",
    )
    assert main(["author", "ASR", "task_descriptions", "--from-file", str(source), "--spec", str(spec)]) == 0
    path = spec / "tasks" / "asr.candidates.jsonl"
    records = [json.loads(line) for line in path.read_text().splitlines()]
    assert [r["status"] for r in records] == ["accepted", "accepted", "rejected"]
    assert records[0]["provenance"]["source"] == "file"
    assert records[0]["provenance"]["file_sha256"] == hashlib.sha256(source.read_bytes()).hexdigest()
    records[1]["status"] = "rejected"  # the reviewer's veto
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    assert main(["author", "accept", "ASR", "--pool", "task_descriptions", "--spec", str(spec)]) == 0
    pool = load_spec(spec).tasks["ASR"].task_descriptions
    assert pool[-1] == "Put the spoken words of this clip into writing"
    assert "Convert everything the narrator says into written text" not in pool


def test_report_writes_json_and_compares_with_an_earlier_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = spec_copy(tmp_path)
    before = tmp_path / "before.json"
    assert main(["author", "report", "--spec", str(spec), "--task", "GR", "--json", str(before)]) == 0
    data = json.loads(before.read_text())
    stats = data["GR"]["rewrites.simple"]
    assert stats["count"] == len(load_spec(spec).tasks["GR"].rewrites.simple)
    assert 0 < stats["distinct_1"] <= 1 and 0 <= stats["similarity"]["max"] <= 1
    source = tmp_path / "more.json"
    source.write_text(json.dumps(["Say which voice type you hear", "Name the type of voice"]))
    assert main(["author", "GR", "rewrites.simple", "--from-file", str(source), "--spec", str(spec)]) == 0
    assert main(["author", "accept", "GR", "--spec", str(spec)]) == 0
    capsys.readouterr()
    argv = ["author", "report", "--spec", str(spec), "--task", "GR", "--pool", "rewrites.simple"]
    assert main([*argv, "--before", str(before)]) == 0
    assert f"{stats['count']}->{stats['count'] + 2}" in capsys.readouterr().out


def test_accept_training_merges_into_the_training_twin_and_leaves_the_test_pool(tmp_path: Path) -> None:
    spec = spec_copy(tmp_path)
    before = load_spec(spec).tasks["ASR"]
    source = tmp_path / "train.txt"
    source.write_text("- Type up the sentence this person speaks\n- Transcribe the audio\n", encoding="utf-8")
    assert main(["author", "ASR", "task_descriptions", "--from-file", str(source), "--spec", str(spec)]) == 0
    argv = ["author", "accept", "ASR", "--pool", "task_descriptions", "--training", "--spec", str(spec)]
    assert main(argv) == 0
    after = load_spec(spec).tasks["ASR"]
    assert after.task_descriptions == before.task_descriptions  # the test pool (and manifests) unchanged
    assert after.training is not None and before.training is not None
    # "Transcribe the audio" is already a test fragment: refused, so the two pools stay disjoint
    assert after.training.task_descriptions == (
        *before.training.task_descriptions,
        "Type up the sentence this person speaks",
    )
