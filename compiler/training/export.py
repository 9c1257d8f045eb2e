"""Export a training corpus to the layouts common audio-LLM fine-tuning frameworks read.

    swift         ms-swift: {"messages": [{"role": "user", "content": "<audio>INSTRUCTION"},
                  {"role": "assistant", "content": TARGET}], "audios": ["/abs/path.wav"]}
                  swift sft --model Qwen/Qwen2-Audio-7B-Instruct --dataset OUT/swift.jsonl ...
    llamafactory  LLaMA-Factory ShareGPT: {"conversations": [{"from": "human", "value": "<audio>..."},
                  {"from": "gpt", "value": TARGET}], "audios": [...]} plus dataset_info.json naming it
                  (dataset `isac_sft`, formatting sharegpt, columns conversations + audios)
                  llamafactory-cli train ... --dataset_dir OUT/llamafactory --dataset isac_sft
    hf            OUT/hf/train.jsonl ({"audio": "/abs/path.wav", "instruction", "target", ...}) and a
                  dataset card README.md declaring `audio` an Audio feature:
                  datasets.load_dataset("OUT/hf", split="train") -> an `audio` Audio column

Audio paths in the swift and LLaMA-Factory files are absolute (both frameworks open them as given).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from isac.compiler.training.plan import CorpusError

AUDIO_TAG = "<audio>"
LLAMAFACTORY_DATASET = "isac_sft"
_KEEP = ("id", "dimension", "variation_class", "variant", "task", "item_id", "dataset")


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def swift_record(example: Mapping[str, Any], data_root: Path) -> dict[str, Any]:
    """One ms-swift row."""
    return {
        "messages": [
            {"role": "user", "content": AUDIO_TAG + example["instruction"]},
            {"role": "assistant", "content": example["target"]},
        ],
        "audios": [str((data_root / example["audio"]).resolve())],
    }


def llamafactory_record(example: Mapping[str, Any], data_root: Path) -> dict[str, Any]:
    """One LLaMA-Factory ShareGPT row."""
    return {
        "conversations": [
            {"from": "human", "value": AUDIO_TAG + example["instruction"]},
            {"from": "gpt", "value": example["target"]},
        ],
        "audios": [str((data_root / example["audio"]).resolve())],
    }


def export_swift(examples: Iterable[Mapping[str, Any]], data_root: Path, out: Path) -> Path:
    """Write OUT/swift.jsonl."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / "swift.jsonl"
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for example in examples:
            handle.write(_dump(swift_record(example, data_root)))
    return path


def export_llamafactory(examples: Iterable[Mapping[str, Any]], data_root: Path, out: Path) -> Path:
    """Write OUT/llamafactory/{isac_sft.jsonl, dataset_info.json}."""
    folder = out / "llamafactory"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{LLAMAFACTORY_DATASET}.jsonl"
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for example in examples:
            handle.write(_dump(llamafactory_record(example, data_root)))
    info = {
        LLAMAFACTORY_DATASET: {
            "file_name": path.name,
            "formatting": "sharegpt",
            "columns": {"messages": "conversations", "audios": "audios"},
        }
    }
    (folder / "dataset_info.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    return folder


HF_FEATURES = (
    ("audio", "audio"),
    ("instruction", "string"),
    ("target", "string"),
    *((key, "string") for key in _KEEP),
)


def export_hf(examples: Iterable[Mapping[str, Any]], data_root: Path, out: Path) -> Path:
    """Write OUT/hf/{train.jsonl, README.md}: a dataset folder whose card makes `audio` an Audio column."""
    folder = out / "hf"
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "train.jsonl").open("w", encoding="utf-8", newline="\n") as handle:
        for example in examples:
            record = {key: example[key] for key in _KEEP}
            audio = data_root / example["audio"]
            if not audio.is_file():
                raise CorpusError(f"audio file not found: {audio} (is --data-root the corpus's data root?)")
            record |= {"audio": str(audio.resolve()), "instruction": example["instruction"]}
            record["target"] = example["target"]
            handle.write(_dump(record))
    features = "\n".join(f"  - name: {name}\n    dtype: {dtype}" for name, dtype in HF_FEATURES)
    card = (
        "---\ndataset_info:\n  features:\n" + features + "\n"
        "configs:\n- config_name: default\n  data_files:\n  - split: train\n    path: train.jsonl\n---\n"
        "# isac SFT corpus\n\nWritten by `isac sft --export hf`. Load with\n"
        '`datasets.load_dataset("<this folder>", split="train")`: `audio` is an `Audio` column.\n'
    )
    (folder / "README.md").write_text(card, encoding="utf-8")
    return folder


EXPORTERS: dict[str, Callable[[Iterable[Mapping[str, Any]], Path, Path], Path]] = {
    "swift": export_swift,
    "llamafactory": export_llamafactory,
    "hf": export_hf,
}


def export(
    names: Iterable[str], corpus_dir: Path, data_root: Path, out: Path | None = None
) -> dict[str, Path]:
    """Run the named exporters over the corpus under `corpus_dir` (into `out`, default the corpus dir)."""
    from isac.compiler.training.corpus import read_corpus

    written: dict[str, Path] = {}
    for name in names:
        if name not in EXPORTERS:
            raise CorpusError(f"unknown export format {name!r}; expected one of {', '.join(EXPORTERS)}")
        written[name] = EXPORTERS[name](read_corpus(corpus_dir), data_root, out or corpus_dir)
    return written
