"""Calibration adapters (oracle, constant) and the adapter registry."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from isac.compiler.errors import RunError
from isac.compiler.rows import ManifestRow
from isac.runtime.adapters.base import AdapterOptions, GenerationRequest
from isac.runtime.adapters.oracle import oracle_response
from isac.runtime.adapters.registry import build_adapter, register_adapter, schemes, split_model_string

from .exec_helpers import every_checker_kind_rows, read_log, row, run_isac, write_manifest

try:
    from isac.runtime.scoring.checkers import check
except ImportError:  # the scoring package is built by another stage; assertions below skip without it
    check = None

needs_checkers = pytest.mark.skipif(
    check is None, reason="isac.runtime.scoring.checkers.check not available yet"
)


def expected_answer(item: ManifestRow, subtask: str) -> str:
    return item.references[subtask][0]


def assert_oracle_is_perfect(item: ManifestRow, response: str) -> None:
    assert check is not None
    result = check(item.checker, response, item.subtasks)
    assert result.compliant, f"{item.checker.kind}: oracle response {response!r} is not compliant"
    for subtask in item.subtasks:
        answer, reference = result.answers[subtask], expected_answer(item, subtask)
        if item.checker.kind in ("upper_case", "lower_case", "label", "separator", "json_keys"):
            assert answer.casefold() == reference.casefold()
        else:
            assert answer == reference, (item.checker.kind, response, answer)


@needs_checkers
def test_oracle_satisfies_every_checker_kind_with_the_reference() -> None:
    rows = every_checker_kind_rows()
    kinds = {item.checker.kind for item in rows}
    assert kinds == {"prefix", "suffix", "wrap", "json_key", "upper_case", "lower_case", "label", "text"} | {
        "separator",
        "json_keys",
    }
    for item in rows:
        assert_oracle_is_perfect(item, oracle_response(item))


def test_oracle_formats_without_the_checkers() -> None:
    """The exact strings, so the oracle is pinned even where the scoring package is absent."""
    by_kind = {(item.checker.kind, item.item_id): oracle_response(item) for item in every_checker_kind_rows()}
    assert by_kind[("prefix", "item0001")] == "The transcription is: he hoped there would be stew for dinner"
    assert by_kind[("prefix", "item0003")] == "Audio-based caption: a dog barks while cars pass by"
    assert by_kind[("prefix", "item0004")] == '<Transcript> ""quoted answer""'
    assert by_kind[("suffix", "item0005")] == "female <end of answer>"
    assert by_kind[("wrap", "item0006")] == "<s>he hoped there would be stew for dinner</s>"
    assert by_kind[("json_key", "item0008")] == '{"translation": "他希望晚饭有炖菜"}'
    assert by_kind[("upper_case", "item0011")] == "ANGRY"
    assert by_kind[("separator", "item0015")] == "angry|he hoped there would be stew for dinner"
    assert by_kind[("separator", "item0017")] == "female | angry | he hoped there would be stew for dinner"


def test_oracle_returns_the_reference_even_when_it_holds_a_forbidden_phrase() -> None:
    item = row(1, references={"ASR": ["the speaker said hello"]},
               checker={"kind": "text", "params": {"forbidden": ["the speaker"]}})  # fmt: skip
    assert oracle_response(item) == "the speaker said hello"


_ANSWER = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=30
).filter(lambda text: text.strip() == text and text)
_PHRASE = st.text(alphabet=st.characters(whitelist_categories=("L", "N", "P", "S")), min_size=1, max_size=12)


@needs_checkers
@settings(max_examples=150, deadline=None)
@given(
    answer=_ANSWER,
    phrase=_PHRASE,
    kind=st.sampled_from(["prefix", "suffix", "wrap", "json_key"]),
    trailing_space=st.booleans(),
)
def test_oracle_is_compliant_for_arbitrary_phrases_and_answers(
    answer: str, phrase: str, kind: str, trailing_space: bool
) -> None:
    params: dict[str, Any] = {
        "prefix": {"text": phrase + (" " if trailing_space else ""), "case_sensitive": True},
        "suffix": {"text": phrase},
        "wrap": {"left": phrase, "right": phrase[::-1] + "]"},
        "json_key": {"key": phrase},
    }[kind]
    item = row(1, references={"ASR": [answer]}, checker={"kind": kind, "params": params})
    assert_oracle_is_perfect(item, oracle_response(item))


@needs_checkers
@settings(max_examples=60, deadline=None)
@given(answer=st.from_regex(r"[A-Za-z][A-Za-z ,.']{0,30}[A-Za-z]", fullmatch=True), upper=st.booleans())
def test_oracle_case_variants(answer: str, upper: bool) -> None:
    item = row(
        1, references={"AAC": [answer]}, task="AAC", checker={"kind": "upper_case" if upper else "lower_case"}
    )
    assert_oracle_is_perfect(item, oracle_response(item))


def test_oracle_and_constant_through_the_cli(tmp_path: Path) -> None:
    rows = every_checker_kind_rows()
    manifest = write_manifest(tmp_path / "m" / "f-all.jsonl", rows)
    # No audio exists: the oracle and constant adapters do not read any.
    done = run_isac("exec", manifest.parent, "--model", "oracle", "--out", tmp_path / "oracle")
    assert done.returncode == 0, done.stderr
    assert "rows selected   17" in done.stdout and "errors          0" in done.stdout
    records = read_log(tmp_path / "oracle")
    responses = {record["row_id"]: record["response"] for record in records}
    assert responses == {item.id: oracle_response(item) for item in rows}
    if check is not None:
        for item in rows:
            assert_oracle_is_perfect(item, responses[item.id])

    constant = run_isac("exec", manifest, "--model", "constant:I do not know", "--out", tmp_path / "constant")
    assert constant.returncode == 0, constant.stderr
    assert {record["response"] for record in read_log(tmp_path / "constant")} == {"I do not know"}


def test_registry_schemes_and_errors(tmp_path: Path) -> None:
    assert {"hf", "openai", "replay", "constant", "oracle"} <= set(schemes())
    assert split_model_string("hf:/ckpt/with:colon") == ("hf", "/ckpt/with:colon")
    assert split_model_string("oracle") == ("oracle", "")
    with pytest.raises(RunError, match="unknown adapter scheme 'gguf'"):
        build_adapter("gguf:model.bin")
    with pytest.raises(RunError, match="takes no argument"):
        build_adapter("oracle:extra")
    with pytest.raises(RunError, match="expected openai:<model name>"):
        build_adapter("openai:")
    with pytest.raises(RunError, match="expected replay:<file>"):
        build_adapter("replay:")
    with pytest.raises(RunError, match="expected hf:<checkpoint folder or hub id>"):
        build_adapter("hf:")
    assert (
        build_adapter("constant:").generate([GenerationRequest(row(1), tmp_path / "x.wav")])[0].response == ""
    )


def test_register_adapter_adds_a_scheme() -> None:
    built: list[tuple[str, AdapterOptions]] = []

    def factory(model_id: str, options: AdapterOptions) -> Any:
        built.append((model_id, options))
        return build_adapter("constant:plugged")

    register_adapter("plugin", factory)
    adapter = build_adapter("plugin:anything", AdapterOptions(max_new_tokens=5))
    assert adapter.model_id == "constant:plugged"
    assert built[0][0] == "plugin:anything" and built[0][1].max_new_tokens == 5
    with pytest.raises(ValueError, match="invalid adapter scheme"):
        register_adapter("bad:scheme", factory)


def test_registry_and_exec_do_not_import_torch() -> None:
    code = (
        "import sys; import isac.runtime.adapters.registry, isac.runtime.cli.exec_cmd;"
        "from isac.runtime.adapters.registry import build_adapter; build_adapter('oracle');"
        "print('torch' in sys.modules, 'transformers' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
