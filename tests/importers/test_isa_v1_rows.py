from __future__ import annotations

from pathlib import Path

import pytest

from isac.runtime.isa_v1.importer import (
    ImportOptions,
    OfficialFileError,
    import_files,
    import_items,
    map_audio_path,
)
from isac.runtime.scoring.checkers import compile_checker

D_ORDER = [
    ("D1", "default", "default"),
    ("D2", "upper_case", "case.upper_case"),
    ("D2", "lower_case", "case.lower_case"),
    ("D3", "syntax_error", "robust.grammar_robust"),
    ("D3", "lexical_error", "robust.syntax_robust"),
    ("D4", "simple", "semantic_equal_simple"),
    ("D4", "neutral", "semantic_equal_neutral"),
    ("D4", "complex", "semantic_equal_complex"),
    ("D5", "punctuation", "alter_symbol"),
]
F_ORDER = [
    ("F1", "answer_only", "constrain"),
    ("F2", "upper_case", "upper_case"),
    ("F2", "lower_case", "lower_case"),
    ("F3", "prefix", "prefix"),
    ("F3", "suffix", "suffix"),
    ("F3", "wrap", "wrap"),
    ("F4", "json", "json"),
]
D_CHECKER = {
    "ASR": ("prefix", {"text": "The transcript is:", "case_sensitive": False}),
    "S2TT": ("prefix", {"text": "The translation is:", "case_sensitive": False}),
    "AAC": ("prefix", {"text": "The audio caption is:", "case_sensitive": False}),
    "SER": ("label", {"labels": ["happy", "sad", "angry", "neutral"]}),
    "GR": ("label", {"labels": ["male", "female"]}),
}
ISAC_TASK = {
    "asr": "ASR",
    "translation_ec": "S2TT",
    "audiocaption": "AAC",
    "emotion_recognition": "SER",
    "gender_recognition": "GR",
}


def build(official, dimension: str, task: str) -> list:
    document = official.document(dimension, task)
    return import_items(document["annotation"], "fixture.json", ImportOptions())


@pytest.mark.parametrize("task", list(ISAC_TASK))
def test_d_rows_for_every_task(official, task: str) -> None:
    items = build(official, "d", task)
    isac_task = ISAC_TASK[task]
    for item in items:
        assert item.dimension == "D" and item.task == isac_task
        assert [(r.variation_class, r.variant, r.meta["isa_v1_variation"]) for r in item.rows] == D_ORDER
        for row in item.rows:
            assert (row.checker.kind, row.checker.params) == D_CHECKER[isac_task]
            assert row.subtasks == (isac_task,) and row.dimension == "D"
            assert row.item_id == item.item_id
            assert (
                row.meta["isa_v1_base_description"]
                == official.d_item(task, "x", "y")["instructions"]["base_description"]
            )
    default = items[0].rows[0]
    published = official.document("d", task)["annotation"][0]["instructions"]["variations"]
    assert default.instruction == published["default"]
    assert items[0].rows[1].instruction == default.instruction.upper()
    assert "isa_v1_index" not in default.meta and items[0].rows[1].meta["isa_v1_index"] == "0"


@pytest.mark.parametrize("task", list(ISAC_TASK))
def test_f_rows_for_every_task(official, task: str) -> None:
    items = build(official, "f", task)
    isac_task = ISAC_TASK[task]
    expected = [entry for entry in F_ORDER if not (isac_task == "S2TT" and entry[0] == "F2")]
    for item in items:
        assert [(r.variation_class, r.variant, r.meta["isa_v1_variation"]) for r in item.rows] == expected
    checkers = {row.variant: (row.checker.kind, row.checker.params) for row in items[0].rows}
    assert checkers["prefix"] == ("prefix", {"text": "<Tag> ", "case_sensitive": True})
    assert checkers["suffix"] == ("suffix", {"text": "**END**", "case_sensitive": True})
    assert checkers["wrap"] == ("wrap", {"left": "<s>", "right": "</s>"})
    assert checkers["json"] == ("json_key", {"key": "result"})
    if isac_task in ("SER", "GR"):
        assert checkers["answer_only"] == D_CHECKER[isac_task]
    else:
        kind, params = checkers["answer_only"]
        assert kind == "text" and params["forbidden"]
    if isac_task != "S2TT":
        assert checkers["upper_case"] == ("upper_case", {}) and checkers["lower_case"] == ("lower_case", {})
    json_row = items[0].rows[-1]
    assert json_row.meta["isa_v1_json_value"] == "answer"
    description = official.f_item(task, "x", "y")["instructions"]["base_description"]
    assert json_row.instruction.startswith(description)


