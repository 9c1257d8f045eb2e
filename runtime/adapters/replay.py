"""`replay:<file>`: import responses produced elsewhere as if a model had just given them.

Accepted files (detected from the content):

* JSONL keyed by row id: one `{"row_id": ..., "response": ...}` object a line (an optional `error`
  string replays a failure). The last line of a row wins.
* The ISA-Bench v1 result files (SCORING-RULES.md section 2.2): a JSON list of items with `path`,
  `task` and `variation_responses`. Responses are matched to rows by audio file stem, dimension, task
  and official variation name (`meta["isa_v1_variation"]` of rows imported with `isac import-isa-v1`,
  otherwise derived from the row's variant). Where the official lists hold several entries, the entry
  whose prefix / suffix / wrap / key equals the row's checker params is chosen, else the first.
* The ISA-Bench v1 N result file (section 2.3): `{"annotation": [...]}` with `single-stage`
  separation and json records, matched by audio stem, subtask order and format.

Rows without a replayed response become error records ("no replayed response"). No audio is read.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from isac.compiler import __version__
from isac.compiler.errors import RunError
from isac.compiler.rows import ManifestRow
from isac.runtime.adapters.base import AdapterOptions, Generation, GenerationRequest

NO_RESPONSE = "no replayed response"

# Official task names -> ours.
_TASKS = {
    "asr": "ASR",
    "translation_ec": "S2TT",
    "audiocaption": "AAC",
    "emotion_recognition": "SER",
    "gender_recognition": "GR",
}
# Our (dimension, variant) -> the official variation name, for rows without meta["isa_v1_variation"].
_OFFICIAL_VARIATION = {
    ("D", "default"): "default",
    ("D", "upper_case"): "upper_case",
    ("D", "lower_case"): "lower_case",
    ("D", "syntax_error"): "grammar_robust",  # word-order errors
    ("D", "lexical_error"): "syntax_robust",  # misspellings
    ("D", "simple"): "semantic_equal_simple",
    ("D", "neutral"): "semantic_equal_neutral",
    ("D", "complex"): "semantic_equal_complex",
    ("D", "punctuation"): "alter_symbol",
    ("F", "answer_only"): "constrain",
    ("N", "separator"): "separation",
}
_D_KEYS = {"default", "case", "robust", "semantic_equal_simple", "semantic_equal_neutral"}
_D_KEYS |= {"semantic_equal_complex", "alter_symbol"}
# Official list entries name their format under these keys.
_MARKER_KEYS = ("prefix", "suffix", "lrt", "key", "separator")


@dataclass(frozen=True)
class _Candidate:
    """One official response and the format marker it was produced for (prefix text, key...)."""

    marker: str | None
    response: str


# (audio stem, dimension, task or None, official variation) -> candidates in file order
_Key = tuple[str, str, str | None, str]


@dataclass(frozen=True)
class ReplayIndex:
    """Responses loaded from a replay file, looked up per row."""

    by_row_id: dict[str, Generation]
    by_official_key: dict[_Key, list[_Candidate]]

    def lookup(self, row: ManifestRow) -> Generation:
        """The replayed Generation for `row`, or an error Generation when the file has none."""
        found = self.by_row_id.get(row.id)
        if found is not None:
            return found
        if self.by_official_key:
            variation = official_variation(row)
            stem = PurePosixPath(row.audio).stem
            candidates = self.by_official_key.get((stem, row.dimension, row.task, variation))
            if candidates is None:
                candidates = self.by_official_key.get((stem, row.dimension, None, variation))
            if candidates:
                return Generation(response=_choose(candidates, row).response)
        return Generation(response=None, error=NO_RESPONSE)


def official_variation(row: ManifestRow) -> str:
    """The ISA-Bench v1 variation name a row corresponds to."""
    named = row.meta.get("isa_v1_variation")
    if named:
        # Accept both `upper_case` and qualified forms such as `case.upper_case` or `case/upper_case`.
        return named.replace("/", ".").rsplit(".", 1)[-1]
    return _OFFICIAL_VARIATION.get((row.dimension, row.variant), row.variant)


def _choose(candidates: list[_Candidate], row: ManifestRow) -> _Candidate:
    if len(candidates) > 1:
        wanted = _row_marker(row)
        for candidate in candidates:
            if candidate.marker is not None and candidate.marker == wanted:
                return candidate
    return candidates[0]


def _row_marker(row: ManifestRow) -> str | None:
    params = row.checker.params
    kind = row.checker.kind
    if kind in ("prefix", "suffix"):
        return str(params.get("text"))
    if kind == "wrap":
        return f"{params.get('left')}|{params.get('right')}"
    if kind == "json_key":
        return str(params.get("key"))
    return None


# ------------------------------------------------------------------------------------------- loading


def load_replay_file(path: Path) -> ReplayIndex:
    """Read a replay file in any supported format (see module docstring)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RunError(f"--model replay:{path}: replay file not found") from None
    except UnicodeDecodeError as error:
        raise RunError(f"{path}: replay file is not UTF-8 text ({error})") from None
    stripped = text.lstrip()
    if stripped.startswith("["):
        return ReplayIndex({}, _index_official(_load_json(path, text), path))
    if stripped.startswith("{"):
        whole = _try_json(text)
        if isinstance(whole, dict) and "annotation" in whole:
            return ReplayIndex({}, _index_official_n(whole["annotation"], path))
    return ReplayIndex(_index_jsonl(path, text), {})


