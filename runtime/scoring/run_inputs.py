"""Read what scoring needs from a run directory: `run.json`, its manifests and `results.jsonl`.

The manifests a run recorded are found by their recorded path, or, when the files have moved, by file
name in the run directory, its parent and any extra search directory; in every case their sha256 must
equal the one `run.json` recorded, since results are only meaningful against the exact rows executed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from isac.compiler.errors import ScoringError
from isac.compiler.manifests import file_sha256
from isac.runtime.results import latest_records
from isac.runtime.run_files import RESULTS_FILE, RUN_FILE, ResultRecord, read_run_info, run_identity


@dataclass(frozen=True)
class ManifestInput:
    """One verified manifest of a run."""

    name: str
    path: Path
    sha256: str
    rows: int


@dataclass(frozen=True)
class RunInputs:
    """Everything `isac score` reads from one run directory.

    `results` maps each row id to its last record among those that belong to this run;
    `records_unknown` counts the rows whose last record names another model or a manifest the run
    does not list (they are ignored, and reported).
    """

    run_dir: Path
    run_id: str
    model_id: str
    fingerprint: dict[str, Any]
    created_at: str
    manifests: tuple[ManifestInput, ...]
    results: dict[str, ResultRecord]
    records_unknown: int


def read_run_inputs(run_dir: Path, search_dirs: Sequence[Path] = ()) -> RunInputs:
    """Load and verify a run directory (raises ScoringError or RunError naming the file at fault)."""
    run_dir = Path(run_dir)
    info = read_run_info(run_dir)
    model_id = info.model.get("model_id")
    if not isinstance(model_id, str) or not model_id:
        raise ScoringError(f"{run_dir / RUN_FILE}: model.model_id missing; expected the model string")
    places = [run_dir, run_dir.parent, *map(Path, search_dirs)]
    manifests = tuple(
        _locate_manifest(run_dir, record.path, record.sha256, record.rows, places)
        for record in info.manifests
    )
    results_path = run_dir / RESULTS_FILE
    if not results_path.exists():
        raise ScoringError(f"{results_path}: not found; has `isac exec` run into {run_dir}?")
    hashes = {manifest.sha256 for manifest in manifests}
    results: dict[str, ResultRecord] = {}
    unknown = 0
    for row_id, record in latest_records(results_path).items():
        if record.manifest_sha256 in hashes and record.model == model_id:
            results[row_id] = record
        else:
            unknown += 1
    return RunInputs(
        run_dir=run_dir,
        run_id=run_identity(info.model, info.created_at),
        model_id=model_id,
        fingerprint=dict(info.model),
        created_at=info.created_at,
        manifests=manifests,
        results=results,
        records_unknown=unknown,
    )


def _locate_manifest(
    run_dir: Path, recorded: str, sha256: str, rows: int, places: Sequence[Path]
) -> ManifestInput:
    recorded_path = Path(recorded)
    name = recorded_path.name
    candidates = [recorded_path] if recorded_path.is_absolute() else [run_dir / recorded_path, recorded_path]
    candidates += [place / name for place in places]
    mismatched: list[Path] = []
    for candidate in dict.fromkeys(candidates):
        if not candidate.is_file():
            continue
        if file_sha256(candidate) == sha256:
            return ManifestInput(name=name, path=candidate, sha256=sha256, rows=rows)
        mismatched.append(candidate)
    if mismatched:
        raise ScoringError(
            f"{run_dir / RUN_FILE}: manifest {name} differs from the one the run executed "
            f"(sha256 of {mismatched[0]} is not {sha256[:12]}...); score against the original manifest"
        )
    looked = ", ".join(str(path) for path in dict.fromkeys(candidates))
    raise ScoringError(
        f"{run_dir / RUN_FILE}: manifest {name} not found (looked at {looked}); "
        "pass --manifest-dir DIR where it now lives"
    )
