"""Import the ISA-Bench v1 paper's own D and F instruction files as isac manifest rows.

An official file is `{"annotation": [item, ...]}`; an item holds `path` (audio under a placeholder
prefix such as `/path/to/`), `text` (the reference), `task` (asr, translation_ec, audiocaption,
emotion_recognition, gender_recognition) and `instructions` {base_description, base_constrain,
variations}. A D item's variations start with `default`, an F item's with `constrain`; every published
instruction becomes one row, with the official variation name kept in `meta["isa_v1_variation"]`.

Everything here is pure (parsed JSON in, rows out) except `read_official_file`; errors name the file,
the item index and the key at fault.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from isac.compiler.errors import SpecError
from isac.compiler.manifests import DatasetFingerprint
from isac.compiler.rows import CheckerSpec, ManifestRow, make_row
from isac.runtime.isa_v1.vocabulary import AAC_BLACKLIST, ASR_BLACKLIST, EMOTIONS, GENDERS, TASK_OF_OFFICIAL

LABELS: dict[str, tuple[str, ...]] = {"SER": EMOTIONS, "GR": GENDERS}

# The dataset (spec name) each task's official file draws from; overridable per import.
DEFAULT_DATASET_OF_TASK: dict[str, str] = {
    "ASR": "librispeech",
    "GR": "librispeech",
    "S2TT": "covost2",
    "SER": "iemocap",
    "AAC": "audiocaps",
}
# First folder of an official audio path (compared case-insensitively) -> folder under an isac data root.
DEFAULT_FOLDER_MAP: dict[str, str] = {
    "IEMOCAP_full_release": "IEMOCAP_full_release",
    "audiocaps": "AudioCaps",
    "LibriSpeech": "LibriSpeech",
    "CoVoST2": "CoVoST2",
    "covost": "CoVoST2",
}
DEFAULT_PLACEHOLDER_PREFIX = "/path/to"
IMPORT_ADAPTER = (
    "isa-v1-import"  # the lock file's adapter name for datasets known only through imported files
)
# The isac adapters name AudioCaps items by YouTube id, while the official AAC audio file is "Y<id>.wav".
ITEM_ID_PREFIX_OF_TASK: dict[str, str] = {"AAC": "Y"}

# D: the answer format every official D instruction asks for, per task.
D_CHECKERS: dict[str, CheckerSpec] = {
    "ASR": CheckerSpec(kind="prefix", params={"text": "The transcript is:", "case_sensitive": False}),
    "S2TT": CheckerSpec(kind="prefix", params={"text": "The translation is:", "case_sensitive": False}),
    "AAC": CheckerSpec(kind="prefix", params={"text": "The audio caption is:", "case_sensitive": False}),
    "SER": CheckerSpec(kind="label", params={"labels": list(LABELS["SER"])}),
    "GR": CheckerSpec(kind="label", params={"labels": list(LABELS["GR"])}),
}
# F1 answer-only for open-text tasks: phrases that betray commentary instead of a bare answer. ASR and
# AAC lists are the official scorer's; for S2TT the official keyword list minus its " is" entry, which
# rejects any sentence containing "is" (a known quirk the isa-v1 scoring profile reproduces itself).
ANSWER_ONLY_FORBIDDEN: dict[str, tuple[str, ...]] = {
    "ASR": ASR_BLACKLIST,
    "S2TT": (
        "mandarin",
        "chinese",
        "translation",
        "中文是",
        "普通话版本",
        "翻译",
        "译文",
        "原文",
        "译成",
        "翻成",
        "译为",
    ),
    "AAC": AAC_BLACKLIST,
}


class OfficialFileError(SpecError):
    """An official instruction file is missing, malformed or cannot be mapped onto the data root."""


@dataclass(frozen=True)
class Variation:
    """Where one official variation lives in `instructions.variations` and the isac row it becomes."""

    key: tuple[str, ...]  # e.g. ("case", "upper_case")
    variation_class: str
    variant: str
    shape: str  # "text": a string; "texts": a list of strings; "records": a list of objects

    @property
    def name(self) -> str:
        """The official name, dotted: "case.upper_case"."""
        return ".".join(self.key)


# In row order (the order of the variants in docs/contracts.md).
D_VARIATIONS: tuple[Variation, ...] = (
    Variation(("default",), "D1", "default", "text"),
    Variation(("case", "upper_case"), "D2", "upper_case", "texts"),
    Variation(("case", "lower_case"), "D2", "lower_case", "texts"),
    Variation(("robust", "grammar_robust"), "D3", "syntax_error", "texts"),
    Variation(("robust", "syntax_robust"), "D3", "lexical_error", "texts"),
    Variation(("semantic_equal_simple",), "D4", "simple", "texts"),
    Variation(("semantic_equal_neutral",), "D4", "neutral", "texts"),
    Variation(("semantic_equal_complex",), "D4", "complex", "texts"),
    Variation(("alter_symbol",), "D5", "punctuation", "texts"),
)
F_VARIATIONS: tuple[Variation, ...] = (
    Variation(("constrain",), "F1", "answer_only", "text"),
    Variation(("upper_case",), "F2", "upper_case", "text"),
    Variation(("lower_case",), "F2", "lower_case", "text"),
    Variation(("prefix",), "F3", "prefix", "records"),
    Variation(("suffix",), "F3", "suffix", "records"),
    Variation(("wrap",), "F3", "wrap", "records"),
    Variation(("json",), "F4", "json", "records"),
)
# Keys each F record must hold besides `inst`.
F_RECORD_KEYS: dict[str, tuple[str, ...]] = {
    "prefix": ("prefix",),
    "suffix": ("suffix",),
    "wrap": ("lrt",),
    "json": ("key", "value"),
}
# F variations a task's file may leave out (the official S2TT file has no case variations).
OPTIONAL_F_VARIATIONS: dict[str, frozenset[str]] = {"S2TT": frozenset({"upper_case", "lower_case"})}


@dataclass(frozen=True)
class ImportOptions:
    """How official paths and tasks map onto an isac data root and spec."""

    placeholder_prefix: str = DEFAULT_PLACEHOLDER_PREFIX
    folder_map: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_FOLDER_MAP))
    dataset_of_task: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_DATASET_OF_TASK))


@dataclass(frozen=True)
class ImportedItem:
    """The rows built from one official item, with what the lock file needs to know about it."""

    dimension: str
    task: str
    dataset: str
    item_id: str
    rows: tuple[ManifestRow, ...]
    origin: str  # "file: item N", for messages about duplicates


@dataclass(frozen=True)
class ImportResult:
    """Manifests built from a set of official files, ready for `write_manifest_set`."""

    manifests: dict[str, tuple[ManifestRow, ...]]  # "d-ser" -> rows ordered by (item_id, variant order)
    datasets: dict[str, DatasetFingerprint]  # dataset name -> digest of the files that supplied its items
    sources_sha256: str  # digest over every imported file's bytes, independent of names and order


class _Where:
    """Error prefix naming the file, the item index and the key."""

    def __init__(self, source: str, index: int) -> None:
        self.source = source
        self.index = index

    def error(self, key: str, expected: str) -> OfficialFileError:
        return OfficialFileError(f"{self.source}: item {self.index}: key {key!r}: {expected}")


# ------------------------------------------------------------------------------------------ reading


def read_official_file(path: Path) -> tuple[list[Any], str]:
    """The `annotation` list of one official file and the sha256 of its bytes."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise OfficialFileError(f"{path}: official instruction file not found") from None
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise OfficialFileError(f"{path}: not a JSON file ({error})") from None
    if not isinstance(document, dict) or not isinstance(document.get("annotation"), list):
        raise OfficialFileError(f"{path}: expected an object with key 'annotation' holding the list of items")
    return document["annotation"], hashlib.sha256(data).hexdigest()