def _try_json(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return None


def _load_json(path: Path, text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise RunError(f"{path}: not valid JSON ({error.msg} at line {error.lineno})") from None


def _index_jsonl(path: Path, text: str) -> dict[str, Generation]:
    found: dict[str, Generation] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        source = f"{path}:{number}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            raise RunError(f"{source}: not valid JSON ({error.msg})") from None
        if not isinstance(data, dict) or not isinstance(data.get("row_id"), str):
            raise RunError(f"{source}: expected an object with a string row_id and a response")
        response, error = data.get("response"), data.get("error")
        if error is not None and not isinstance(error, str):
            raise RunError(f"{source}: error must be a string or null")
        if error is None and not isinstance(response, str):
            raise RunError(f"{source}: response must be a string (or give an error string)")
        found[data["row_id"]] = Generation(response=None if error else response, error=error)
    return found


def _index_official(items: Any, path: Path) -> dict[_Key, list[_Candidate]]:
    index: dict[_Key, list[_Candidate]] = {}
    if not isinstance(items, list):
        raise RunError(f"{path}: expected a JSON list of result items")
    seen: set[tuple[str, str | None]] = set()
    for position, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("path"), str):
            raise RunError(f"{path}: item {position} is not an object with a string `path`")
        responses = item.get("variation_responses")
        if not isinstance(responses, dict):
            raise RunError(f"{path}: item {position} has no `variation_responses` object")
        stem = PurePosixPath(item["path"].replace("\\", "/")).stem
        task = _TASKS.get(str(item.get("task", "")).strip().lower())
        # The official files sometimes repeat an item; the first occurrence is kept.
        if (stem, task) in seen:
            continue
        seen.add((stem, task))
        dimension = "D" if _D_KEYS & set(responses) else "F"
        for variation, candidate in _flatten(responses):
            index.setdefault((stem, dimension, task, variation), []).append(candidate)
    return index


def _flatten(responses: dict[str, Any]) -> Iterator[tuple[str, _Candidate]]:
    """(official variation name, candidate) for every response of one item; nested dicts are split."""
    for name, value in responses.items():
        if isinstance(value, dict):
            for inner, inner_value in value.items():
                yield from _candidates(inner, inner_value)
        else:
            yield from _candidates(name, value)


def _candidates(name: str, value: Any) -> Iterator[tuple[str, _Candidate]]:
    if isinstance(value, str):
        yield name, _Candidate(None, value)
    elif isinstance(value, list):
        for entry in value:
            if isinstance(entry, str):
                yield name, _Candidate(None, entry)
            elif isinstance(entry, dict) and isinstance(entry.get("response"), str):
                marker = next((str(entry[key]) for key in _MARKER_KEYS if key in entry), None)
                yield name, _Candidate(marker, entry["response"])


def _index_official_n(items: Any, path: Path) -> dict[_Key, list[_Candidate]]:
    if not isinstance(items, list):
        raise RunError(f"{path}: `annotation` must be a list of items")
    index: dict[_Key, list[_Candidate]] = {}
    for position, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("path"), str):
            raise RunError(f"{path}: annotation item {position} is not an object with a string `path`")
        stem = PurePosixPath(item["path"].replace("\\", "/")).stem
        stages = (item.get("instructions") or {}).get("variations") or {}
        stage = stages.get("single-stage") or {}
        for branch, variation in (("separation", "separation"), ("json", "json")):
            for block in stage.get(branch) or []:
                for record in block if isinstance(block, list) else []:
                    if not isinstance(record, dict) or not isinstance(record.get("response"), str):
                        continue
                    task = "+".join(part.strip() for part in str(record.get("task", "")).split("|"))
                    key: _Key = (stem, "N", task, variation)
                    index.setdefault(key, []).append(_Candidate(None, record["response"]))
    return index


# ------------------------------------------------------------------------------------------- adapter


class ReplayAdapter:
    """Answers each row with the response the replay file holds for it."""

    needs_audio = False

    def __init__(self, model_id: str, path: Path, index: ReplayIndex, sha256: str) -> None:
        self.model_id = model_id
        self.path = path
        self._index = index
        self._sha256 = sha256

    def fingerprint(self) -> dict[str, Any]:
        """The replayed file (path and content hash) is the model."""
        return {
            "model_id": self.model_id,
            "adapter": "replay",
            "weights": str(self.path),
            "revision": self._sha256,
            "generation": {},
            "libraries": {"isac": __version__},
        }

    def generate(self, requests: list[GenerationRequest]) -> list[Generation]:
        """Look every request up in the index."""
        return [self._index.lookup(request.row) for request in requests]

    def close(self) -> None:
        """Nothing to release."""


def create_adapter(model_id: str, options: AdapterOptions) -> ReplayAdapter:
    """Registry factory: `replay:<file>`."""
    _scheme, _, target = model_id.partition(":")
    if not target:
        raise RunError(
            f"--model {model_id!r}: expected replay:<file> naming a JSONL or ISA-Bench result file"
        )
    path = Path(target).expanduser().resolve()
    index = load_replay_file(path)
    sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    return ReplayAdapter(model_id, path, index, sha256)