def test_references_item_ids_and_audio(official) -> None:
    by_task = {task: build(official, "d", task) for task in ISAC_TASK}
    asr = by_task["asr"][0].rows[0]
    assert asr.references == {"ASR": ("ALSO A POPULAR CONTRIVANCE",)}
    assert asr.item_id == "121-121726-0000" and asr.dataset == "librispeech"
    assert asr.audio == "LibriSpeech/test-clean/121/121726/121-121726-0000.flac"
    s2tt = by_task["translation_ec"][1].rows[0]
    assert s2tt.references == {"S2TT": ("你好", "您好")} and s2tt.item_id == "common_voice_en_1"
    aac = by_task["audiocaption"][0].rows[0]
    assert aac.references == {"AAC": ("Rain falls", "Rain on a roof", "Water drips")}
    assert aac.item_id == "zzz999" and aac.audio == "AudioCaps/audio/test/Yzzz999.wav"
    ser = by_task["emotion_recognition"][0].rows[0]
    assert ser.references == {"SER": ("angry",)} and ser.item_id == "Ses05F_impro01_M002"
    assert ser.audio == "IEMOCAP_full_release/Session5/sentences/wav/Ses05F_impro01/Ses05F_impro01_M002.wav"
    gr = by_task["gender_recognition"][0].rows[0]
    assert gr.references == {"GR": ("female",)} and gr.dataset == "librispeech"


def test_wrap_splits_at_the_first_bar(official) -> None:
    item = official.f_item("audiocaption", "/path/to/audiocaps/audio/test/Yq.wav", "a|b")
    item["instructions"]["variations"]["wrap"][0]["lrt"] = "<<|>>|"
    (imported,) = import_items([item], "fixture.json", ImportOptions())
    wrap = next(row for row in imported.rows if row.variant == "wrap")
    assert wrap.checker.params == {"left": "<<", "right": ">>|"}


