"""Building rows from the real spec and small in-memory dataset indexes."""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from functools import cache

from isac.compiler.build import build_manifests
from isac.compiler.datasets.base import DatasetIndex
from isac.compiler.row_writer import CompiledRow
from isac.compiler.rows import ManifestRow, make_row
from isac.compiler.spec import Spec, load_spec
from tests.compiler.helpers import SPEC_DIR, indexes, librispeech


@cache
def _spec() -> Spec:
    return load_spec(SPEC_DIR)


def _rows(index_map: dict[str, DatasetIndex] | None = None) -> dict[str, list[ManifestRow]]:
    built = build_manifests(_spec(), index_map or indexes())
    return {name: [row.to_row() for row in rows] for name, rows in built.items()}


def test_manifest_names_and_row_counts_per_item() -> None:
    rows = _rows()
    assert sorted(rows) == sorted(
        [f"{d}-{t}" for d in "df" for t in ("asr", "s2tt", "ser", "gr", "aac")] + ["n-composite"]
    )
    per_item = {name: Counter(row.item_id for row in manifest_rows) for name, manifest_rows in rows.items()}
    for name, counts in per_item.items():
        expected = {"d": 9, "f": 5 if name == "f-s2tt" else 7, "n": 24}[name[0]]
        assert set(counts.values()) == {expected}, name
    assert len(per_item["d-asr"]) == 6 and len(per_item["d-ser"]) == 8 and len(per_item["d-aac"]) == 3


def test_d_variants_and_checkers() -> None:
    rows = _rows()
    first = [row for row in rows["d-asr"] if row.item_id == rows["d-asr"][0].item_id]
    assert [(r.variation_class, r.variant) for r in first] == [
        ("D1", "default"), ("D2", "upper_case"), ("D2", "lower_case"), ("D3", "syntax_error"),
        ("D3", "lexical_error"), ("D4", "simple"), ("D4", "neutral"), ("D4", "complex"),
        ("D5", "punctuation"),
    ]  # fmt: skip
    default = first[0].instruction
    assert first[1].instruction == default.upper() and first[2].instruction == default.lower()
    assert all(r.checker.kind == "prefix" and r.checker.params["case_sensitive"] is False for r in first)
    for row in rows["d-asr"] + rows["d-aac"]:
        assert row.checker.params["text"].lower() in row.instruction.lower()
    for row in rows["d-ser"]:
        assert row.checker.kind == "label"
        assert all(label in row.instruction.lower() for label in ("happy", "sad", "angry", "neutral"))
    # D3 rows differ from the default but keep the protected prefix intact
    for row in rows["d-aac"]:
        if row.variation_class == "D3":
            assert "The audio caption is:" in row.instruction and row.meta["edits"]


def test_f_variants_and_checkers() -> None:
    rows = _rows()
    kinds = defaultdict(set)
    for name in ("f-asr", "f-ser", "f-s2tt"):
        for row in rows[name]:
            kinds[(row.task, row.variant)].add(row.checker.kind)
    assert kinds[("ASR", "answer_only")] == {"text"} and kinds[("SER", "answer_only")] == {"label"}
    assert kinds[("ASR", "upper_case")] == {"upper_case"} and kinds[("SER", "lower_case")] == {"lower_case"}
    assert kinds[("ASR", "json")] == {"json_key"} and kinds[("ASR", "wrap")] == {"wrap"}
    assert ("S2TT", "upper_case") not in kinds
    for row in rows["f-asr"] + rows["f-gr"]:
        params = row.checker.params
        if row.variant in ("prefix", "suffix"):
            assert f'"{params["text"]}"' in row.instruction and params["case_sensitive"] is True
        if row.variant == "wrap":
            assert params["left"] in row.instruction and params["right"] in row.instruction
        if row.variant == "json":
            assert f'"{params["key"]}"' in row.instruction
    forbidden = next(r for r in rows["f-asr"] if r.variant == "answer_only").checker.params["forbidden"]
    assert "the transcription is" in forbidden


def test_n_orderings_formats_and_eligibility() -> None:
    rows = _rows()["n-composite"]
    # only the even-numbered IEMOCAP items have transcripts of more than five words
    assert sorted({row.item_id for row in rows}) == [f"Ses05F_impro01_F{i:03d}" for i in (0, 2, 4, 6)]
    item_rows = [row for row in rows if row.item_id == "Ses05F_impro01_F000"]
    orders = [row.subtasks for row in item_rows]
    expected = list(itertools.permutations(("ASR", "SER", "GR"), 2)) + list(
        itertools.permutations(("ASR", "SER", "GR"), 3)
    )
    assert orders == [order for order in expected for _ in range(2)]
    assert Counter(row.variation_class for row in item_rows) == {"N1": 12, "N2": 12}
    assert Counter(row.variant for row in item_rows) == {"separator": 12, "json": 12}
    for row in item_rows:
        assert row.task == "+".join(row.subtasks)
        assert set(row.references) == set(row.subtasks)
        params = row.checker.params
        assert params["subtasks"] == list(row.subtasks)
        assert set(params["labels"]) == {s for s in row.subtasks if s in ("SER", "GR")}
        if row.variant == "separator":
            assert row.checker.kind == "separator" and f'"{params["separator"]}"' in row.instruction
        else:
            assert row.checker.kind == "json_keys" and len(params["keys"]) == len(row.subtasks)
            assert all(f'"{key}"' in row.instruction for key in params["keys"])


def test_compiled_lines_equal_the_row_contract() -> None:
    for manifest_rows in build_manifests(_spec(), indexes()).values():
        for compiled in manifest_rows:
            assert isinstance(compiled, CompiledRow)
            row = compiled.to_row()
            assert row.to_json() == compiled.to_json()
            fields = row.model_dump()
            fields.pop("id")
            assert make_row(**fields).id == row.id


def test_an_items_rows_do_not_depend_on_the_other_items() -> None:
    full = _rows()["d-gr"]
    alone = _rows({**indexes(), "librispeech": librispeech(6).__class__(
        name="librispeech", adapter="librispeech", items=librispeech(6).items[3:4], fingerprint="x"
    )})["d-gr"]  # fmt: skip
    assert [r.to_json() for r in alone] == [r.to_json() for r in full if r.item_id == alone[0].item_id]


def test_different_items_get_different_bases() -> None:
    rows = _rows({**indexes(), "librispeech": librispeech(40)})["d-asr"]
    defaults = {row.instruction for row in rows if row.variant == "default"}
    assert len(defaults) > 20