def import_files(paths: Sequence[Path], options: ImportOptions) -> ImportResult:
    """Read official files and group their rows into one manifest per (dimension, task)."""
    if not paths:
        raise OfficialFileError("no official instruction files given")
    sourced: list[tuple[ImportedItem, str]] = []
    digests: list[str] = []
    for path in paths:
        annotation, digest = read_official_file(path)
        digests.append(digest)
        sourced += [(item, digest) for item in import_items(annotation, str(path), options)]
    return group_items(sourced, digests)


def group_items(sourced: Sequence[tuple[ImportedItem, str]], digests: Sequence[str]) -> ImportResult:
    """Manifests ordered by (item_id, variant order) and per-dataset fingerprints; duplicates refused.

    `sourced` pairs each item with the sha256 of the file it came from; `digests` lists every file's.
    """
    seen: dict[tuple[str, str, str], str] = {}
    grouped: dict[str, list[ImportedItem]] = {}
    dataset_items: dict[str, set[str]] = {}
    dataset_digests: dict[str, set[str]] = {}
    for item, digest in sourced:
        key = (item.dimension, item.task, item.item_id)
        if key in seen:
            raise OfficialFileError(
                f"{item.origin}: item {item.item_id} ({item.dimension} {item.task}) was already imported "
                f"from {seen[key]}"
            )
        seen[key] = item.origin
        grouped.setdefault(manifest_name(item.dimension, item.task), []).append(item)
        dataset_items.setdefault(item.dataset, set()).add(item.item_id)
        dataset_digests.setdefault(item.dataset, set()).add(digest)
    manifests = {
        name: tuple(row for item in sorted(members, key=lambda item: item.item_id) for row in item.rows)
        for name, members in sorted(grouped.items())
    }
    datasets = {
        name: DatasetFingerprint(
            adapter=IMPORT_ADAPTER, fingerprint=combined_sha256(dataset_digests[name]), items=len(ids)
        )
        for name, ids in sorted(dataset_items.items())
    }
    return ImportResult(manifests, datasets, combined_sha256(digests))


