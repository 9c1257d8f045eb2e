from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from isac.compiler.datasets import load_dataset
from isac.compiler.datasets.iemocap import speaker_sex
from isac.compiler.errors import DatasetError

EVALUATION = Path("IEMOCAP_full_release/Session5/dialog/EmoEvaluation")


def controlled_utterances(fake) -> list:
    """hap 3 + exc 2 -> 5 happy, 2 sad, 1 angry, 4 neutral; 6 with other codes that must be dropped."""
    codes = ["hap"] * 3 + ["exc"] * 2 + ["sad"] * 2 + ["ang"] + ["neu"] * 4
    codes += ["fru", "sur", "fea", "dis", "oth", "xxx"]
    utterances = []
    for number, code in enumerate(codes):
        dialog = "Ses05F_impro01" if number % 2 else "Ses05M_script01_1b"
        sex = "M" if number % 3 else "F"
        utterances.append(fake.Utterance(dialog, f"{sex}{number:03d}", code, f"Sentence number {number}."))
    return utterances


def test_class_merge_and_dropped_codes(tmp_path: Path, fake) -> None:
    root = fake.iemocap(tmp_path, controlled_utterances(fake))
    index = load_dataset("iemocap", root, {})
    counts = Counter(item.references["SER"][0] for item in index.items)
    assert counts == {"happy": 5, "sad": 2, "angry": 1, "neutral": 4}
    assert len(index.items) == 12
    assert [item.item_id for item in index.items] == sorted(item.item_id for item in index.items)


def test_references_audio_and_sex_from_utterance_id(tmp_path: Path, fake) -> None:
    utterances = [
        fake.Utterance("Ses05F_impro01", "M012", "neu", "Excuse me."),
        fake.Utterance("Ses05F_impro01", "F000", "exc", "Hello there."),
    ]
    index = load_dataset("iemocap", fake.iemocap(tmp_path, utterances), {})
    by_id = {item.item_id: item for item in index.items}
    # the dialog name's F names the session's female actor, not the speaker
    assert by_id["Ses05F_impro01_M012"].references == {
        "SER": ("neutral",),
        "GR": ("male",),
        "ASR": ("Excuse me.",),
    }
    assert by_id["Ses05F_impro01_F000"].references["GR"] == ("female",)
    assert by_id["Ses05F_impro01_F000"].references["SER"] == ("happy",)
    assert by_id["Ses05F_impro01_F000"].audio == (
        "IEMOCAP_full_release/Session5/sentences/wav/Ses05F_impro01/Ses05F_impro01_F000.wav"
    )


def test_session_option_and_hidden_files(tmp_path: Path, fake) -> None:
    root = fake.iemocap(tmp_path, [fake.Utterance("Ses01F_impro01", "F000", "sad")], session=1)
    fake.write_text(
        root / "IEMOCAP_full_release/Session1/dialog/EmoEvaluation/._Ses01F_impro01.txt", "\x00junk"
    )
    index = load_dataset("iemocap", root, {"session": 1})
    assert [item.item_id for item in index.items] == ["Ses01F_impro01_F000"]
    with pytest.raises(DatasetError, match=r"folder not found: .*Session5"):
        load_dataset("iemocap", root, {})
    with pytest.raises(DatasetError, match=r"option 'session' must be 1\.\.5"):
        load_dataset("iemocap", root, {"session": 6})


def test_malformed_summary_line_names_file_and_line(tmp_path: Path, fake) -> None:
    root = fake.iemocap(tmp_path, [fake.Utterance("Ses05F_impro01", "F000", "neu")])
    file = root / EVALUATION / "Ses05F_impro01.txt"
    file.write_text(file.read_text() + "[1.0 - 2.0] Ses05F_impro01_F001 neu\n")
    with pytest.raises(DatasetError, match=r"Ses05F_impro01\.txt:7: expected '\[START - END\]"):
        load_dataset("iemocap", root, {})


def test_unknown_code_names_file_and_line(tmp_path: Path, fake) -> None:
    root = fake.iemocap(tmp_path, [fake.Utterance("Ses05F_impro01", "F000", "joy")])
    with pytest.raises(DatasetError, match=r"Ses05F_impro01\.txt:3: unknown emotion code 'joy'"):
        load_dataset("iemocap", root, {})


def test_labelled_utterance_without_transcript(tmp_path: Path, fake) -> None:
    root = fake.iemocap(tmp_path, [fake.Utterance("Ses05F_impro01", "F000", "neu")])
    transcript = root / "IEMOCAP_full_release/Session5/dialog/transcriptions/Ses05F_impro01.txt"
    transcript.write_text("Ses05F_impro01_MXX [000.0000-001.0000]: crosstalk\n")
    with pytest.raises(DatasetError, match="no transcript line for utterance Ses05F_impro01_F000"):
        load_dataset("iemocap", root, {})


def test_speaker_sex_rejects_ids_without_speaker_letter() -> None:
    assert speaker_sex("Ses05M_script01_1b_F003") == "female"
    with pytest.raises(DatasetError, match="does not end in"):
        speaker_sex("Ses05F_impro01_XX1")


def test_sessions_option_indexes_the_training_sessions_of_the_mini_corpus() -> None:
    from pathlib import Path

    mini = Path(__file__).resolve().parents[2] / "data" / "mini"
    index = load_dataset("iemocap", mini, {"sessions": [4, 1, 2, 3]})
    sessions = {item.item_id[:5] for item in index.items}
    assert sessions == {"Ses01", "Ses02", "Ses03", "Ses04"}
    assert all(item.references["SER"][0] in {"happy", "sad", "angry", "neutral"} for item in index.items)
    with pytest.raises(DatasetError, match="either 'session' or 'sessions'"):
        load_dataset("iemocap", mini, {"sessions": [1], "session": 5})
    with pytest.raises(DatasetError, match="non-empty list of integers"):
        load_dataset("iemocap", mini, {"sessions": []})
    with pytest.raises(DatasetError, match=r"option 'sessions' must be 1\.\.5"):
        load_dataset("iemocap", mini, {"sessions": [1, 7]})
