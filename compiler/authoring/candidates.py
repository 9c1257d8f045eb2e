"""The reviewable candidates file beside a task file: one JSON object per candidate, with provenance.

`spec/tasks/<task>.candidates.jsonl` (lower-case task name) holds every candidate ever proposed for the
task's pools, one per line, appended round by round:

    {"pool": "rewrites.complex", "text": "...", "status": "accepted", "rejections": [],
     "round": "<12 hex>", "provenance": {"source": "endpoint", "model": "...", "endpoint": "...",
     "prompt": "authoring/rewrites.j2", "prompt_sha256": "...", "temperature": 0.9, "seed": 7,
     "date": "2025-01-01T00:00:00Z", "isac_version": "..."}}

`status` is `accepted` (passed every rule, waiting for `isac author accept`), `rejected` (with the rules
that refused it and why) or `merged` (in the pool). A reviewer vetoes an accepted candidate by changing
its status to `rejected`. The file is not part of the spec hash (only `.yaml`/`.json` files are), and
it never holds an API key: provenance records the key's environment variable name at most.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from isac.compiler.authoring.validate import Rejection
from isac.compiler.errors import IsacError

STATUSES = ("accepted", "rejected", "merged")
_BULLET = re.compile(r"^\s*(?:[-*\u2022]|\d+[.)])\s+")


@dataclass(frozen=True)
class Candidate:
    """One proposed fragment for one pool, its review status and where it came from."""

    pool: str
    text: str
    status: str
    rejections: tuple[Rejection, ...] = ()
    round: str = ""
    provenance: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        """The candidate as one line of the candidates file."""
        record = asdict(self)
        record["rejections"] = [asdict(rejection) for rejection in self.rejections]
        return json.dumps(record, ensure_ascii=False, sort_keys=False)

    def with_status(self, status: str, rejections: Sequence[Rejection] = ()) -> Candidate:
        """A copy with a new status (and, for `rejected`, its reasons)."""
        return replace(self, status=status, rejections=tuple(rejections))


def candidates_path(spec_dir: Path, task_file: str) -> Path:
    """`spec/tasks/aac.yaml` -> `spec/tasks/aac.candidates.jsonl`."""
    path = spec_dir / task_file
    return path.with_name(path.stem + ".candidates.jsonl")


def read_candidates(path: Path) -> list[Candidate]:
    """Every candidate in the file (none when it does not exist); a bad line names its number."""
    if not path.exists():
        return []
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            candidate = Candidate(
                pool=str(record["pool"]),
                text=str(record["text"]),
                status=str(record["status"]),
                rejections=tuple(Rejection(str(r["rule"]), str(r["reason"])) for r in record["rejections"]),
                round=str(record.get("round", "")),
                provenance=dict(record.get("provenance") or {}),
            )
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as error:
            raise IsacError(
                f"{path}:{number}: expected a JSON object with pool, text, status and rejections ({error})"
            ) from None
        if candidate.status not in STATUSES:
            raise IsacError(f"{path}:{number}: status {candidate.status!r}; expected one of {STATUSES}")
        found.append(candidate)
    return found


def write_candidates(path: Path, candidates: Iterable[Candidate]) -> None:
    """Replace the file atomically (a temporary file renamed over it), so a crash loses nothing."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text("".join(candidate.to_json() + "\n" for candidate in candidates), encoding="utf-8")
    os.replace(temporary, path)


def round_id(provenance: dict[str, Any], texts: Sequence[str]) -> str:
    """A short id for one round: a hash of its provenance and its candidates."""
    digest = hashlib.sha256(json.dumps([provenance, list(texts)], sort_keys=True).encode("utf-8"))
    return digest.hexdigest()[:12]


def parse_candidates(reply: str) -> list[str]:
    """Candidate fragments from a model reply or a file: a JSON array of strings, else one per line.

    Lines lose list bullets ("- ", "1. ") and surrounding quotes; blank lines and `#` comments are
    skipped. The text is only parsed, never evaluated.
    """
    stripped = reply.strip()
    start, end = stripped.find("["), stripped.rfind("]")
    if start != -1 and end > start:
        try:
            data = json.loads(stripped[start : end + 1])
        except json.JSONDecodeError:
            data = None
        if isinstance(data, list) and all(isinstance(item, str) for item in data):
            return [item.strip() for item in data if item.strip()]
    texts = []
    for line in reply.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or line.startswith("```"):
            continue
        line = _BULLET.sub("", line)
        if len(line) >= 2 and line[0] == line[-1] and line[0] in "\"'":
            line = line[1:-1]
        texts.append(line.strip())
    return [text for text in texts if text]
