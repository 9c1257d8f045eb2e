"""Two tasks isac's code has never heard of, added with YAML and a JSONL dataset only.

VSC (vocal sound classification, four labels, accuracy) and NUMS (spoken digits, transcribed, WER) are
added to a copy of `spec/`; the set compiles, the oracle and a constant model run over it, scoring puts
both tasks in every view with the metric their YAML declares, and the report shows them.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest
import yaml

from isac.compiler.manifests import LOCK_FILE
from isac.runtime.cli import main

REPO = Path(__file__).resolve().parents[2]
SOUNDS = ("cough", "laugh", "sigh", "sneeze")
# item -> (vocal sound label, spoken digits); the audio is any clip of the mini corpus (never listened to)
ITEMS = {
    f"clip{index:02d}": (
        SOUNDS[index % 4] if index % 3 else "cough",
        " ".join(["one", "two", "three"][: 1 + index % 3]),
    )
    for index in range(8)
}
CONSTANT = "cough"
CONSTANT_MODEL = f"constant:{CONSTANT}"  # the model label scoring gives the run


def _task_yaml(source: str, **changes: object) -> dict:
    document = yaml.safe_load((REPO / "spec" / "tasks" / source).read_text(encoding="utf-8"))
    document.update(changes)
    return document


def _write_yaml(path: Path, document: dict) -> None:
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _reword(pool: list[str], old: str, new: str) -> list[str]:
    return [text.replace(old, new) for text in pool]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A spec with VSC and NUMS, a data root holding the mini corpus plus their JSONL data."""
    root = tmp_path_factory.mktemp("new-tasks")
    spec = root / "spec"
    shutil.copytree(REPO / "spec", spec)
    ser = _task_yaml("ser.yaml")
    vsc = _task_yaml(
        "ser.yaml",
        task="VSC",
        dataset="vocal",
        metric={"name": "accuracy", "direction": "higher"},
        answer="vocal sound",
        labels=list(SOUNDS),
        task_descriptions=_reword(ser["task_descriptions"], "emotion", "vocal sound"),
        json_keys=["sound", "vocal_sound", "sound_label", "event", "sound_type"],
        composite="the vocal sound ({{ labels }})",
    )
    _write_yaml(spec / "tasks" / "vsc.yaml", vsc)
    asr = _task_yaml("asr.yaml")
    nums = _task_yaml(
        "asr.yaml",
        task="NUMS",
        dataset="vocal",
        metric={"name": "wer", "options": {"normalizer": "whisper-english"}},
        answer="digits",
        default_format={**asr["default_format"], "prefix": "The digits are:"},
        json_keys=["digits", "numbers", "spoken_digits", "digit_string", "number_words"],
    )
    nums.pop("composite", None)
    _write_yaml(spec / "tasks" / "nums.yaml", nums)
    benchmark = yaml.safe_load((spec / "benchmark.yaml").read_text(encoding="utf-8"))
    benchmark["tasks"] += ["VSC", "NUMS"]
    benchmark["datasets"]["vocal"] = {"adapter": "jsonl", "options": {"file": "vocal/items.jsonl"}}
    _write_yaml(spec / "benchmark.yaml", benchmark)

    data = root / "data"
    data.mkdir()
    for folder in (REPO / "data" / "mini").iterdir():
        (data / folder.name).symlink_to(folder, target_is_directory=True)
    clip = next((REPO / "data" / "mini" / "LibriSpeech").rglob("*.flac"))
    lines = []
    for item, (sound, digits) in ITEMS.items():
        audio = data / "vocal" / f"{item}.flac"
        audio.parent.mkdir(exist_ok=True)
        shutil.copyfile(clip, audio)
        # labels written as a user might (capitalised); compile conforms them to the declared set
        references = {"VSC": sound.capitalize(), "NUMS": digits}
        lines.append(json.dumps({"id": item, "audio": f"vocal/{item}.flac", "references": references}))
    (data / "vocal" / "items.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")

    out = root / "out"
    assert main(["compile", str(spec), "--data-root", str(data), "--out", str(out / "set")]) == 0
    for model, name in (("oracle", "oracle"), (f"constant:{CONSTANT}", "constant")):
        code = main(
            ["exec", str(out / "set"), "--model", model, "--data-root", str(data), "--out", str(out / name)]
        )
        assert code == 0
    db = out / "scores.duckdb"
    assert main(["score", str(out / "oracle"), str(out / "constant"), "--db", str(db)]) == 0
    assert main(["report", str(db), "--out", str(out / "report")]) == 0
    return root


