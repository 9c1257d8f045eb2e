"""The run directory contract: its files, their record models and the rules that tie a run together.

A run directory holds `run.json` (what produced the results: the model fingerprint, the manifests and
the data root) and `results.jsonl` (one `ResultRecord` a line, the last record of a row counts). This
module is the one place that states:

* the file names (`RUN_FILE`, `RESULTS_FILE`, `LOCK_FILE`);
* the record models (`RunInfo` with its `ManifestRecord`s, `ResultRecord`);
* which fingerprint keys are volatile (`VOLATILE_FINGERPRINT_KEYS`): `libraries` (a transformers
  upgrade between resumes) and `endpoint` (the same served model moved to another host). Exec resumes a
  run whose fingerprint differs only in them (with a warning), and scoring leaves them out of the run's
  identity, so both stages agree on what "the same run" is;
* how two fingerprints compare (`compare_fingerprints`) and a run's id (`run_identity`).

Exec (`execution/run_dir.py`, `results.py`) writes these files and scoring (`scoring/run_inputs.py`)
reads them, both through these definitions.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator
from pydantic.dataclasses import dataclass as validated_dataclass

from isac.compiler.errors import RunError, first_validation_problem
from isac.compiler.rows import canonical_json
from isac.compiler.unicode_text import scrub_surrogates

RUN_FILE = "run.json"
RESULTS_FILE = "results.jsonl"
LOCK_FILE = ".lock"

# Fingerprint keys that may change between resumes (a warning, not a refusal) and that do not change a
# run's identity.
VOLATILE_FINGERPRINT_KEYS: frozenset[str] = frozenset({"libraries", "endpoint"})
RUN_ID_LENGTH = 16  # hex characters of sha256


class ManifestRecord(BaseModel):
    """A manifest as `run.json` records it."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    path: str
    sha256: str
    rows: int


class RunInfo(BaseModel):
    """The content of `run.json`."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    model: dict[str, Any]
    manifests: tuple[ManifestRecord, ...]
    data_root: str | None
    created_at: str
    isac_version: str = ""

    def to_text(self) -> str:
        """Pretty JSON with sorted keys and a trailing newline."""
        return json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False, indent=2) + "\n"


# A validated dataclass with slots rather than a pydantic model: scoring holds one record per row of a
# run in memory (355k at full scale), and a slotted record takes a sixth of a model's memory.
@validated_dataclass(frozen=True, slots=True, config=ConfigDict(extra="forbid"))
class ResultRecord:
    """What one execution of one row produced (see docs/contracts.md, "Run directory")."""

    row_id: str
    manifest_sha256: str
    model: str  # the fingerprint's model_id
    response: str | None
    error: str | None
    latency_s: float
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    attempt: int = 1
    # The response's length in characters when it was cut to `--max-response-chars` (else None, and the
    # key is left out of the stored line, so records of runs before this field read and write the same).
    response_chars: int | None = None

    @field_validator("response", "error")
    @classmethod
    def _utf8_text(cls, value: str | None) -> str | None:
        # A lone UTF-16 surrogate (half an emoji from a byte-level tokenizer, or a `\ud83d` escape in a
        # JSON reply) cannot be written as UTF-8; it would crash the log writer on every resume and
        # DuckDB at scoring. The answer keeps U+FFFD in its place.
        return None if value is None else scrub_surrogates(value)

    @property
    def ok(self) -> bool:
        """True when the row was answered (even with an empty string) rather than failed."""
        return self.error is None

    def to_line(self) -> str:
        """The canonical JSON line with its newline, exactly as it is stored."""
        # A flat record: a dict of its fields (dataclasses.asdict deep-copies each value, a fifth of
        # exec's CPU per row at concurrency 64).
        data = {name: getattr(self, name) for name in _RECORD_FIELDS}
        if data["response_chars"] is None:
            del data["response_chars"]
        return canonical_json(data) + "\n"


_RECORD_FIELDS = tuple(field.name for field in dataclasses.fields(ResultRecord))


def read_run_info(directory: Path) -> RunInfo:
    """Load `run.json` from a run directory (RunError names the file and the key at fault)."""
    path = Path(directory) / RUN_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RunError(f"{path}: not found; is {directory} a run directory?") from None
    try:
        return RunInfo.model_validate_json(text)
    except ValidationError as error:
        where, problem = first_validation_problem(error, "(top level)")
        raise RunError(f"{path}: malformed run file at {where}: {problem}") from None


def normalise_fingerprint(fingerprint: dict[str, Any]) -> dict[str, Any]:
    """The fingerprint as it reads back from JSON (tuples become lists, keys sorted)."""
    return json.loads(canonical_json(fingerprint))


def stable_fingerprint(fingerprint: dict[str, Any]) -> dict[str, Any]:
    """The fingerprint without its volatile keys: what must not change within one run."""
    return {key: value for key, value in fingerprint.items() if key not in VOLATILE_FINGERPRINT_KEYS}


@dataclass(frozen=True)
class FingerprintComparison:
    """How a current fingerprint differs from the recorded one, key by key (sorted)."""

    stable_changes: tuple[str, ...]  # keys whose change makes it another run
    volatile_changes: tuple[str, ...]  # keys whose change is only worth a warning

    @property
    def same_run(self) -> bool:
        """True when only volatile keys (or nothing) changed."""
        return not self.stable_changes


def compare_fingerprints(recorded: dict[str, Any], current: dict[str, Any]) -> FingerprintComparison:
    """Compare two normalised fingerprints; a key missing on one side counts as None."""
    changed = sorted(key for key in set(recorded) | set(current) if recorded.get(key) != current.get(key))
    return FingerprintComparison(
        stable_changes=tuple(key for key in changed if key not in VOLATILE_FINGERPRINT_KEYS),
        volatile_changes=tuple(key for key in changed if key in VOLATILE_FINGERPRINT_KEYS),
    )


def run_identity(fingerprint: dict[str, Any], created_at: str) -> str:
    """A run's id: hash of its stable fingerprint and creation time.

    Rescoring the same directory (or a copy) yields the same id, so its rows are replaced; two runs of
    one model started separately (say D today, F in another directory tomorrow) get different ids.
    """
    payload = canonical_json({"created_at": created_at, "model": stable_fingerprint(fingerprint)})
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:RUN_ID_LENGTH]
