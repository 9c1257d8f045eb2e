"""The paper's result files as `replay:` input: responses matched to isac manifest rows.

Two layouts (SCORING-RULES.md sections 2.2 and 2.3):

* D/F result files: a JSON list of items with `path`, `task` and `variation_responses`. Responses are
  matched to rows by audio file stem, dimension, task and official variation name
  (`meta["isa_v1_variation"]` of rows imported with `isac import-isa-v1`, otherwise derived from the
  row's variant). Where the official lists hold several entries, the entry whose prefix / suffix / wrap /
  key equals the row's checker params is chosen, else the first.
* The N result file: `{"annotation": [...]}` with `single-stage` separation and json records, matched
  by audio stem, subtask order and format.

`isac.runtime.adapters.replay` imports this module only when it is given such a file.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from isac.compiler.errors import RunError
from isac.compiler.rows import ManifestRow
from isac.runtime.isa_v1.rules.judgement import variation_name
from isac.runtime.isa_v1.vocabulary import TASK_OF_OFFICIAL

# A D item's `variation_responses` has at least one of these keys; otherwise it is an F item.
_D_KEYS = frozenset(
    {
        "default",
        "case",
        "robust",
        "semantic_equal_simple",
        "semantic_equal_neutral",
        "semantic_equal_complex",
        "alter_symbol",
    }
)
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
class OfficialResponses:
    """The responses of one of the paper's result files, looked up per manifest row."""

    by_key: dict[_Key, list[_Candidate]]

    def response_for(self, row: ManifestRow) -> str | None:
        """The response the file holds for `row`, or None when it has none."""
        variation = official_variation(row)
        stem = PurePosixPath(row.audio).stem
        candidates = self.by_key.get((stem, row.dimension, row.task, variation))
        if candidates is None:
            candidates = self.by_key.get((stem, row.dimension, None, variation))
        return _choose(candidates, row).response if candidates else None


def read_result_document(data: Any, path: Path) -> OfficialResponses:
    """Index a parsed result file; RunError names `path` and the item at fault."""
    if isinstance(data, dict) and "annotation" in data:
        return OfficialResponses(_index_n(data["annotation"], path))
    return OfficialResponses(_index_d_f(data, path))


def official_variation(row: ManifestRow) -> str:
    """The ISA-Bench v1 variation name a row corresponds to (its import meta first, else its variant)."""
    named = row.meta.get("isa_v1_variation")
    if named:
        # Accept both `upper_case` and qualified forms such as `case.upper_case` or `case/upper_case`.
        return named.replace("/", ".").rsplit(".", 1)[-1]
    return variation_name(row.dimension, row.variant)


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


def _index_d_f(items: Any, path: Path) -> dict[_Key, list[_Candidate]]:
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
        task = TASK_OF_OFFICIAL.get(str(item.get("task", "")).strip().lower())
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


def _index_n(items: Any, path: Path) -> dict[_Key, list[_Candidate]]:
    if not isinstance(items, list):
        raise RunError(f"{path}: `annotation` must be a list of items")
    index: dict[_Key, list[_Candidate]] = {}
    for position, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("path"), str):
            raise RunError(f"{path}: annotation item {position} is not an object with a string `path`")
        stem = PurePosixPath(item["path"].replace("\\", "/")).stem
        stages = (item.get("instructions") or {}).get("variations") or {}
        stage = stages.get("single-stage") or {}
        for branch in ("separation", "json"):
            for block in stage.get(branch) or []:
                for record in block if isinstance(block, list) else []:
                    if not isinstance(record, dict) or not isinstance(record.get("response"), str):
                        continue
                    task = "+".join(part.strip() for part in str(record.get("task", "")).split("|"))
                    key: _Key = (stem, "N", task, branch)
                    index.setdefault(key, []).append(_Candidate(None, record["response"]))
    return index
