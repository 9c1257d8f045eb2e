"""`isac export-official`: a run written as official result files, scored back with `score-official`.

The round trip: the mini release run by the oracle and by a replayed model that answers well, badly and
with a different case by turns; each run is scored by `isac score --profile isa-v1` (official rules on
isac rows) and exported, and `isac score-official` on the exported files must give the same figures as
the database's official-layout export, value for value, wherever both compute one (CIDEr-D and ROUGE-L
are not computed by isac; METEOR is skipped here: Java).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from isac.compiler.manifests import read_manifest
from isac.runtime.cli import main
from isac.runtime.isa_v1.export import export_official_metrics
from isac.runtime.results import latest_records

RELEASE = Path(__file__).resolve().parents[2] / "artifacts" / "releases" / "mini-1.0.0"


def _flat(tree: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            flat.update(_flat(value, f"{prefix}{key}/"))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def _mixed_replay(oracle_run: Path, path: Path) -> None:
    """Oracle answers, every third replaced by a refusal and every fifth upper-cased."""
    lines = []
    for number, (row_id, record) in enumerate(sorted(latest_records(oracle_run / "results.jsonl").items())):
        response = record.response or ""
        if number % 3 == 0:
            response = "I am not sure."
        elif number % 5 == 0:
            response = response.upper()
        lines.append(json.dumps({"row_id": row_id, "response": response}, ensure_ascii=False))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def round_trip(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    base = tmp_path_factory.mktemp("export")
    assert main(["exec", str(RELEASE), "--model", "oracle", "--out", str(base / "oracle")]) == 0
    _mixed_replay(base / "oracle", base / "mixed.jsonl")
    mixed = f"replay:{base / 'mixed.jsonl'}"
    assert main(["exec", str(RELEASE), "--model", mixed, "--out", str(base / "mixed")]) == 0
    db = base / "scores.duckdb"
    runs = [str(base / "oracle"), str(base / "mixed")]
    assert main(["score", *runs, "--db", str(db), "--profile", "isa-v1", "--no-meteor"]) == 0
    figures = {}
    for name, model in (("oracle", "oracle"), ("mixed", mixed)):
        out = base / "official"
        assert main(["export-official", str(base / name), "--out", str(out)]) == 0
        metrics = base / f"{name}.json"
        assert (
            main(["score-official", str(out), "--model-name", name, "--out", str(metrics), "--no-meteor"])
            == 0
        )
        official = json.loads(metrics.read_text(encoding="utf-8"))[name]
        figures[name] = (_flat(official), _flat(export_official_metrics(db, model)[model]))
    return figures


@pytest.mark.parametrize("name", ["oracle", "mixed"])
def test_score_official_on_the_export_equals_the_isa_v1_profile(
    round_trip: dict[str, tuple[dict[str, Any], dict[str, Any]]], name: str
) -> None:
    official, database = round_trip[name]
    # every value the database export has is in the official scoring, and nothing else differs
    assert set(database) <= set(official)
    assert {key.rsplit("/", 1)[-1] for key in set(official) - set(database)} == {"CIDEr-D", "ROUGE-L"}
    assert {key: official[key] for key in database} == database
    # the comparison covers every dimension and task, and values that are not trivially 0 or 100
    assert {key.split("/")[1] for key in database if not key.startswith("n/")} == {
        "asr",
        "s2tt",
        "ser",
        "gr",
        "aac",
    }
    assert any(key.startswith("n/only/single-stage/3-TASK/") for key in database)
    if name == "mixed":
        assert 40 < database["f/asr/all/ifr"] < 80 and 40 < database["f/s2tt/all/ifr"] < 80


def test_layout_matches_the_official_fixtures(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = tmp_path / "run"
    assert main(["exec", str(RELEASE), "--model", "oracle", "--out", str(run), "--task", "S2TT"]) == 0
    assert main(["exec", str(RELEASE), "--model", "oracle", "--out", str(run), "--dimension", "N"]) == 0
    out = tmp_path / "official"
    assert main(["export-official", str(run), "--out", str(out), "--model-name", "m"]) == 0
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.json")) == [
        "d/m_s2tt_results.json",
        "f/m_s2tt_results.json",
        "n/m_n_results.json",
    ]
    f_items = json.loads((out / "f" / "m_s2tt_results.json").read_text(encoding="utf-8"))
    rows = {r.id: r for r in read_manifest(RELEASE / "f-s2tt.jsonl")}
    first = f_items[0]
    assert first["task"] == "translation_ec" and first["base"] == ["description", "constraint"]
    assert set(first["variation_responses"]) == {"constrain", "prefix", "suffix", "wrap", "json"}
    assert set(first["variation_responses"]["wrap"][0]) == {"lrt", "response"}
    assert len(f_items) == len({r.item_id for r in rows.values()})
    d_item = json.loads((out / "d" / "m_s2tt_results.json").read_text(encoding="utf-8"))[0]
    assert set(d_item["variation_responses"]["case"]) == {"upper_case", "lower_case"}
    assert set(d_item["variation_responses"]["robust"]) == {"grammar_robust", "syntax_robust"}
    assert isinstance(d_item["variation_responses"]["semantic_equal_simple"], list)
    n_file = json.loads((out / "n" / "m_n_results.json").read_text(encoding="utf-8"))
    n_item = n_file["annotation"][0]
    assert n_item["text"] and n_item["emotion"] and n_item["gender"]
    two, three = n_item["instructions"]["variations"]["single-stage"]["separation"]
    assert {len(r["task"].split("|")) for r in two} == {2} and {len(r["task"].split("|")) for r in three} == {
        3
    }
    capsys.readouterr()

    # existing files are never replaced silently; rows not run are counted
    assert main(["export-official", str(run), "--out", str(out), "--model-name", "m"]) == 2
    assert "already exists; pass --force" in capsys.readouterr().err
    assert main(["export-official", str(run), "--out", str(out), "--model-name", "m", "--force"]) == 0
    assert "rows not run yet left out" in capsys.readouterr().err
    assert main(["export-official", str(run), "--out", str(out), "--model-name", "a/b"]) == 2
    assert "a file name part" in capsys.readouterr().err
