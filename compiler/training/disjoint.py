"""Contamination check: no audio item and no instruction of a training corpus occurs in a test set.

Audio: the same item id (per dataset), the same audio path, or the same audio bytes (sha256; only files
whose size equals a test file's size are hashed, so a real training split is not read in full).
Instructions: equal after `normalize_text`, or near duplicates (word-bigram Jaccard at or above
`NEAR_DUPLICATE_THRESHOLD`), found with a prefix filter: two sets with Jaccard >= t share at least one
of the first |A| - ceil(t·|A|) + 1 bigrams of A in a fixed global order (rarest first), so only pairs
sharing such a bigram are compared, and every pair at or above the threshold is found.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from isac.compiler.manifests import LOCK_FILE
from isac.compiler.training.normalize import NEAR_DUPLICATE_THRESHOLD, bigrams, jaccard, normalize_text

MAX_LISTED = 20  # offending rows listed per kind in a report's lines


@dataclass(frozen=True)
class Overlap:
    """One contamination: what is shared, the training example and test row ids, and the evidence."""

    kind: str  # item_id | audio_path | audio_content | instruction | near_instruction
    sft_id: str
    test_id: str
    detail: str


@dataclass
class DisjointReport:
    """Every overlap found, with what was compared."""

    sft_rows: int = 0
    test_rows: int = 0
    audio_hashed: int = 0
    overlaps: list[Overlap] = field(default_factory=list)
    threshold: float = NEAR_DUPLICATE_THRESHOLD

    @property
    def ok(self) -> bool:
        """No overlap of any kind."""
        return not self.overlaps

    def summary(self) -> dict[str, Any]:
        """JSON-ready verdict for the corpus lock."""
        kinds = Counter(overlap.kind for overlap in self.overlaps)
        return {
            "ok": self.ok,
            "sft_rows": self.sft_rows,
            "test_rows": self.test_rows,
            "audio_files_hashed": self.audio_hashed,
            "near_duplicate_threshold": self.threshold,
            "overlaps": dict(sorted(kinds.items())),
        }

    def lines(self) -> list[str]:
        """Human-readable lines: a verdict, then up to MAX_LISTED offending rows per kind."""
        if self.ok:
            return [
                f"disjoint: {self.sft_rows} training examples vs {self.test_rows} test rows "
                f"(no shared item, audio path or content, instruction or near duplicate >= {self.threshold})"
            ]
        out = [f"CONTAMINATED: {len(self.overlaps)} overlap(s) between training corpus and test set"]
        listed: Counter[str] = Counter()
        for overlap in self.overlaps:
            listed[overlap.kind] += 1
            if listed[overlap.kind] <= MAX_LISTED:
                out.append(
                    f"  {overlap.kind}: sft {overlap.sft_id} ~ test {overlap.test_id}: {overlap.detail}"
                )
        for kind, count in sorted(listed.items()):
            if count > MAX_LISTED:
                out.append(f"  ... {count - MAX_LISTED} more {kind} overlap(s)")
        return out


def read_rows(path: Path) -> Iterator[dict[str, Any]]:
    """JSON rows of one JSONL file."""
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def manifest_rows(test_dir: Path) -> Iterator[dict[str, Any]]:
    """Every row of every manifest of a compiled test set or release."""
    for path in sorted(test_dir.glob("*.jsonl")):
        yield from read_rows(path)


def check_disjoint(
    sft_examples: Iterable[Mapping[str, Any]],
    test: Iterable[Mapping[str, Any]],
    data_root: Path | None,
    *,
    threshold: float = NEAR_DUPLICATE_THRESHOLD,
) -> DisjointReport:
    """Compare a corpus with test rows; audio content is compared only when `data_root` is given."""
    report = DisjointReport(threshold=threshold)
    test_items: dict[tuple[str, str], str] = {}
    test_audio: dict[str, str] = {}
    test_text: dict[str, str] = {}
    for row in test:
        report.test_rows += 1
        test_items.setdefault((row["dataset"], row["item_id"]), row["id"])
        test_audio.setdefault(row["audio"], row["id"])
        test_text.setdefault(normalize_text(row["instruction"]), row["id"])
    sft_text: dict[str, str] = {}
    sft_audio: dict[str, str] = {}
    for example in sft_examples:
        report.sft_rows += 1
        sid = example["id"]
        key = (example["dataset"], example["item_id"])
        if key in test_items:
            report.overlaps.append(Overlap("item_id", sid, test_items[key], f"{key[0]} item {key[1]}"))
        if example["audio"] in test_audio:
            report.overlaps.append(Overlap("audio_path", sid, test_audio[example["audio"]], example["audio"]))
        sft_audio.setdefault(example["audio"], sid)
        normalized = normalize_text(example["instruction"])
        if normalized in test_text:
            report.overlaps.append(
                Overlap("instruction", sid, test_text[normalized], repr(example["instruction"]))
            )
        else:
            sft_text.setdefault(normalized, sid)
    if data_root is not None:
        report.overlaps += _audio_content(sft_audio, test_audio, data_root, report)
    report.overlaps += _near_duplicates(sft_text, test_text, threshold)
    return report


def _audio_content(
    sft_audio: Mapping[str, str], test_audio: Mapping[str, str], root: Path, report: DisjointReport
) -> list[Overlap]:
    def size(path: str) -> int | None:
        try:
            return (root / path).stat().st_size
        except OSError:
            return None

    test_sizes: dict[int, list[str]] = defaultdict(list)
    for path in test_audio:
        found = size(path)
        if found is not None:
            test_sizes[found].append(path)
    hashes: dict[str, str] = {}

    def digest(path: str) -> str:
        if path not in hashes:
            hashes[path] = hashlib.sha256((root / path).read_bytes()).hexdigest()
            report.audio_hashed += 1
        return hashes[path]

    overlaps = []
    for path, sid in sft_audio.items():
        if path in test_audio:
            continue  # already reported as a shared path
        found = size(path)
        for candidate in test_sizes.get(found, []) if found is not None else []:
            if digest(path) == digest(candidate):
                overlaps.append(
                    Overlap(
                        "audio_content", sid, test_audio[candidate], f"{path} has the bytes of {candidate}"
                    )
                )
    return overlaps


def _near_duplicates(
    sft_text: Mapping[str, str], test_text: Mapping[str, str], threshold: float
) -> list[Overlap]:
    sets_sft = {text: bigrams(text) for text in sft_text}
    sets_test = {text: bigrams(text) for text in test_text}
    frequency: Counter[str] = Counter()
    for grams in (*sets_sft.values(), *sets_test.values()):
        frequency.update(grams)

    def prefix(grams: frozenset[str]) -> list[str]:
        ordered = sorted(grams, key=lambda gram: (frequency[gram], gram))
        return ordered[: len(ordered) - math.ceil(threshold * len(ordered)) + 1]

    index: dict[str, list[str]] = defaultdict(list)
    for text, grams in sets_test.items():
        for gram in prefix(grams):
            index[gram].append(text)
    overlaps = []
    for text, grams in sets_sft.items():
        seen: set[str] = set()
        for gram in prefix(grams):
            for candidate in index.get(gram, ()):
                if candidate in seen:
                    continue
                seen.add(candidate)
                similarity = jaccard(grams, sets_test[candidate])
                if similarity >= threshold:
                    overlaps.append(
                        Overlap(
                            "near_instruction",
                            sft_text[text],
                            test_text[candidate],
                            f"similarity {similarity:.2f}: {text!r} ~ {candidate!r}",
                        )
                    )
    return overlaps


def verify_disjoint(sft_dir: Path, test_dir: Path, data_root: Path | None) -> DisjointReport:
    """Check the corpus under `sft_dir` against the test manifests under `test_dir`."""
    from isac.compiler.training.corpus import read_corpus

    if not (test_dir / LOCK_FILE).is_file() and not any(test_dir.glob("*.jsonl")):
        from isac.compiler.training.plan import CorpusError

        raise CorpusError(f"{test_dir}: no test manifests (*.jsonl) found")
    return check_disjoint(read_corpus(sft_dir), manifest_rows(test_dir), data_root)
