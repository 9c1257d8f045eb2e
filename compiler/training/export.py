"""Export a training corpus to the layouts common audio-LLM fine-tuning frameworks read.

    swift         ms-swift: {"messages": [{"role": "user", "content": "<audio>INSTRUCTION"},
                  {"role": "assistant", "content": TARGET}], "audios": ["/abs/path.wav"]}
                  swift sft --model Qwen/Qwen2-Audio-7B-Instruct --dataset OUT/swift.jsonl ...
    llamafactory  LLaMA-Factory ShareGPT: {"conversations": [{"from": "human", "value": "<audio>..."},
                  {"from": "gpt", "value": TARGET}], "audios": [...]} plus dataset_info.json naming it
                  (dataset `isac_sft`, formatting sharegpt, columns conversations + audios)
                  llamafactory-cli train ... --dataset_dir OUT/llamafactory --dataset isac_sft
    hf            a Hugging Face `audiofolder`: OUT/hf/metadata.jsonl ({"file_name", "instruction",
                  "target", ...}) beside the audio (hard links, or copies across file systems)
                  datasets.load_dataset("audiofolder", data_dir="OUT/hf") -> an `audio` Audio column

Audio paths in the swift and LLaMA-Factory files are absolute (both frameworks open them as given).
"""

from __future__ import annotations

import json
import os
import shutil
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


def export_hf(examples: Iterable[Mapping[str, Any]], data_root: Path, out: Path) -> Path:
    """Write an audiofolder OUT/hf/ (metadata.jsonl + audio/<path as in the corpus>)."""
    folder = out / "hf"
    folder.mkdir(parents=True, exist_ok=True)
    linked: set[str] = set()
    with (folder / "metadata.jsonl").open("w", encoding="utf-8", newline="\n") as handle:
        for example in examples:
            relative = f"audio/{example['audio']}"
            if relative not in linked:
                _link(data_root / example["audio"], folder / relative)
                linked.add(relative)
            record = {key: example[key] for key in _KEEP}
            record |= {
                "file_name": relative,
                "instruction": example["instruction"],
                "target": example["target"],
            }
            handle.write(_dump(record))
    return folder


def _link(source: Path, target: Path) -> None:
    if not source.is_file():
        raise CorpusError(f"audio file not found: {source} (is --data-root the corpus's data root?)")
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        target.unlink()
    try:
        os.link(source, target)
    except OSError:  # another file system: copy
        shutil.copyfile(source, target)


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
