"""`replay:<file>`: import responses produced elsewhere as if a model had just given them.

Accepted files (detected from the content):

* JSONL keyed by row id: one `{"row_id": ..., "response": ...}` object a line (an optional `error`
  string replays a failure). The last line of a row wins.
* The ISA-Bench v1 result files: a JSON list of D/F items, or the N file `{"annotation": [...]}`.
  Their format and how responses are matched to rows belong to `isac.runtime.isa_v1.replay_files`,
  imported only when such a file is given.

Rows without a replayed response become error records ("no replayed response"). No audio is read.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from isac.compiler import __version__
from isac.compiler.errors import RunError
from isac.compiler.rows import ManifestRow
from isac.runtime.adapters.base import AdapterOptions, Generation, GenerationRequest

NO_RESPONSE = "no replayed response"


class RowResponses(Protocol):
    """Responses keyed by something other than row id (the paper's result files)."""

    def response_for(self, row: ManifestRow) -> str | None:
        """The response held for `row`, or None."""
        ...


@dataclass(frozen=True)
class ReplayIndex:
    """Responses loaded from a replay file, looked up per row."""

    by_row_id: dict[str, Generation]
    by_row: RowResponses | None = None

    def lookup(self, row: ManifestRow) -> Generation:
        """The replayed Generation for `row`, or an error Generation when the file has none."""
        found = self.by_row_id.get(row.id)
        if found is not None:
            return found
        if self.by_row is not None:
            response = self.by_row.response_for(row)
            if response is not None:
                return Generation(response=response)
        return Generation(response=None, error=NO_RESPONSE)


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
    # A JSON list, or one JSON object with `annotation`, is one of the paper's result files; JSONL lines
    # are objects too, so an object is only taken for the paper's format when the whole text parses.
    document = _load_json(path, text) if stripped.startswith("[") else None
    if stripped.startswith("{"):
        whole = _try_json(text)
        document = whole if isinstance(whole, dict) and "annotation" in whole else None
    if document is not None:
        from isac.runtime.isa_v1.replay_files import read_result_document

        return ReplayIndex({}, read_result_document(document, path))
    return ReplayIndex(_index_jsonl(path, text))


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
    # Only "\n" ends a line: str.splitlines() would also split at U+0085, U+2028 and other characters
    # that JSON allows raw inside a string, and a response holding one would fail to parse.
    for number, line in enumerate(text.split("\n"), start=1):
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