def _query(project: Path, sql: str, *args: object) -> list[tuple]:
    connection = duckdb.connect(str(project / "out" / "scores.duckdb"), read_only=True)
    try:
        return connection.execute(sql, list(args)).fetchall()
    finally:
        connection.close()


def test_the_lock_records_the_new_tasks_as_declared(project: Path) -> None:
    lock = json.loads((project / "out" / "set" / LOCK_FILE).read_text(encoding="utf-8"))
    assert lock["tasks"]["VSC"]["metric"]["name"] == "accuracy"
    assert lock["tasks"]["VSC"]["labels"] == list(SOUNDS)
    assert lock["tasks"]["NUMS"]["metric"] == {
        "name": "wer",
        "direction": None,
        "options": {"normalizer": "whisper-english"},
    }
    assert {"d-vsc.jsonl", "f-vsc.jsonl", "d-nums.jsonl", "f-nums.jsonl"} <= set(lock["manifests"])


def test_the_oracle_is_perfect_on_the_new_tasks(project: Path) -> None:
    found = _query(
        project,
        "SELECT task, metric, min(ifr), max(ifr), min(value), max(value), sum(n) FROM metric_if "
        "WHERE model = 'oracle' AND task IN ('VSC', 'NUMS') GROUP BY task, metric ORDER BY task",
    )
    # D: 9 variants, F: 7 variants (both tasks take every F format) per item
    rows = len(ITEMS) * (9 + 7)
    assert found == [
        ("NUMS", "WER", 100.0, 100.0, 0.0, 0.0, rows),
        ("VSC", "ACC", 100.0, 100.0, 100.0, 100.0, rows),
    ]


def test_the_constant_scores_what_its_answer_deserves(project: Path) -> None:
    found = dict(
        ((task, dimension, variant), (ifr, value))
        for task, dimension, variant, ifr, value in _query(
            project,
            "SELECT task, dimension, variant, ifr, value FROM metric_if "
            "WHERE model LIKE 'constant%' AND task IN ('VSC', 'NUMS')",
        )
    )
    coughs = 100.0 * sum(sound == "cough" for sound, _ in ITEMS.values()) / len(ITEMS)
    # "cough" is one of VSC's labels: every label-format row is compliant and right on the cough items
    # every D row of a label task asks for one label word, whatever the wording
    for variant in ("default", "upper_case", "lexical_error", "complex", "punctuation"):
        assert found[("VSC", "D", variant)] == (100.0, pytest.approx(coughs))
    assert found[("VSC", "F", "answer_only")] == (100.0, pytest.approx(coughs))
    assert found[("VSC", "F", "lower_case")] == (100.0, pytest.approx(coughs))
    assert found[("VSC", "F", "upper_case")] == (0.0, 0.0)
    assert found[("VSC", "F", "json")] == (0.0, 0.0)
    # NUMS asks for "The digits are: ..." in D rows: never compliant, so every word is deleted (WER 100)
    assert found[("NUMS", "D", "default")] == (0.0, 100.0)
    assert found[("NUMS", "F", "prefix")] == (0.0, 100.0)


def test_the_new_tasks_reach_rps_axes_and_areas(project: Path) -> None:
    rps = dict(
        ((model, task), value)
        for model, task, value in _query(
            project,
            "SELECT model, task, rps FROM rps WHERE variation_class = 'D1' AND task IN ('VSC', 'NUMS')",
        )
    )
    coughs = sum(sound == "cough" for sound, _ in ITEMS.values()) / len(ITEMS)
    assert rps[("oracle", "VSC")] == 1.0 and rps[("oracle", "NUMS")] == 1.0
    assert rps[(CONSTANT_MODEL, "VSC")] == pytest.approx(coughs)
    assert rps[(CONSTANT_MODEL, "NUMS")] == 0.0  # best WER 0 over WER 100
    lists = dict(_query(project, "SELECT model, task_list FROM axis_scores WHERE variation_class = 'F1'"))
    assert {"VSC", "NUMS"} <= set(lists["oracle"].split(","))
    areas = dict(_query(project, "SELECT model, ifr_area FROM area_ratios"))
    assert areas["oracle"] == pytest.approx(100.0)
    assert 0.0 < areas[CONSTANT_MODEL] < 100.0


def test_the_report_shows_the_new_tasks(project: Path) -> None:
    report = (project / "out" / "report" / "report.md").read_text(encoding="utf-8")
    assert "VSC IFR" in report and "VSC ACC ↑" in report
    assert "NUMS IFR" in report and "NUMS WER ↓" in report
