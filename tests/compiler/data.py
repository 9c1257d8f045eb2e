"""A tiny data root on disk: LibriSpeech in its standard layout, the other datasets as JSONL lists."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tests.compiler.helpers import EMOTIONS, copy_spec, sentence

SPEAKERS = {"1089": ("M", "134686"), "121": ("F", "121726"), "2300": ("M", "131720")}


def _files(count: int) -> dict[str, bytes]:
    """Relative path -> bytes of every file of the data root."""
    files: dict[str, bytes] = {}
    speakers = ["; ID | SEX | SUBSET | MINUTES | NAME"]
    for speaker, (sex, chapter) in SPEAKERS.items():
        speakers.append(f"{speaker} | {sex} | test-clean | 25.00 | Reader {speaker}")
        folder = f"LibriSpeech/test-clean/{speaker}/{chapter}"
        lines = []
        for index in range(count):
            utterance = f"{speaker}-{chapter}-{index:04d}"
            lines.append(f"{utterance} {sentence(index + int(speaker), 7).upper()}")
            files[f"{folder}/{utterance}.flac"] = b""
        files[f"{folder}/{speaker}-{chapter}.trans.txt"] = ("\n".join(lines) + "\n").encode()
    files["LibriSpeech/SPEAKERS.TXT"] = ("\n".join(speakers) + "\n").encode()

    def jsonl(name: str, rows: list[dict[str, object]]) -> None:
        files[f"lists/{name}.jsonl"] = "".join(
            json.dumps(row, ensure_ascii=False) + "\n" for row in rows
        ).encode()
        for row in rows:
            files[str(row["audio"])] = b""

    jsonl("covost2", [
        {"id": f"cv_{i}", "audio": f"CoVoST2/clips/cv_{i}.mp3", "references": {"S2TT": f"第{i}句。"}}
        for i in range(count)
    ])  # fmt: skip
    jsonl("iemocap", [
        {"id": f"Ses05F_impro01_F{i:03d}", "audio": f"IEMOCAP/Ses05F_impro01_F{i:03d}.wav",
         "references": {"SER": EMOTIONS[i % 4], "GR": "Female", "ASR": sentence(i, 8 if i % 2 else 4)}}
        for i in range(count)
    ])  # fmt: skip
    jsonl("audiocaps", [
        {"id": f"yt{i}", "audio": f"AudioCaps/yt{i}.wav",
         "references": {"AAC": [sentence(i, 6), sentence(i + 1, 5)]}}
        for i in range(count)
    ])  # fmt: skip
    return files


def make_data_root(root: Path, *, count: int = 4, reverse: bool = False) -> Path:
    """Write the files, in reverse creation order when asked (directory listings then differ)."""
    files = _files(count)
    for relative in sorted(files, reverse=reverse):
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(files[relative])
    return root


def make_spec(destination: Path) -> Path:
    """The real spec with covost2, iemocap and audiocaps read from JSONL lists."""
    spec_dir = copy_spec(destination)
    path = spec_dir / "benchmark.yaml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    for name in ("covost2", "iemocap", "audiocaps"):
        document["datasets"][name] = {"adapter": "jsonl", "options": {"file": f"lists/{name}.jsonl"}}
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return spec_dir