def manifest_name(dimension: str, task: str) -> str:
    """The manifest a (dimension, task) pair goes to, named as `isac compile` names it: "d-ser"."""
    return f"{dimension.lower()}-{task.lower()}"


def combined_sha256(digests: Iterable[str]) -> str:
    """One digest over several files' sha256 digests, independent of their order and names."""
    return hashlib.sha256("\n".join(sorted(digests)).encode("ascii")).hexdigest()


# ------------------------------------------------------------------------------------- row building


def import_items(annotation: Sequence[Any], source: str, options: ImportOptions) -> list[ImportedItem]:
    """Rows of every item of one official file; `source` names the file in errors."""
    return [import_item(raw, _Where(source, index), options) for index, raw in enumerate(annotation)]


def import_item(raw: Any, where: _Where, options: ImportOptions) -> ImportedItem:
    """All rows of one official item, in variant order."""
    if not isinstance(raw, dict):
        raise OfficialFileError(
            f"{where.source}: item {where.index}: expected an object with path, text, task"
        )
    task = _task(raw, where)
    instructions = _object(raw.get("instructions"), where, "instructions")
    variations = _object(instructions.get("variations"), where, "instructions.variations")
    if "single-stage" in variations or "multi-stage" in variations:
        raise where.error("instructions.variations", "N-dimension files are not supported by this importer")
    dimension = _dimension(variations, where)
    dataset = _mapped(options.dataset_of_task, task, where, "task")
    audio = map_audio_path(_text(raw.get("path"), where, "path"), options, where)
    item_id = _item_id(audio, task)
    meta = {
        "source": "isa-v1",
        "isa_v1_base_description": _text(
            instructions.get("base_description"), where, "instructions.base_description"
        ),
        "isa_v1_base_constraint": _text(
            instructions.get("base_constrain"), where, "instructions.base_constrain"
        ),
    }
    common = {
        "dimension": dimension,
        "task": task,
        "subtasks": (task,),
        "dataset": dataset,
        "item_id": item_id,
        "audio": audio,
        "references": {task: references(task, raw.get("text"), where)},
    }
    table = D_VARIATIONS if dimension == "D" else F_VARIATIONS
    _refuse_unknown_variations(variations, table, where)
    rows: list[ManifestRow] = []
    for variation in table:
        for instruction, checker, extra in _expand(variation, variations, task, dimension, where):
            rows.append(
                make_row(
                    **common,
                    variation_class=variation.variation_class,
                    variant=variation.variant,
                    instruction=instruction,
                    checker=checker,
                    meta={**meta, **extra, "isa_v1_variation": variation.name},
                )
            )
    return ImportedItem(dimension, task, dataset, item_id, tuple(rows), f"{where.source}: item {where.index}")


