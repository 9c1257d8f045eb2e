"""The SFT corpus: training view, determinism, target compliance, contamination check, exports."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from isac.compiler.build import Builder
from isac.compiler.commands.compile import load_indexes
from isac.compiler.errors import SpecError
from isac.compiler.rows import CheckerSpec
from isac.compiler.sampling import HashRng
from isac.compiler.spec import load_spec
from isac.compiler.training.corpus import CORPUS_FILE, SFT_LOCK, read_corpus
from isac.compiler.training.disjoint import check_disjoint, manifest_rows
from isac.compiler.training.export import export
from isac.compiler.training.normalize import bigrams, jaccard, normalize_text
from isac.compiler.training.plan import CorpusError, Mix, draw_items
from isac.compiler.training.view import training_view
from isac.runtime.cli import main
from isac.runtime.scoring.checkers import compile_checker

REPO = Path(__file__).resolve().parents[2]
SPEC = REPO / "spec"
MINI = REPO / "data" / "mini"
GOLDEN = REPO / "artifacts" / "releases" / "mini-1.0.0"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sft") / "corpus"
    code = main(
        [
            "sft",
            str(SPEC),
            "--data-root",
            str(MINI),
            "--out",
            str(out),
            "--size",
            "600",
            "--test",
            str(GOLDEN),
        ]
    )
    assert code == 0
    return out


def test_every_target_passes_the_checker_that_scores_the_test_set(corpus: Path) -> None:
    examples = list(read_corpus(corpus))
    assert len(examples) == 600
    for example in examples:
        checker = compile_checker(CheckerSpec.model_validate(example["checker"]))
        result = checker(example["target"], example["subtasks"])
        assert result.compliant, example
        assert all(answer.strip() for answer in result.answers.values()), example
    # every dimension, class and checker kind is represented
    assert {e["dimension"] for e in examples} == {"D", "F", "N"}
    assert {e["variation_class"] for e in examples} >= {"D1", "D5", "F1", "F2", "F3", "F4", "N1", "N2"}
    kinds = {e["checker"]["kind"] for e in examples}
    assert kinds >= {"prefix", "label", "text", "upper_case", "lower_case", "suffix", "wrap", "json_key"}


def test_the_default_mix_is_balanced_over_dimensions(corpus: Path) -> None:
    lock = json.loads((corpus / SFT_LOCK).read_text(encoding="utf-8"))
    per_dimension: dict[str, int] = {}
    for key, count in lock["cells"].items():
        per_dimension[key[0]] = per_dimension.get(key[0], 0) + count
    assert per_dimension == {"D": 200, "F": 200, "N": 200}
    assert lock["disjoint"]["ok"] is True
    assert lock["corpus"]["rows"] == 600


def test_training_examples_use_only_training_items_and_fragments(corpus: Path) -> None:
    spec = load_spec(SPEC)
    test_pools = {normalize_text(t) for task in spec.tasks.values() for t in task.task_descriptions}
    train_pools = {normalize_text(t) for task in spec.tasks.values() for t in task.training.task_descriptions}
    assert not test_pools & train_pools
    golden_items = {row["item_id"] for row in manifest_rows(GOLDEN)}
    for example in read_corpus(corpus):
        assert example["item_id"] not in golden_items
        if example["dataset"] == "librispeech":
            assert example["audio"].startswith("LibriSpeech/train-clean-100/")


def test_corpus_generation_is_byte_identical_twice(tmp_path: Path, corpus: Path) -> None:
    again = tmp_path / "again"
    assert (
        main(
            [
                "sft",
                str(SPEC),
                "--data-root",
                str(MINI),
                "--out",
                str(again),
                "--size",
                "600",
                "--test",
                str(GOLDEN),
            ]
        )
        == 0
    )
    assert (again / CORPUS_FILE).read_bytes() == (corpus / CORPUS_FILE).read_bytes()
    other = tmp_path / "other"
    assert (
        main(
            [
                "sft",
                str(SPEC),
                "--data-root",
                str(MINI),
                "--out",
                str(other),
                "--size",
                "600",
                "--seed",
                "7",
                "--test",
                str(GOLDEN),
            ]
        )
        == 0
    )
    assert (other / CORPUS_FILE).read_bytes() != (corpus / CORPUS_FILE).read_bytes()


def test_a_planted_instruction_and_audio_file_are_caught(tmp_path: Path, corpus: Path) -> None:
    test_rows = list(manifest_rows(GOLDEN))
    examples = list(read_corpus(corpus))
    # plant: one example copies a test instruction (case and punctuation changed), another a test audio file
    # under a new name (same bytes), a third a near duplicate (one word changed)
    instruction = test_rows[0]["instruction"]
    examples[0] = {**examples[0], "instruction": instruction.upper().replace(",", " ;")}
    data_root = tmp_path / "data"
    shutil.copytree(MINI, data_root)
    test_audio = next(r["audio"] for r in test_rows if r["dataset"] == "librispeech")
    copy = Path(test_audio).with_name("9001-200-9999.flac").as_posix()
    shutil.copyfile(data_root / test_audio, data_root / copy)
    examples[1] = {**examples[1], "audio": copy}
    long_row = max(test_rows, key=lambda r: len(r["instruction"].split()))
    words = long_row["instruction"].split()
    words[len(words) // 2] = "zebra"
    examples[2] = {**examples[2], "instruction": " ".join(words)}
    report = check_disjoint(examples, test_rows, data_root)
    kinds = {overlap.kind: overlap for overlap in report.overlaps}
    assert set(kinds) == {"instruction", "audio_content", "near_instruction"}, report.lines()
    assert kinds["instruction"].sft_id == examples[0]["id"]
    assert kinds["audio_content"].sft_id == examples[1]["id"]
    assert kinds["near_instruction"].sft_id == examples[2]["id"]
    # a shared item id and path are caught too
    examples[3] = {
        **examples[3],
        "dataset": test_rows[5]["dataset"],
        "item_id": test_rows[5]["item_id"],
        "audio": test_rows[5]["audio"],
    }
    kinds = {o.kind for o in check_disjoint(examples, test_rows, None).overlaps}
    assert {"item_id", "audio_path"} <= kinds


def test_verify_disjoint_cli_exits_nonzero_with_the_offending_rows(
    tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["verify-disjoint", str(corpus), str(GOLDEN), "--data-root", str(MINI)]) == 0
    bad = tmp_path / "bad"
    bad.mkdir()
    rows = (corpus / CORPUS_FILE).read_text(encoding="utf-8").splitlines()
    planted = json.loads(rows[0])
    planted["instruction"] = next(manifest_rows(GOLDEN))["instruction"]
    (bad / CORPUS_FILE).write_text("\n".join([json.dumps(planted), *rows[1:]]) + "\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["verify-disjoint", str(bad), str(GOLDEN)]) == 1
    out = capsys.readouterr().out
    assert "CONTAMINATED" in out and planted["id"] in out


def test_near_duplicate_measure() -> None:
    a = bigrams(normalize_text('Transcribe the audio, and begin your answer with "The transcription is:".'))
    b = bigrams(normalize_text("transcribe the audio and begin your reply with the transcription is"))
    assert 0.5 < jaccard(a, b) < 0.8
    assert jaccard(a, a) == 1.0


def test_the_training_view_refuses_shared_or_missing_pools(tmp_path: Path) -> None:
    spec_dir = tmp_path / "spec"
    shutil.copytree(SPEC, spec_dir)
    asr = spec_dir / "tasks" / "asr.yaml"
    text = asr.read_text(encoding="utf-8")
    asr.write_text(
        text.replace(
            "  task_descriptions:\n    - 'Write a transcript of what you hear'",
            "  task_descriptions:\n    - 'transcribe THE audio!'",
        ),
        encoding="utf-8",
    )
    with pytest.raises(
        SpecError,
        match=r"tasks/asr.yaml: training.task_descriptions: 'transcribe THE audio!' is also in the test pool",
    ):
        training_view(load_spec(spec_dir))
    asr.write_text(text.split("\n# Training-only pools")[0] + "\n", encoding="utf-8")
    with pytest.raises(SpecError, match=r"tasks/asr.yaml: training: missing"):
        training_view(load_spec(spec_dir))


def test_mix_parsing_and_filters() -> None:
    spec = training_view(load_spec(SPEC))
    builder = Builder(spec, load_indexes(spec, MINI, check_audio=True, skip_missing_audio=False))
    from isac.compiler.training.plan import plan_corpus

    plan = plan_corpus(builder, 90, Mix.parse("F=1", classes="F3", tasks="ASR,SER"), 1)
    assert {c.key.rsplit("/", 1)[1] for c in plan.cells} == {"ASR", "SER"}
    assert {c.variation_class for c in plan.cells} == {"F3"}
    assert sum(plan.counts().values()) == 90
    with pytest.raises(CorpusError, match="unknown dimension 'X'"):
        Mix.parse("X=1")
    with pytest.raises(CorpusError, match="selects no cell"):
        plan_corpus(builder, 10, Mix.parse("N=1", tasks="AAC"), 1)


def test_draw_items_covers_every_item_before_repeating() -> None:
    drawn = draw_items(HashRng(1, "x"), 10, 25)
    assert sorted(i for i, r in drawn if r == 0) == list(range(10))
    assert sorted(i for i, r in drawn if r == 1) == list(range(10))
    assert len({i for i, r in drawn if r == 2}) == 5


def test_exports_round_trip(tmp_path: Path, corpus: Path) -> None:
    written = export(["swift", "llamafactory", "hf"], corpus, MINI, tmp_path)
    examples = list(read_corpus(corpus))
    swift = [json.loads(line) for line in written["swift"].read_text(encoding="utf-8").splitlines()]
    assert len(swift) == len(examples)
    for record, example in zip(swift, examples, strict=True):
        assert record["messages"][0]["content"] == "<audio>" + example["instruction"]
        assert record["messages"][1]["content"] == example["target"]
        assert Path(record["audios"][0]) == (MINI / example["audio"]).resolve()
        assert Path(record["audios"][0]).is_file()
    folder = written["llamafactory"]
    info = json.loads((folder / "dataset_info.json").read_text(encoding="utf-8"))
    records = [
        json.loads(line)
        for line in (folder / info["isac_sft"]["file_name"]).read_text(encoding="utf-8").splitlines()
    ]
    assert [r["conversations"][1]["value"] for r in records] == [e["target"] for e in examples]
    datasets = pytest.importorskip("datasets")
    # a fresh cache: datasets caches by content, and a cached copy would keep another run's audio paths
    loaded = datasets.load_dataset(str(written["hf"]), split="train", cache_dir=str(tmp_path / "hf-cache"))
    assert isinstance(loaded.features["audio"], datasets.Audio)
    assert len(loaded) == len(examples)
    loaded = loaded.cast_column("audio", datasets.Audio(decode=False))
    by_id = {row["id"]: row for row in loaded}
    for example in examples:
        row = by_id[example["id"]]
        assert row["target"] == example["target"] and row["instruction"] == example["instruction"]
        assert Path(row["audio"]["path"]).read_bytes() == (MINI / example["audio"]).read_bytes()