def test_audio_path_mapping() -> None:
    options = ImportOptions()
    assert map_audio_path("/path/to/audiocaps/audio/test/Y1.wav", options) == "AudioCaps/audio/test/Y1.wav"
    # no placeholder prefix: cut before the first known dataset folder
    assert (
        map_audio_path("/data/corpora/IEMOCAP_full_release/Session5/a.wav", options)
        == "IEMOCAP_full_release/Session5/a.wav"
    )
    # a folder the map does not know is kept as written after the prefix
    assert map_audio_path("/path/to/Other/x.wav", options) == "Other/x.wav"
    custom = ImportOptions(placeholder_prefix="/mnt/ds", folder_map={"AudioCaps": "caps"})
    assert map_audio_path("/mnt/ds/audiocaps/test/Y1.wav", custom) == "caps/test/Y1.wav"
    with pytest.raises(OfficialFileError, match="neither starts with"):
        map_audio_path("/somewhere/else/x.wav", options)
    with pytest.raises(OfficialFileError, match="leaves the data root"):
        map_audio_path("/path/to/AudioCaps/../../etc/passwd", options)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda item: item.pop("text"), r"item 1: key 'text': expected a non-empty string, missing"),
        (lambda item: item.update(task="speech_qa"), r"item 1: key 'task': expected one of asr"),
        (lambda item: item.update(text="Bored"), r"item 1: key 'text': expected one of happy, sad"),
        (
            lambda item: item["instructions"]["variations"].pop("alter_symbol"),
            r"item 1: key 'instructions\.variations\.alter_symbol': missing",
        ),
        (
            lambda item: item["instructions"]["variations"]["case"].update(upper_case="NOT A LIST"),
            r"item 1: key 'instructions\.variations\.case\.upper_case': expected a non-empty list",
        ),
        (
            lambda item: item["instructions"]["variations"]["robust"].update(grammar_robust=[3]),
            r"item 1: key 'instructions\.variations\.robust\.grammar_robust\[0\]': expected a non-empty",
        ),
        (
            lambda item: item["instructions"]["variations"].update(shuffled=["x"]),
            r"item 1: key 'instructions\.variations\.shuffled': unknown variation",
        ),
        (
            lambda item: item["instructions"]["variations"].update(constrain="both D and F"),
            r"item 1: key 'instructions\.variations': expected either 'default'",
        ),
        (
            lambda item: item["instructions"].pop("base_constrain"),
            r"item 1: key 'instructions\.base_constrain': expected a non-empty string",
        ),
        (lambda item: item.update(path="relative/x.wav"), r"item 1: key 'path': audio path"),
    ],
)
def test_malformed_d_items_name_file_index_and_key(official, edit, message: str) -> None:
    document = official.document("d", "emotion_recognition")
    edit(document["annotation"][1])
    with pytest.raises(OfficialFileError, match=r"^fixture\.json: " + message):
        import_items(document["annotation"], "fixture.json", ImportOptions())


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda v: v["wrap"][0].update(lrt="no bar"),
            r"item 0: key 'instructions\.variations\.wrap\[0\]\.lrt': expected 'LEFT\|RIGHT'",
        ),
        (lambda v: v["json"][0].pop("key"), r"item 0: key 'instructions\.variations\.json\[0\]\.key'"),
        (lambda v: v["prefix"][0].pop("inst"), r"item 0: key 'instructions\.variations\.prefix\[0\]\.inst'"),
        (lambda v: v.pop("upper_case"), r"item 0: key 'instructions\.variations\.upper_case': missing"),
    ],
)
def test_malformed_f_items_name_file_index_and_key(official, edit, message: str) -> None:
    document = official.document("f", "gender_recognition")
    edit(document["annotation"][0]["instructions"]["variations"])
    with pytest.raises(OfficialFileError, match=r"^fixture\.json: " + message):
        import_items(document["annotation"], "fixture.json", ImportOptions())


def test_file_level_errors(tmp_path: Path, official) -> None:
    not_json = tmp_path / "broken.json"
    not_json.write_text("{", encoding="utf-8")
    with pytest.raises(OfficialFileError, match=r"broken\.json: not a JSON file"):
        import_files([not_json], ImportOptions())
    item = official.d_item("asr", "/path/to/LibriSpeech/a.flac", "A")
    bare_list = official.write(tmp_path / "list.json", [item])
    with pytest.raises(OfficialFileError, match=r"list\.json: expected an object with key 'annotation'"):
        import_files([bare_list], ImportOptions())
    with pytest.raises(OfficialFileError, match=r"missing\.json: official instruction file not found"):
        import_files([tmp_path / "missing.json"], ImportOptions())


def test_duplicate_item_across_files_is_refused(tmp_path: Path, official) -> None:
    first = official.write(tmp_path / "a.json", official.document("d", "asr"))
    second = official.write(tmp_path / "b.json", official.document("d", "asr"))
    duplicate = r"b\.json: item 0: item 121-121726-0000 \(D ASR\) was already imported from .*a\.json: item 0"
    with pytest.raises(OfficialFileError, match=duplicate):
        import_files([first, second], ImportOptions())


def test_manifests_sorted_by_item_then_variant(official_files) -> None:
    result = import_files(official_files(), ImportOptions())
    assert sorted(result.manifests) == [
        f"{dimension}-{task}" for dimension in ("d", "f") for task in ("aac", "asr", "gr", "s2tt", "ser")
    ]
    rows = result.manifests["d-asr"]
    assert [row.item_id for row in rows] == ["1089-134686-0000"] * 9 + ["121-121726-0000"] * 9
    assert [row.variant for row in rows[:9]] == [variant for _, variant, _ in D_ORDER]
    assert len(result.manifests["f-s2tt"]) == 2 * 5
    assert result.datasets["librispeech"].items == 4  # ASR and GR items share the dataset
    assert result.datasets["iemocap"].adapter == "isa-v1-import"


def test_checkers_are_accepted_by_the_scorer(official_files) -> None:
    result = import_files(official_files(), ImportOptions())
    for rows in result.manifests.values():
        for row in rows:
            compile_checker(row.checker)