def references(task: str, text: Any, where: _Where) -> tuple[str, ...]:
    """The row's references from the official `text`: labels lowercased, S2TT and AAC split on "|"."""
    value = _text(text, where, "text")
    if task in LABELS:
        label = value.strip().lower()
        if label not in LABELS[task]:
            raise where.error("text", f"expected one of {', '.join(LABELS[task])} (any case), got {value!r}")
        return (label,)
    if task in ("S2TT", "AAC"):
        parts = tuple(part.strip() for part in value.split("|") if part.strip())
        if not parts:
            raise where.error("text", "expected at least one non-empty reference")
        return parts
    return (value,)


def map_audio_path(path: str, options: ImportOptions, where: _Where | None = None) -> str:
    """An official audio path as a POSIX path relative to an isac data root.

    The placeholder prefix is removed when the path starts with it; otherwise everything before the
    first folder named in the folder map is. The first remaining folder is then renamed through the
    map (case-insensitively), e.g. `/path/to/audiocaps/audio/test/Y1.wav` -> `AudioCaps/audio/test/Y1.wav`.
    """
    parts = PurePosixPath(path.replace("\\", "/")).parts
    folders = {official.casefold(): ours for official, ours in options.folder_map.items()}
    prefix = (
        PurePosixPath(options.placeholder_prefix.replace("\\", "/")).parts
        if options.placeholder_prefix
        else ()
    )
    if prefix and parts[: len(prefix)] == prefix and len(parts) > len(prefix):
        rest = list(parts[len(prefix) :])
    else:
        starts = [index for index, part in enumerate(parts) if part.casefold() in folders]
        if not starts:
            raise _path_error(
                where,
                f"audio path {path!r} neither starts with {options.placeholder_prefix!r} nor contains a"
                f" known dataset folder ({', '.join(options.folder_map)}); check the prefix and folder map",
            )
        rest = list(parts[starts[0] :])
    rest[0] = folders.get(rest[0].casefold(), rest[0])
    if ".." in rest or rest[0] == "/":
        raise _path_error(where, f"audio path {path!r} leaves the data root")
    return PurePosixPath(*rest).as_posix()


# ------------------------------------------------------------------------------------------ helpers


def _expand(
    variation: Variation, variations: Mapping[str, Any], task: str, dimension: str, where: _Where
) -> Iterable[tuple[str, CheckerSpec, dict[str, str]]]:
    """(instruction, checker, extra meta) for each published instruction of one variation."""
    key = "instructions.variations." + variation.name
    value = _lookup(variations, variation.key)
    if value is None:
        if dimension == "F" and variation.variant in OPTIONAL_F_VARIATIONS.get(task, frozenset()):
            return []
        raise where.error(key, "missing")
    if variation.shape == "text":
        return [(_text(value, where, key), _checker(variation, task, dimension, {}, where, key), {})]
    if not isinstance(value, list) or not value:
        raise where.error(key, f"expected a non-empty list, got {type(value).__name__}")
    expanded: list[tuple[str, CheckerSpec, dict[str, str]]] = []
    for position, entry in enumerate(value):
        entry_key = f"{key}[{position}]"
        extra = {"isa_v1_index": str(position)}
        if variation.shape == "texts":
            instruction = _text(entry, where, entry_key)
            expanded.append((instruction, _checker(variation, task, dimension, {}, where, entry_key), extra))
            continue
        record = _object(entry, where, entry_key)
        instruction = _text(record.get("inst"), where, entry_key + ".inst")
        fields = {
            name: _text(record.get(name), where, f"{entry_key}.{name}")
            for name in F_RECORD_KEYS[variation.variant]
        }
        if variation.variant == "json":
            extra["isa_v1_json_value"] = fields["value"]
        expanded.append((instruction, _checker(variation, task, dimension, fields, where, entry_key), extra))
    return expanded


def _checker(
    variation: Variation, task: str, dimension: str, fields: Mapping[str, str], where: _Where, key: str
) -> CheckerSpec:
    if dimension == "D":
        return D_CHECKERS[task]
    variant = variation.variant
    if variant == "answer_only":
        if task in LABELS:
            return CheckerSpec(kind="label", params={"labels": list(LABELS[task])})
        return CheckerSpec(kind="text", params={"forbidden": list(ANSWER_ONLY_FORBIDDEN[task])})
    if variant in ("upper_case", "lower_case"):
        return CheckerSpec(kind=variant, params={})
    if variant in ("prefix", "suffix"):
        return CheckerSpec(kind=variant, params={"text": fields[variant], "case_sensitive": True})
    if variant == "wrap":
        left, bar, right = fields["lrt"].partition("|")
        if not bar or not left.strip() or not right.strip():
            raise where.error(key + ".lrt", f"expected 'LEFT|RIGHT', got {fields['lrt']!r}")
        return CheckerSpec(kind="wrap", params={"left": left, "right": right})
    return CheckerSpec(kind="json_key", params={"key": fields["key"]})


def _task(raw: Mapping[str, Any], where: _Where) -> str:
    official = raw.get("task")
    if official not in TASK_OF_OFFICIAL:
        raise where.error("task", f"expected one of {', '.join(TASK_OF_OFFICIAL)}, got {official!r}")
    return TASK_OF_OFFICIAL[official]


def _dimension(variations: Mapping[str, Any], where: _Where) -> str:
    is_d, is_f = "default" in variations, "constrain" in variations
    if is_d == is_f:
        raise where.error(
            "instructions.variations", "expected either 'default' (a D item) or 'constrain' (an F item)"
        )
    return "D" if is_d else "F"


def _refuse_unknown_variations(
    variations: Mapping[str, Any], table: Sequence[Variation], where: _Where
) -> None:
    known: dict[str, set[str]] = {}
    for variation in table:
        known.setdefault(variation.key[0], set()).update(variation.key[1:])
    for name, value in variations.items():
        if name not in known:
            raise where.error(
                f"instructions.variations.{name}", f"unknown variation; expected {', '.join(known)}"
            )
        if known[name]:
            inner = _object(value, where, f"instructions.variations.{name}")
            for sub in inner:
                if sub not in known[name]:
                    raise where.error(
                        f"instructions.variations.{name}.{sub}",
                        f"unknown variation; expected {', '.join(sorted(known[name]))}",
                    )


def _lookup(variations: Mapping[str, Any], key: tuple[str, ...]) -> Any:
    value: Any = variations
    for part in key:
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _item_id(audio: str, task: str) -> str:
    stem = PurePosixPath(audio).stem
    prefix = ITEM_ID_PREFIX_OF_TASK.get(task, "")
    return stem.removeprefix(prefix) if prefix and len(stem) > len(prefix) else stem


def _mapped(table: Mapping[str, str], task: str, where: _Where, key: str) -> str:
    if task not in table:
        raise where.error(key, f"no dataset configured for task {task}")
    return table[task]


def _text(value: Any, where: _Where, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        shown = "missing" if value is None else f"got {type(value).__name__} {value!r}"[:120]
        raise where.error(key, f"expected a non-empty string, {shown}")
    return value


def _object(value: Any, where: _Where, key: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise where.error(
            key, f"expected an object, got {'nothing' if value is None else type(value).__name__}"
        )
    return value


def _path_error(where: _Where | None, message: str) -> OfficialFileError:
    return where.error("path", message) if where else OfficialFileError(message)
